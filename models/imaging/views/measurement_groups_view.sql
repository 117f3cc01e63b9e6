-- measurement_groups: one row per measurement group of every DICOM SR TID 1500 report, report_groups
-- without a Segmentation reference included; contentSequence is the group's content item with
-- the fields IDC publishes.
{%- set q = adapter.quote %}

with report_groups as (

    select * from {{ ref('stg_dicom__measurement_groups') }}

),

final as (

    select
        report_groups.sop_instance_uid as {{ q('SOPInstanceUID') }},
        report_groups.series_instance_uid as {{ q('SeriesInstanceUID') }},
        report_groups.measurement_group_number as {{ q('measurementGroup_number') }},
        report_groups.tracking_unique_identifier as {{ q('trackingUniqueIdentifier') }},
        report_groups.tracking_identifier as {{ q('trackingIdentifier') }},
        report_groups.patient_id as {{ q('PatientID') }},
        report_groups.series_description as {{ q('SeriesDescription') }},
        {{ struct_project('report_groups.finding_code', code_fields(version=true)) }} as finding,
        {{ struct_project('report_groups.finding_site_code', code_fields(version=true)) }}
            as {{ q('findingSite') }},
        report_groups.source_segmented_series_uid as {{ q('sourceSegmentedSeriesUID') }},
        report_groups.segmentation_instance_uid as {{ q('segmentationInstanceUID') }},
        report_groups.segmentation_series_uid as {{ q('segmentationSeriesUID') }},
        report_groups.segmentation_segment_number as {{ q('segmentationSegmentNumber') }},
        {{ struct_project('report_groups.measurement_group', measurement_group_content_fields()) }}
            as {{ q('contentSequence') }}
    from report_groups

)

select * from final
