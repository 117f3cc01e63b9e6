{#-
    One row per (patient, variable, harmonized value, source cell): every clinical value that a
    mapping of harmonization/*.yml maps onto a standard variable, with its NCIt code and the way
    back to the source cell (table, column, row_key, original value). Values no rule maps are in
    harmonized_unmapped_values instead.
-#}
{#- The two ways a mapping rule matches a value, as one select rendered per rule: by the value
    itself (value, range, one_column_per_value, edition) or by any number (number). #}
{%- set matches = [
    {
        'value': 'mappings.permissible_value',
        'ncit_code': 'mappings.ncit_code',
        'value_low': to_numeric('mappings.range_low'),
        'value_high': to_numeric('mappings.range_high'),
        'on_value': true,
        'where': "mappings.rule in ('value', 'range', 'one_column_per_value', 'edition')",
    },
    {
        'value': 'trim(clinical_values.value)',
        'ncit_code': 'cast(null as ' ~ dbt.type_string() ~ ')',
        'value_low': to_numeric('clinical_values.value'),
        'value_high': to_numeric('clinical_values.value'),
        'on_value': false,
        'where': "mappings.rule = 'number' and " ~ to_numeric('clinical_values.value') ~ ' is not null',
    },
] %}

with clinical_values as (

    select * from {{ ref('clinical_values') }}

),

mappings as (

    select * from {{ ref('harmonization_mappings') }}

),

harmonized as (

    {%- for match in matches %}

        select
            clinical_values.collection_id,
            clinical_values.dicom_patient_id,
            mappings.variable,
            {{ match.value }} as value,  -- noqa: RF04
            {{ match.ncit_code }} as ncit_code,
            mappings.rule,
            {{ match.value_low }} as value_low,
            {{ match.value_high }} as value_high,
            mappings.unit,
            mappings.reference_point,
            mappings.assessed_at_column,
            clinical_values.table_name as source_table,
            clinical_values.column_name as source_column,
            clinical_values.row_key as source_row_key,
            clinical_values.value as source_value,
            mappings.mapping_file,
            mappings.mapping_line
        from clinical_values
        inner join mappings
            on
                clinical_values.table_name = mappings.table_name
                and clinical_values.column_name = mappings.column_name
                {%- if match.on_value %}
                    and clinical_values.value = mappings.source_value
                {%- endif %}
        where {{ match.where }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        harmonized.collection_id,
        harmonized.dicom_patient_id,
        harmonized.variable,
        harmonized.value,
        harmonized.ncit_code,
        harmonized.value_low,
        harmonized.value_high,
        harmonized.unit,
        harmonized.reference_point,
        {{ to_numeric('assessed.value') }} as assessed_at,
        harmonized.rule,
        harmonized.source_table,
        harmonized.source_column,
        harmonized.source_row_key,
        harmonized.source_value,
        harmonized.assessed_at_column,
        harmonized.mapping_file,
        harmonized.mapping_line
    from harmonized
    left join clinical_values as assessed
        on
            harmonized.source_table = assessed.table_name
            and harmonized.source_row_key = assessed.row_key
            and harmonized.assessed_at_column = assessed.column_name

)

select * from final
