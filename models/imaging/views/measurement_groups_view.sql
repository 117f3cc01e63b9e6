-- measurement_groups: one row per measurement group of every DICOM SR TID 1500 report, groups
-- without a Segmentation reference included; contentSequence is the group's content item with
-- the fields IDC publishes.
{%- set q = adapter.quote %}

with groups as (

    select * from {{ ref('stg_dicom__measurement_groups') }}

),

final as (

    select
        groups.sop_instance_uid as {{ q('SOPInstanceUID') }},
        groups.measurement_group_number as {{ q('measurementGroup_number') }},
        groups.tracking_unique_identifier as {{ q('trackingUniqueIdentifier') }},
        groups.tracking_identifier as {{ q('trackingIdentifier') }},
        groups.patient_id as {{ q('PatientID') }},
        groups.series_description as {{ q('SeriesDescription') }},
        {{ struct_project('groups.finding_code', code_fields(version=true)) }} as finding,
        {{ struct_project('groups.finding_site_code', code_fields(version=true)) }} as {{ q('findingSite') }},
        groups.source_segmented_series_uid as {{ q('sourceSegmentedSeriesUID') }},
        groups.segmentation_instance_uid as {{ q('segmentationInstanceUID') }},
        groups.segmentation_segment_number as {{ q('segmentationSegmentNumber') }},
        {{ struct_project('groups.measurement_group', measurement_group_content_fields()) }}
            as {{ q('contentSequence') }}
    from groups

)

select * from final
