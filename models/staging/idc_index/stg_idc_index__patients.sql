-- One row per patient with images in IDC: what dicom_patient_id values are checked against.
with series as (

    select * from {{ source('idc_index', 'idc_index') }}

),

patients as (

    select distinct
        collection_id,
        patientid as patient_id
    from series

)

select * from patients
