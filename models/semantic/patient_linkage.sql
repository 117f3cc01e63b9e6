-- One row per (collection, patient) seen in the clinical tables or in IDC's index:
-- which clinical tables have rows for the patient, and what imaging the patient has.
with clinical_patients as (

    select * from {{ ref('stg_clinical__patients') }}

),

patient_modalities as (

    select * from {{ ref('patient_modalities') }}

),

clinical as (

    select
        collection_id,
        dicom_patient_id,
        count(*) as n_clinical_tables,
        {{ example_values('table_name', 1000) }} as clinical_tables
    from clinical_patients
    group by collection_id, dicom_patient_id

),

imaging as (

    select
        collection_id,
        dicom_patient_id,
        sum(n_series) as n_series,
        {{ example_values("modality || ':' || cast(n_series as " ~ dbt.type_string() ~ ")", 1000) }}
            as series_per_modality
    from patient_modalities
    group by collection_id, dicom_patient_id

),

final as (

    select  -- noqa: ST06
        coalesce(clinical.collection_id, imaging.collection_id) as collection_id,
        coalesce(clinical.dicom_patient_id, imaging.dicom_patient_id) as dicom_patient_id,
        coalesce(clinical.n_clinical_tables, 0) as n_clinical_tables,
        clinical.clinical_tables,
        coalesce(imaging.n_series, 0) as n_series,
        imaging.series_per_modality,
        clinical.dicom_patient_id is not null as has_clinical_data,
        imaging.dicom_patient_id is not null as has_images
    from clinical
    full outer join imaging
        on
            clinical.collection_id = imaging.collection_id
            and clinical.dicom_patient_id = imaging.dicom_patient_id

)

select * from final
