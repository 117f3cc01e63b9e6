-- One row per (collection, patient, modality) with the patient's number of series of that
-- modality in IDC's series index (from patient_modalities), keyed, with the release date.
with patient_modalities as (

    select * from {{ ref('patient_modalities') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

final as (

    select
        patient_modalities.collection_id,
        patient_modalities.dicom_patient_id,
        patient_modalities.modality,
        patient_modalities.n_series,
        release_calendar.release_date,
        concat(
            patient_modalities.collection_id, '/', patient_modalities.dicom_patient_id,
            '/', patient_modalities.modality
        ) as patient_modality_key,
        concat(patient_modalities.collection_id, '/', patient_modalities.dicom_patient_id) as patient_key
    from patient_modalities
    cross join release_calendar

)

select * from final
