-- Clinical findings joined with the patient's image series (PatientID = dicom_patient_id).
-- depends_on: {{ ref('stg_clinical__tables') }}
with findings as (

    select * from {{ clinical_relation('prostatex_findings') }}

),

dicom_all as (

    select * from {{ ref('dicom_all') }}

),

series as (

    select distinct
        collection_id,
        patientid as patient_id,
        seriesinstanceuid as series_instance_uid,
        modality as modality_code
    from dicom_all

)

select
    findings.dicom_patient_id,
    findings.fid,
    findings.zone,
    findings.clinsig,
    series.modality_code as modality,
    series.series_instance_uid
from findings
inner join series
    on
        findings.dicom_patient_id = series.patient_id
        and series.collection_id = 'prostatex'
order by findings.dicom_patient_id, findings.fid, series.modality_code, series.series_instance_uid
