with column_metadata as (

    select * from {{ ref('column_metadata') }}

),

clinical_tables as (

    select * from {{ ref('stg_clinical__tables') }}

),

clinical_values as (

    select * from {{ ref('clinical_values') }}

),

-- Each column's 1-based position in its table, from the seed properties `curate` writes
-- (columns in table order): one unnest per table. The indentation rule is off for the
-- generated union (its lines come from the select_unnest macro).
column_positions as (
    -- noqa: disable=LT02

    {%- set tables = clinical_tables() %}
    {%- for table in tables %}
    {{ select_unnest(
        '(select 1 as one_row) as one_row',
        ["'" ~ table.name ~ "' as table_name"],
        "['" ~ (table.columns | join("', '")) ~ "']",
        'column_name',
        'column_offset'
    ) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not tables %}
    select
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        0 as column_offset
    from (select 1 as one_row) as one_row
    where false
    {%- endif %}
    -- noqa: enable=LT02

),

value_stats as (

    select
        table_name,
        column_name,
        count(distinct value) as n_distinct_values,
        count(*) as n_values,
        {{ example_values('value', 5) }} as example_values
    from clinical_values
    group by table_name, column_name

),

final as (

    select
        column_metadata.collection_id,
        column_metadata.table_name,
        column_metadata.{{ adapter.quote('column') }} as column_name,
        column_positions.column_offset + 1 as column_position,
        column_metadata.column_label,
        column_metadata.data_type,
        column_metadata.values_source,
        column_metadata.case_col,
        value_stats.n_distinct_values,
        case
            when clinical_tables.n_rows = 0 or value_stats.n_values is null then null
            else round(1 - value_stats.n_values / clinical_tables.n_rows, 4)
        end as null_fraction,
        value_stats.example_values
    from column_metadata
    inner join clinical_tables
        on column_metadata.table_name = clinical_tables.table_name
    left join column_positions
        on
            column_metadata.table_name = column_positions.table_name
            and column_metadata.{{ adapter.quote('column') }} = column_positions.column_name
    left join value_stats
        on
            column_metadata.table_name = value_stats.table_name
            and column_metadata.{{ adapter.quote('column') }} = value_stats.column_name

)

select * from final
