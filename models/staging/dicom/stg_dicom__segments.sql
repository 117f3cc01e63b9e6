-- One row per segment (SegmentSequence item) of every DICOM Segmentation, binary, fractional
-- and label-map (SOP classes 1.2.840.10008.5.1.4.1.1.66.4 and .66.7), with the instance
-- the Segmentation was derived from.
{%- set referenced_series = safe_offset('metadata.referencedseriessequence') %}

with metadata as (

    select * from {{ ref('stg_dicom__metadata') }}

),

segmentation_instances as (

    select
        metadata.patientid as patient_id,
        metadata.studyinstanceuid as study_instance_uid,
        metadata.seriesinstanceuid as series_instance_uid,
        metadata.sopinstanceuid as sop_instance_uid,
        metadata.sopclassuid as sop_class_uid,
        metadata.frameofreferenceuid as frame_of_reference_uid,
        metadata.segmentsequence as segment_sequence,
        coalesce(
            {{ safe_offset(referenced_series ~ '.referencedinstancesequence') }}.referencedsopinstanceuid,
            {{ safe_offset('metadata.referencedimagesequence') }}.referencedsopinstanceuid,
            {{ safe_offset('metadata.sourceimagesequence') }}.referencedsopinstanceuid
        ) as referenced_sop_instance_uid,
        {{ referenced_series }}.seriesinstanceuid as referenced_series_instance_uid
    from metadata
    where metadata.sopclassuid in (
        '1.2.840.10008.5.1.4.1.1.66.4',  -- Segmentation Storage
        '1.2.840.10008.5.1.4.1.1.66.7'   -- Label Map Segmentation Storage
    )

),

unnested as (

    {{ select_unnest('segmentation_instances', [
        'segmentation_instances.patient_id',
        'segmentation_instances.study_instance_uid',
        'segmentation_instances.series_instance_uid',
        'segmentation_instances.sop_instance_uid',
        'segmentation_instances.sop_class_uid',
        'segmentation_instances.frame_of_reference_uid',
        'segmentation_instances.referenced_sop_instance_uid',
        'segmentation_instances.referenced_series_instance_uid'
    ], 'segmentation_instances.segment_sequence', 'segment', 'segment_offset') }}

),

segments as (

    select
        unnested.patient_id,
        unnested.study_instance_uid,
        unnested.series_instance_uid,
        unnested.sop_instance_uid,
        unnested.sop_class_uid,
        unnested.frame_of_reference_uid,
        unnested.referenced_sop_instance_uid,
        unnested.referenced_series_instance_uid,
        unnested.segment_offset,
        unnested.segment.segmentnumber as segment_number,
        unnested.segment.segmentalgorithmtype as segment_algorithm_type,
        unnested.segment.segmentalgorithmname as segment_algorithm_names,
        unnested.segment.trackinguid as tracking_uid,
        unnested.segment.trackingid as tracking_id,
        {{ safe_offset('unnested.segment.anatomicregionsequence') }} as anatomic_region,
        {{ safe_offset(
            safe_offset('unnested.segment.anatomicregionsequence') ~ '.anatomicregionmodifiersequence'
        ) }} as anatomic_region_modifier,
        {{ safe_offset('unnested.segment.segmentedpropertycategorycodesequence') }}
            as segmented_property_category,
        {{ safe_offset('unnested.segment.segmentedpropertytypecodesequence') }} as segmented_property_type
    from unnested

)

select * from segments
