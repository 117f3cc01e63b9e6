-- Per-instance auxiliary metadata, with the names dicom_all publishes.
with source as (

    select * from {{ source('dicom', 'auxiliary_metadata') }}

),

renamed as (

    select
        sopinstanceuid as sop_instance_uid,
        collection_name,
        collection_id,
        idc_case_id,
        study_uuid as crdc_study_uuid,
        series_uuid as crdc_series_uuid,
        instance_uuid as crdc_instance_uuid,
        instance_size,
        instance_hash,
        source_doi,
        source_url,
        license_short_name
    from source

)

select * from renamed
