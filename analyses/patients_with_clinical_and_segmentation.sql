-- The patients of one collection that have clinical rows and a segmentation of a given
-- segmented property type (by code meaning).
-- dbt compile --select patients_with_clinical_and_segmentation \
--     --vars '{collection_id: prostatex, property_type: Neoplasm}'
with clinical_patients as (

    select * from {{ ref('stg_clinical__patients') }}

),

segmentations as (

    select * from {{ ref('segmentations') }}

),

dicom_all as (

    select * from {{ ref('dicom_all') }}

),

segments as (

    select
        segmentations.patientid as patient_id,
        segmentations.sopinstanceuid as sop_instance_uid,
        segmentations.segmentedpropertytype.codemeaning as property_type  -- noqa: RF01
    from segmentations

),

segmented_patients as (

    select distinct segments.patient_id
    from segments
    inner join dicom_all
        on segments.sop_instance_uid = dicom_all.sopinstanceuid
    where
        dicom_all.collection_id = '{{ var("collection_id", "prostatex") }}'
        and segments.property_type = '{{ var("property_type", "Neoplasm") }}'

)

select
    clinical_patients.dicom_patient_id,
    count(distinct clinical_patients.table_name) as n_clinical_tables
from clinical_patients
inner join segmented_patients
    on clinical_patients.dicom_patient_id = segmented_patients.patient_id
where clinical_patients.collection_id = '{{ var("collection_id", "prostatex") }}'
group by clinical_patients.dicom_patient_id
order by clinical_patients.dicom_patient_id
