-- dicom_all: IDC v22's 44 leading columns (collection, patient, study, series and instance
-- auxiliary metadata, in IDC's order), then every dicom_metadata column but the four UIDs
-- already named. Auxiliary values come from auxiliary_metadata (with the collection's
-- original_collections_metadata and analysis_results_metadata); where it has no collection id,
-- series UUID, DOI or licence, IDC's series index of the same release fills them in.
-- Instances without auxiliary metadata are kept (IDC inner-joins them away), with NULLs.
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
        coalesce(auxiliary.collection_id, index_series.collection_id) as collection_id,
        auxiliary.collection_timestamp,
        auxiliary.collection_hash,
        auxiliary.collection_init_idc_version,
        auxiliary.collection_revised_idc_version,
        auxiliary.collection_tumor_location as {{ q('collection_tumorLocation') }},
        auxiliary.collection_species,
        auxiliary.collection_cancer_type as {{ q('collection_cancerType') }},
        auxiliary.access,
        metadata.patientid as {{ q('PatientID') }},
        auxiliary.idc_case_id,
        auxiliary.patient_hash,
        auxiliary.patient_init_idc_version,
        auxiliary.patient_revised_idc_version,
        metadata.studyinstanceuid as {{ q('StudyInstanceUID') }},
        auxiliary.crdc_study_uuid,
        auxiliary.study_hash,
        auxiliary.study_init_idc_version,
        auxiliary.study_revised_idc_version,
        metadata.seriesinstanceuid as {{ q('SeriesInstanceUID') }},
        coalesce(auxiliary.crdc_series_uuid, index_series.crdc_series_uuid) as crdc_series_uuid,
        auxiliary.series_gcs_url,
        auxiliary.series_aws_url,
        auxiliary.series_hash,
        auxiliary.series_init_idc_version,
        auxiliary.series_revised_idc_version,
        metadata.sopinstanceuid as {{ q('SOPInstanceUID') }},
        auxiliary.crdc_instance_uuid,
        auxiliary.gcs_url,
        auxiliary.gcs_bucket,
        auxiliary.aws_url,
        auxiliary.aws_bucket,
        auxiliary.instance_size,
        auxiliary.instance_hash,
        auxiliary.instance_init_idc_version,
        auxiliary.instance_revised_idc_version,
        coalesce(auxiliary.source_doi, index_series.source_doi) as {{ q('Source_DOI') }},
        auxiliary.source_url as {{ q('Source_URL') }},
        auxiliary.versioned_source_doi as {{ q('Versioned_Source_DOI') }},
        auxiliary.analysis_result_id,
        auxiliary.license_url,
        auxiliary.license_long_name,
        coalesce(auxiliary.license_short_name, index_series.license_short_name) as license_short_name,
        {{ star_except('metadata', [
            'sopinstanceuid', 'patientid', 'studyinstanceuid', 'seriesinstanceuid'
        ]) }}
    from metadata
    left join auxiliary on metadata.sopinstanceuid = auxiliary.sop_instance_uid
    left join index_series on metadata.seriesinstanceuid = index_series.series_instance_uid

)

select * from final
