-- One row per segment of every DICOM Segmentation (from segmentations), with its collection,
-- the Modality of the image series it segments, and what it segments.
{%- set q = adapter.quote %}

with segmentations as (

    select * from {{ ref('segmentations') }}

),

dicom_all as (

    select * from {{ ref('dicom_all') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

series as (

    select distinct
        dicom_all.{{ q('SeriesInstanceUID') }} as series_instance_uid,
        dicom_all.collection_id,
        dicom_all.{{ q('Modality') }} as modality
    from dicom_all

),

segments as (

    select
        segmentations.{{ q('SOPInstanceUID') }} as segmentation_instance_uid,
        segmentations.{{ q('SegmentNumber') }} as segment_number,
        segmentations.{{ q('PatientID') }} as dicom_patient_id,
        segmentations.{{ q('SeriesInstanceUID') }} as segmentation_series_uid,
        segmentations.{{ q('segmented_SeriesInstanceUID') }} as segmented_series_uid,
        segmentations.{{ q('SegmentAlgorithmType') }} as segment_algorithm_type,
        segmentations.{{ q('SegmentedPropertyType') }}.{{ q('CodeMeaning') }} as segmented_property_type,
        segmentations.{{ q('SegmentedPropertyCategory') }}.{{ q('CodeMeaning') }}
            as segmented_property_category,
        segmentations.{{ q('AnatomicRegion') }}.{{ q('CodeMeaning') }} as anatomic_region
    from segmentations

),

final as (

    select
        segments.segmentation_instance_uid,
        segments.segment_number,
        segments.dicom_patient_id,
        segments.segmentation_series_uid,
        segments.segmented_series_uid,
        segments.segment_algorithm_type,
        segments.segmented_property_type,
        segments.segmented_property_category,
        segments.anatomic_region,
        segmentation_series.collection_id,
        segmented_series.modality as segmented_modality,
        release_calendar.release_date,
        concat(
            segments.segmentation_instance_uid, '/', cast(segments.segment_number as {{ dbt.type_string() }})
        ) as segment_key,
        concat(segmentation_series.collection_id, '/', segments.dicom_patient_id) as patient_key
    from segments
    left join series as segmentation_series
        on segments.segmentation_series_uid = segmentation_series.series_instance_uid
    left join series as segmented_series
        on segments.segmented_series_uid = segmented_series.series_instance_uid
    cross join release_calendar

)

select * from final
