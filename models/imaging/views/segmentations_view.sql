-- segmentations: one row per segment of every DICOM Segmentation, label maps included, with
-- the first code of each coded sequence, the segmented image series and an IDC viewer URL.
{%- set q = adapter.quote %}

with segments as (

    select * from {{ ref('stg_dicom__segments') }}

),

instances as (

    select
        metadata.sopinstanceuid as sop_instance_uid,
        metadata.seriesinstanceuid as series_instance_uid
    from {{ ref('stg_dicom__metadata') }} as metadata

),

with_segmented_series as (

    select
        segments.*,
        -- The series of the referenced instance; when that instance is not in the corpus, the
        -- series the Segmentation names in ReferencedSeriesSequence.
        coalesce(
            instances.series_instance_uid, segments.referenced_series_instance_uid
        ) as segmented_series_instance_uid
    from segments
    left join instances on segments.referenced_sop_instance_uid = instances.sop_instance_uid

),

final as (

    select
        s.patient_id as {{ q('PatientID') }},
        s.study_instance_uid as {{ q('StudyInstanceUID') }},
        s.series_instance_uid as {{ q('SeriesInstanceUID') }},
        s.sop_instance_uid as {{ q('SOPInstanceUID') }},
        s.frame_of_reference_uid as {{ q('FrameOfReferenceUID') }},
        {{ struct_project('s.anatomic_region', code_fields()) }} as {{ q('AnatomicRegion') }},
        {{ struct_project('s.anatomic_region_modifier', code_fields()) }}
            as {{ q('AnatomicRegionModifier') }},
        {{ struct_project('s.segmented_property_category', code_fields()) }}
            as {{ q('SegmentedPropertyCategory') }},
        {{ struct_project('s.segmented_property_type', code_fields() + [
            {'AnatomicRegionModifierSequence': code_fields()},
            {'SegmentedPropertyTypeModifierCodeSequence': code_fields()}
        ]) }} as {{ q('SegmentedPropertyType') }},
        s.segment_algorithm_type as {{ q('SegmentAlgorithmType') }},
        s.segment_algorithm_names as {{ q('SegmentAlgorithmName') }},
        s.segment_number as {{ q('SegmentNumber') }},
        s.tracking_uid as {{ q('TrackingUID') }},
        s.tracking_id as {{ q('TrackingID') }},
        s.segmented_series_instance_uid as {{ q('segmented_SeriesInstanceUID') }},
        concat(
            '{{ var("idc_viewer_url", "https://viewer.imaging.datacommons.cancer.gov/v3/viewer/") }}',
            '?StudyInstanceUIDs=', s.study_instance_uid,
            '&initialSeriesInstanceUID=', s.series_instance_uid
        ) as viewer_url
    from with_segmented_series as s

)

select * from final
