{#-
    The built table and column_metadata agree exactly: every column of `model` has one
    column_metadata row with the same data type, and no column_metadata row of this table
    names a column that is not there. Returns one row per disagreement.
-#}
{% test matches_column_metadata(model, column_metadata) %}

{#- Columns are read from the warehouse only when the test runs (not by compile or docs). -#}
{%- set built = adapter.get_columns_in_relation(model) if execute and flags.WHICH in ('build', 'test') else [] -%}

with built as (

    {% for column in built %}
    select
        '{{ column.name | lower }}' as column_name,
        '{{ idc_type_name(column.dtype) }}' as data_type
    {%- if not loop.last %} union all{% endif %}
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as data_type
    {% endfor %}

),

documented as (

    select
        {{ adapter.quote('column') }} as column_name,
        data_type
    from {{ column_metadata }}
    where table_name = '{{ model.identifier }}'

),

documented_counts as (

    select column_name, count(*) as n_rows
    from documented
    group by column_name

)

select
    coalesce(built.column_name, documented.column_name) as column_name,
    built.data_type as built_type,
    documented.data_type as documented_type
from built
full outer join documented on built.column_name = documented.column_name
where
    built.column_name is null
    or documented.column_name is null
    or built.data_type != documented.data_type

union all

select
    column_name,
    'repeated' as built_type,
    cast(n_rows as {{ dbt.type_string() }}) as documented_type
from documented_counts
where n_rows > 1

{% endtest %}
