-- One row per series of IDC's index (idc-index-data locally, IDC's dicom_all on BigQuery).
with series as (

    select * from {{ source('idc_index', 'idc_index') }}

),

per_series as (

    select
        seriesinstanceuid as series_instance_uid,
        any_value(collection_id) as collection_id,
        any_value(source_doi) as source_doi,
        any_value(crdc_series_uuid) as crdc_series_uuid,
        any_value(license_short_name) as license_short_name
    from series
    group by seriesinstanceuid

)

select * from per_series
