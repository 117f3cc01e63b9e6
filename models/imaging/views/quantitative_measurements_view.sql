-- quantitative_measurements: one row per NUM content item of a measurement group, with its
-- derivation modifier (121401 DCM, found among the item's modifiers by code), the finding
-- site's laterality (272741003 SCT), value as NUMERIC and units.
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

measurements as (

    select items.*
    from items
    where items.item.valuetype = 'NUM'

),

measured as (

    select
        measurements.*,
        {{ safe_offset('measurements.item.measuredvaluesequence') }} as measured_value,
        {{ first_where('measurements.item.contentsequence', 'modifier', has_concept('modifier', c.derivation),
                       safe_offset('modifier.conceptcodesequence')) }} as derivation_code
    from measurements

),

final as (

    select
        m.patient_id as {{ q('PatientID') }},
        m.sop_instance_uid as {{ q('SOPInstanceUID') }},
        m.series_instance_uid as {{ q('SeriesInstanceUID') }},
        m.series_description as {{ q('SeriesDescription') }},
        m.measurement_group_number as {{ q('measurementGroup_number') }},
        m.segmentation_instance_uid as {{ q('segmentationInstanceUID') }},
        m.segmentation_series_uid as {{ q('segmentationSeriesUID') }},
        m.segmentation_segment_number as {{ q('segmentationSegmentNumber') }},
        m.source_segmented_series_uid as {{ q('sourceSegmentedSeriesUID') }},
        m.tracking_identifier as {{ q('trackingIdentifier') }},
        m.tracking_unique_identifier as {{ q('trackingUniqueIdentifier') }},
        {{ struct_project(safe_offset('m.item.conceptnamecodesequence'), code_fields()) }}
            as {{ q('Quantity') }},
        {{ struct_project('m.derivation_code', code_fields()) }} as {{ q('derivationModifier') }},
        {{ struct_project('m.laterality_code', code_fields()) }} as {{ q('lateralityModifier') }},
        {{ to_numeric(safe_offset('m.measured_value.numericvalue')) }} as {{ q('Value') }},
        {{ struct_project(safe_offset('m.measured_value.measurementunitscodesequence'),
                          code_fields(version=true)) }} as {{ q('Units') }},
        {{ struct_project('m.finding_code', code_fields(version=true)) }} as finding,
        {{ struct_project('m.finding_site_code', code_fields(version=true)) }} as {{ q('findingSite') }}
    from measured as m

)

select * from final
