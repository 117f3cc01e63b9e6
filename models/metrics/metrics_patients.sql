-- One row per (collection, patient) seen in the clinical tables or in IDC's series index
-- (from patient_linkage), with a single-column key and the release date.
with patient_linkage as (

    select * from {{ ref('patient_linkage') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

final as (

    select
        patient_linkage.collection_id,
        patient_linkage.dicom_patient_id,
        patient_linkage.has_clinical_data,
        patient_linkage.has_images,
        patient_linkage.n_clinical_tables,
        patient_linkage.n_series,
        release_calendar.release_date,
        concat(patient_linkage.collection_id, '/', patient_linkage.dicom_patient_id) as patient_key
    from patient_linkage
    cross join release_calendar

)

select * from final
