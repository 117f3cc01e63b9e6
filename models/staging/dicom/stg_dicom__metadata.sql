-- dicom_metadata as exported: one row per DICOM instance, one column per DICOM keyword.
with source as (

    select * from {{ source('dicom', 'dicom_metadata') }}

)

select * from source
