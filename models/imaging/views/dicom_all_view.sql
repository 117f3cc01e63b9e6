-- dicom_all: IDC v22's 44 leading columns (collection, patient, study, series and instance
-- auxiliary metadata, in IDC's order), then every dicom_metadata column but the four UIDs
-- already named. Auxiliary values come from auxiliary_metadata (with the collection's
-- original_collections_metadata and analysis_results_metadata); where it has no collection id,
-- series UUID, DOI or licence, IDC's series index of the same release fills them in.
-- Instances without auxiliary metadata are kept (IDC inner-joins them away), with NULLs.
-- The lookups are joined on the instances' keys alone (narrow rows), and the wide
-- dicom_metadata rows meet them in one last join, so no hash table holds the nested columns.
-- The keys are read through an import CTE of their own: DuckDB materializes a CTE that is
-- referenced twice, which would hold every wide row in memory (at IDC scale, 6 GB and spilling).
{%- set q = adapter.quote %}

with metadata as (

    select * from {{ ref('stg_dicom__metadata') }}

),

metadata_keys as (

    select * from {{ ref('stg_dicom__metadata') }}

),

auxiliary as (

    select * from {{ ref('stg_dicom__auxiliary_metadata') }}

),

index_series as (

    select * from {{ ref('stg_dicom__index_series') }}

),

instance_keys as (

    select distinct
        metadata_keys.sopinstanceuid as sop_instance_uid,
        metadata_keys.seriesinstanceuid as series_instance_uid
    from metadata_keys

),

lookups as (

    select
        instance_keys.sop_instance_uid,
        instance_keys.series_instance_uid,
        auxiliary.collection_name,
        auxiliary.collection_timestamp,
        auxiliary.collection_hash,
        auxiliary.collection_init_idc_version,
        auxiliary.collection_revised_idc_version,
        auxiliary.collection_tumor_location as collection_tumorlocation,
        auxiliary.collection_species,
        auxiliary.collection_cancer_type as collection_cancertype,
        auxiliary.access,
        auxiliary.idc_case_id,
        auxiliary.patient_hash,
        auxiliary.patient_init_idc_version,
        auxiliary.patient_revised_idc_version,
        auxiliary.crdc_study_uuid,
        auxiliary.study_hash,
        auxiliary.study_init_idc_version,
        auxiliary.study_revised_idc_version,
        auxiliary.series_gcs_url,
        auxiliary.series_aws_url,
        auxiliary.series_hash,
        auxiliary.series_init_idc_version,
        auxiliary.series_revised_idc_version,
        auxiliary.crdc_instance_uuid,
        auxiliary.gcs_url,
        auxiliary.gcs_bucket,
        auxiliary.aws_url,
        auxiliary.aws_bucket,
        auxiliary.instance_size,
        auxiliary.instance_hash,
        auxiliary.instance_init_idc_version,
        auxiliary.instance_revised_idc_version,
        auxiliary.source_url,
        auxiliary.versioned_source_doi,
        auxiliary.analysis_result_id,
        auxiliary.license_url,
        auxiliary.license_long_name,
        coalesce(auxiliary.collection_id, index_series.collection_id) as collection_id,
        coalesce(auxiliary.crdc_series_uuid, index_series.crdc_series_uuid) as crdc_series_uuid,
        coalesce(auxiliary.source_doi, index_series.source_doi) as source_doi,
        coalesce(auxiliary.license_short_name, index_series.license_short_name) as license_short_name
    from instance_keys
    left join auxiliary on instance_keys.sop_instance_uid = auxiliary.sop_instance_uid
    left join index_series on instance_keys.series_instance_uid = index_series.series_instance_uid

),

final as (

    select
        lookups.collection_name,
        lookups.collection_id,
        lookups.collection_timestamp,
        lookups.collection_hash,
        lookups.collection_init_idc_version,
        lookups.collection_revised_idc_version,
        lookups.collection_tumorlocation as {{ q('collection_tumorLocation') }},
        lookups.collection_species,
        lookups.collection_cancertype as {{ q('collection_cancerType') }},
        lookups.access,
        metadata.patientid as {{ q('PatientID') }},
        lookups.idc_case_id,
        lookups.patient_hash,
        lookups.patient_init_idc_version,
        lookups.patient_revised_idc_version,
        metadata.studyinstanceuid as {{ q('StudyInstanceUID') }},
        lookups.crdc_study_uuid,
        lookups.study_hash,
        lookups.study_init_idc_version,
        lookups.study_revised_idc_version,
        metadata.seriesinstanceuid as {{ q('SeriesInstanceUID') }},
        lookups.crdc_series_uuid,
        lookups.series_gcs_url,
        lookups.series_aws_url,
        lookups.series_hash,
        lookups.series_init_idc_version,
        lookups.series_revised_idc_version,
        metadata.sopinstanceuid as {{ q('SOPInstanceUID') }},
        lookups.crdc_instance_uuid,
        lookups.gcs_url,
        lookups.gcs_bucket,
        lookups.aws_url,
        lookups.aws_bucket,
        lookups.instance_size,
        lookups.instance_hash,
        lookups.instance_init_idc_version,
        lookups.instance_revised_idc_version,
        lookups.source_doi as {{ q('Source_DOI') }},
        lookups.source_url as {{ q('Source_URL') }},
        lookups.versioned_source_doi as {{ q('Versioned_Source_DOI') }},
        lookups.analysis_result_id,
        lookups.license_url,
        lookups.license_long_name,
        lookups.license_short_name,
        {{ star_except('metadata', [
            'sopinstanceuid', 'patientid', 'studyinstanceuid', 'seriesinstanceuid'
        ]) }}
    from metadata
    left join lookups
        on
            metadata.sopinstanceuid is not distinct from lookups.sop_instance_uid
            and metadata.seriesinstanceuid is not distinct from lookups.series_instance_uid

)

select * from final
