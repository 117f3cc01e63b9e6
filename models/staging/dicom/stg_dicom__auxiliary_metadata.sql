-- Per-instance auxiliary metadata with the names dicom_all publishes, each instance's collection
-- metadata (original_collections_metadata) and, for analysis results, their id
-- (analysis_results_metadata, matched by DOI case-insensitively as IDC v22 matches it).
with source as (

    select * from {{ source('dicom', 'auxiliary_metadata') }}

),

collections as (

    select * from {{ source('dicom', 'original_collections_metadata') }}

),

analysis_results as (

    select * from {{ source('dicom', 'analysis_results_metadata') }}

),

renamed as (

    select
        source.sopinstanceuid as sop_instance_uid,
        source.collection_name,
        source.collection_id,
        source.collection_timestamp,
        source.collection_hash,
        source.collection_init_idc_version,
        source.collection_revised_idc_version,
        collections.tumorlocations as collection_tumor_location,
        collections.species as collection_species,
        collections.cancertypes as collection_cancer_type,
        source.access,
        source.idc_case_id,
        source.patient_hash,
        source.patient_init_idc_version,
        source.patient_revised_idc_version,
        source.study_uuid as crdc_study_uuid,
        source.study_hash,
        source.study_init_idc_version,
        source.study_revised_idc_version,
        source.series_uuid as crdc_series_uuid,
        source.series_gcs_url,
        source.series_aws_url,
        source.series_hash,
        source.series_init_idc_version,
        source.series_revised_idc_version,
        source.instance_uuid as crdc_instance_uuid,
        source.gcs_url,
        source.gcs_bucket,
        source.aws_url,
        source.aws_bucket,
        source.instance_size,
        source.instance_hash,
        source.instance_init_idc_version,
        source.instance_revised_idc_version,
        source.source_doi,
        source.source_url,
        source.versioned_source_doi,
        analysis_results.id as analysis_result_id,
        source.license_url,
        source.license_long_name,
        source.license_short_name
    from source
    left join collections on source.collection_id = collections.collection_id
    left join analysis_results on lower(source.source_doi) = lower(analysis_results.source_doi)

)

select * from renamed
