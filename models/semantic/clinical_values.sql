-- depends_on: {{ ref('stg_clinical__tables') }}
{%- set tables = clinical_tables() %}
{%- set keys = ['dicom_patient_id', 'source_batch'] %}

with column_metadata as (

    select * from {{ ref('column_metadata') }}

),

long_values as (

    {%- for table in tables %}

    {%- set numbered -%}
    (
        select
            source_rows.*,
            row_number() over (
                order by
                {%- for column in table.columns %}
                    source_rows.{{ adapter.quote(column) }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            ) as row_key
        from {{ table.relation }} as source_rows
    )
    {%- endset %}

    {{ unpivot_to_text(numbered, 'numbered', [
        "'" ~ table.collection_id ~ "' as collection_id",
        "'" ~ table.name ~ "' as table_name",
        'numbered.dicom_patient_id',
        'numbered.source_batch',
        'numbered.row_key',
    ], table.columns | reject('in', keys) | list) }}
    {% if not loop.last %}union all{% endif %}
    {%- else %}

    {{ no_rows([
        ('collection_id', dbt.type_string()),
        ('table_name', dbt.type_string()),
        ('dicom_patient_id', dbt.type_string()),
        ('source_batch', dbt.type_int()),
        ('row_key', dbt.type_int()),
        ('column_name', dbt.type_string()),
        ('value', dbt.type_string()),
    ], 'column_metadata') }}
    {%- endfor %}

),

options as (

    select
        column_metadata.table_name,
        column_metadata.{{ adapter.quote('column') }} as column_name,
        opt.option_code,
        opt.option_description
    from column_metadata
    cross join {{ unnest_as('column_metadata.' ~ adapter.quote('values'), 'opt') }}
    where opt.option_description is not null

),

final as (

    select
        long_values.collection_id,
        long_values.table_name,
        long_values.dicom_patient_id,
        long_values.source_batch,
        long_values.row_key,
        long_values.column_name,
        column_metadata.column_label,
        long_values.value,
        options.option_description as value_description
    from long_values
    left join column_metadata
        on
            long_values.table_name = column_metadata.table_name
            and long_values.column_name = column_metadata.{{ adapter.quote('column') }}
    left join options
        on
            long_values.table_name = options.table_name
            and long_values.column_name = options.column_name
            and long_values.value = options.option_code
    where long_values.value is not null

)

select * from final
