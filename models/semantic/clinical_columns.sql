with column_metadata as (

    select * from {{ ref('column_metadata') }}

),

clinical_tables as (

    select * from {{ ref('stg_clinical__tables') }}

),

clinical_values as (

    select * from {{ ref('clinical_values') }}

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
        column_metadata.column_label,
        column_metadata.data_type,
        column_metadata.values_source,
        column_metadata.case_col,
        value_stats.n_distinct_values,
        case
            when clinical_tables.n_rows = 0 or value_stats.n_values is null then null
            else 1 - value_stats.n_values / clinical_tables.n_rows
        end as null_fraction,
        value_stats.example_values
    from column_metadata
    inner join clinical_tables
        on column_metadata.table_name = clinical_tables.table_name
    left join value_stats
        on
            column_metadata.table_name = value_stats.table_name
            and column_metadata.{{ adapter.quote('column') }} = value_stats.column_name

)

select * from final
