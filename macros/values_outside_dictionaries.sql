{#-
    values_outside_dictionaries(closed): the SQL of a release-wide data test over every
    dictionary-coded column of every clinical table whose dictionary is closed (`closed=true`)
    or open (`closed=false`): each non-null value (compared as text, so an INTEGER column
    matches codes '1', '2') that is not one of the column's option codes. One row per
    (table_name, column_name, value), with its row count n_rows. The codes and the closed
    flag are the column's `meta` in the seed properties `curate` writes (clinical_tables()).
    Used by tests/dbt/clinical_values_in_{open,closed}_dictionaries.sql.
-#}
{% macro values_outside_dictionaries(closed) %}
    {%- set coded = [] -%}
    {%- for table in clinical_tables() -%}
        {%- for column in table.coded if column.closed == closed -%}
            {%- do coded.append((table, column)) -%}
        {%- endfor -%}
    {%- endfor %}

with outside as (

    {%- for table, column in coded %}

    select
        '{{ table.name }}' as table_name,
        '{{ column.name }}' as column_name,
        observed.value,
        observed.n_rows
    from (
        select
            cast({{ adapter.quote(column.name) }} as {{ dbt.type_string() }}) as value,
            count(*) as n_rows
        from {{ table.relation }}
        where {{ adapter.quote(column.name) }} is not null
        group by 1
    ) as observed
    where observed.value not in (
        {%- for code in column.codes %}
        '{{ code | replace("'", "''") }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
    {% if not loop.last %}union all{% endif %}
    {%- else %}

    {{ no_rows([
        ('table_name', dbt.type_string()),
        ('column_name', dbt.type_string()),
        ('value', dbt.type_string()),
        ('n_rows', dbt.type_int()),
    ]) }}
    {%- endfor %}

)

select
    table_name,
    column_name,
    value,
    n_rows
from outside
{%- endmacro %}
