-- dicom_all: dicom_metadata with each instance's auxiliary metadata (collection, DOI, license,
-- CRDC-style UUIDs, size, hash), overridden by IDC's series index where it knows the series.
{%- set q = adapter.quote %}

with metadata as (

    select * from {{ ref('stg_dicom__metadata') }}

),

auxiliary as (

    select * from {{ ref('stg_dicom__auxiliary_metadata') }}

),

index_series as (

    select * from {{ ref('stg_dicom__index_series') }}

),

final as (

    select
        auxiliary.collection_name,
        coalesce(index_series.collection_id, auxiliary.collection_id) as collection_id,
        metadata.patientid as {{ q('PatientID') }},
        auxiliary.idc_case_id,
        metadata.studyinstanceuid as {{ q('StudyInstanceUID') }},
        auxiliary.crdc_study_uuid,
        metadata.seriesinstanceuid as {{ q('SeriesInstanceUID') }},
        coalesce(index_series.crdc_series_uuid, auxiliary.crdc_series_uuid) as crdc_series_uuid,
        index_series.series_aws_url,
        metadata.sopinstanceuid as {{ q('SOPInstanceUID') }},
        auxiliary.crdc_instance_uuid,
        auxiliary.instance_size,
        auxiliary.instance_hash,
        coalesce(index_series.source_doi, auxiliary.source_doi) as {{ q('Source_DOI') }},
        auxiliary.source_url as {{ q('Source_URL') }},
        coalesce(index_series.license_short_name, auxiliary.license_short_name) as license_short_name,
        {{ star_except('metadata', [
            'sopinstanceuid', 'patientid', 'studyinstanceuid', 'seriesinstanceuid'
        ]) }}
    from metadata
    left join auxiliary on metadata.sopinstanceuid = auxiliary.sop_instance_uid
    left join index_series on metadata.seriesinstanceuid = index_series.series_instance_uid

)

select * from final
