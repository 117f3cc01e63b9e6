-- One row per measurement group (CONTAINER 125007 DCM) of every TID 1500 structured report
-- (ContentTemplateSequence: TemplateIdentifier 1500, MappingResource DCMR), with the group's
-- attributes picked from its content items by concept code. A group without a tracking
-- identifier, finding, finding site or segmentation reference is kept, with NULLs there.
-- measurement_group_number is the group's 0-based position in its parent container, as in IDC.
-- segmentation_series_uid is the series of the referenced Segmentation instance, NULL when that
-- instance is not in dicom_metadata (IDC v22 drops such groups).
{%- set c = imaging_concepts() %}
{%- set items = 'report_groups.measurement_group.contentsequence' %}

-- dicom_metadata is read twice (reports; the segmentation instances' UIDs): a CTE read twice
-- would be materialized whole, its nested ContentSequence copied once more.

with reports as (

    select
        metadata.patientid as patient_id,
        metadata.sopinstanceuid as sop_instance_uid,
        metadata.seriesinstanceuid as series_instance_uid,
        metadata.seriesdescription as series_description,
        metadata.contentsequence as content_sequence
    from {{ ref('stg_dicom__metadata') }} as metadata
    where
        metadata.sopclassuid in (
            '1.2.840.10008.5.1.4.1.1.88.11',  -- Basic Text SR
            '1.2.840.10008.5.1.4.1.1.88.22',  -- Enhanced SR
            '1.2.840.10008.5.1.4.1.1.88.33',  -- Comprehensive SR
            '1.2.840.10008.5.1.4.1.1.88.34',  -- Comprehensive 3D SR
            '1.2.840.10008.5.1.4.1.1.88.35'   -- Extensible SR
        )
        and {{ safe_offset('metadata.contenttemplatesequence') }}.templateidentifier = '1500'
        and {{ safe_offset('metadata.contenttemplatesequence') }}.mappingresource = 'DCMR'

),

containers as (

    {{ select_unnest('reports', [
        'reports.patient_id',
        'reports.sop_instance_uid',
        'reports.series_instance_uid',
        'reports.series_description'
    ], 'reports.content_sequence', 'container', 'container_offset') }}

),

unnested_groups as (

    {{ select_unnest('containers', [
        'containers.patient_id',
        'containers.sop_instance_uid',
        'containers.series_instance_uid',
        'containers.series_description'
    ], 'containers.container.contentsequence', 'measurement_group', 'measurement_group_number') }}
    where containers.container.valuetype = 'CONTAINER'

),

report_groups as (

    select unnested_groups.*
    from unnested_groups
    where
        unnested_groups.measurement_group.valuetype = 'CONTAINER'
        and {{ has_concept('unnested_groups.measurement_group', c.measurement_group) }}

),

attributes as (

    select
        report_groups.patient_id,
        report_groups.sop_instance_uid,
        report_groups.series_instance_uid,
        report_groups.series_description,
        report_groups.measurement_group_number,
        report_groups.measurement_group,
        {{ first_where(items, 'item',
                       "item.valuetype = 'TEXT' and " ~ has_concept('item', c.tracking_identifier),
                       'item.textvalue') }} as tracking_identifier,
        {{ first_where(items, 'item',
                       "item.valuetype = 'UIDREF' and " ~ has_concept('item', c.tracking_unique_identifier),
                       'item.uid') }} as tracking_unique_identifier,
        {{ first_where(items, 'item',
                       "item.valuetype = 'CODE' and " ~ has_concept('item', c.finding),
                       safe_offset('item.conceptcodesequence')) }} as finding_code,
        {{ first_where(items, 'item',
                       "item.valuetype = 'CODE' and " ~ has_concept('item', c.finding_site)) }} as finding_site_item,
        {{ first_where(items, 'item',
                       "item.valuetype = 'UIDREF' and " ~ has_concept('item', c.source_series_for_segmentation),
                       'item.uid') }} as source_segmented_series_uid,
        {{ first_where(items, 'item',
                       "item.valuetype = 'IMAGE' and " ~ safe_offset('item.referencedsopsequence')
                       ~ ".referencedsopclassuid in ('" ~ c.segmentation_sop_classes | join("', '") ~ "')",
                       safe_offset('item.referencedsopsequence')) }} as segmentation_reference
    from report_groups

),

group_rows as (

    select
        attributes.patient_id,
        attributes.sop_instance_uid,
        attributes.series_instance_uid,
        attributes.series_description,
        attributes.measurement_group_number,
        attributes.tracking_identifier,
        attributes.tracking_unique_identifier,
        attributes.finding_code,
        {{ safe_offset('attributes.finding_site_item.conceptcodesequence') }} as finding_site_code,
        {{ first_where('attributes.finding_site_item.contentsequence', 'modifier',
                       has_concept('modifier', c.laterality),
                       safe_offset('modifier.conceptcodesequence')) }} as laterality_code,
        attributes.source_segmented_series_uid,
        attributes.segmentation_reference.referencedsopinstanceuid as segmentation_instance_uid,
        {{ safe_offset('attributes.segmentation_reference.referencedsegmentnumber') }}
            as segmentation_segment_number,
        attributes.measurement_group
    from attributes

),

segmentation_instances as (

    select
        metadata.sopinstanceuid as sop_instance_uid,
        metadata.seriesinstanceuid as series_instance_uid
    from {{ ref('stg_dicom__metadata') }} as metadata

),

final as (

    select
        group_rows.patient_id,
        group_rows.sop_instance_uid,
        group_rows.series_instance_uid,
        group_rows.series_description,
        group_rows.measurement_group_number,
        group_rows.tracking_identifier,
        group_rows.tracking_unique_identifier,
        group_rows.finding_code,
        group_rows.finding_site_code,
        group_rows.laterality_code,
        group_rows.source_segmented_series_uid,
        group_rows.segmentation_instance_uid,
        segmentation_instances.series_instance_uid as segmentation_series_uid,
        group_rows.segmentation_segment_number,
        group_rows.measurement_group
    from group_rows
    left join segmentation_instances
        on group_rows.segmentation_instance_uid = segmentation_instances.sop_instance_uid

)

select * from final
