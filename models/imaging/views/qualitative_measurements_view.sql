-- qualitative_measurements: one row per coded evaluation (CODE content item) of a measurement
-- group, that is every CODE item but the finding (121071 DCM) and the finding site
-- (G-C0E3 SRT or 363698007 SCT), whatever scheme codes the evaluation.
{%- set q = adapter.quote %}
{%- set c = imaging_concepts() %}

with report_groups as (

    select * from {{ ref('stg_dicom__measurement_groups') }}

),

items as (

    {{ select_unnest('report_groups', [
        star_except('report_groups', ['measurement_group'])
    ], 'report_groups.measurement_group.contentsequence', 'item', 'item_offset') }}

),

evaluations as (

    select items.*
    from items
    where
        items.item.valuetype = 'CODE'
        and not coalesce({{ has_concept('items.item', c.finding + c.finding_site) }}, false)

),

final as (

    select
        e.patient_id as {{ q('PatientID') }},
        e.sop_instance_uid as {{ q('SOPInstanceUID') }},
        e.series_instance_uid as {{ q('SeriesInstanceUID') }},
        e.measurement_group_number as {{ q('measurementGroup_number') }},
        e.segmentation_instance_uid as {{ q('segmentationInstanceUID') }},
        e.segmentation_series_uid as {{ q('segmentationSeriesUID') }},
        e.segmentation_segment_number as {{ q('segmentationSegmentNumber') }},
        e.source_segmented_series_uid as {{ q('sourceSegmentedSeriesUID') }},
        e.tracking_identifier as {{ q('trackingIdentifier') }},
        e.tracking_unique_identifier as {{ q('trackingUniqueIdentifier') }},
        {{ struct_project(safe_offset('e.item.conceptnamecodesequence'), code_fields()) }}
            as {{ q('Quantity') }},
        {{ struct_project(safe_offset('e.item.conceptcodesequence'), code_fields(version=true)) }}
            as {{ q('Value') }},
        {{ struct_project('e.finding_code', code_fields(version=true)) }} as finding,
        {{ struct_project('e.finding_site_code', code_fields(version=true)) }} as {{ q('findingSite') }}
    from evaluations as e

)

select * from final
