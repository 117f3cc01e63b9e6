{#-
    unpivot_to_text(relation, alias, carried, columns): a select of one row per listed column
    of each row of `relation` (SQL: a table or a parenthesized subquery, read as `alias`), with
    the `carried` select items (expressions over `alias`) and then `column_name` and `value`
    (the column's value as text; NULL values included).
-#}
{% macro unpivot_to_text(relation, alias, carried, columns) -%}
    {{ return(adapter.dispatch('unpivot_to_text', 'idc_clinical')(relation, alias, carried, columns)) }}
{%- endmacro %}

{% macro default__unpivot_to_text(relation, alias, carried, columns) -%}
    {{ exceptions.raise_compiler_error("unpivot_to_text is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{#- DuckDB: two unnests in the select list, which DuckDB zips (the lists are equally long): a
    list of the names beside a list of the values. An unnest of a list of structs built per row
    gives the same rows but costs ~17x the CPU (clinical_values over the v22 release: ~10 s). -#}
{% macro duckdb__unpivot_to_text(relation, alias, carried, columns) -%}
    select
        {%- for expression in carried %}
        {{ expression }},
        {%- endfor %}
        unnest([
            {%- for column in columns %}
            '{{ column }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        ]) as column_name,
        unnest([
            {%- for column in columns %}
            cast({{ alias }}.{{ adapter.quote(column) }} as varchar){% if not loop.last %},{% endif %}
            {%- endfor %}
        ]) as value
    from {{ relation }} as {{ alias }}
{%- endmacro %}

{#- BigQuery: UNNEST is a FROM item only: a list of structs, one per column. -#}
{% macro bigquery__unpivot_to_text(relation, alias, carried, columns) -%}
    select
        {%- for expression in carried %}
        {{ expression }},
        {%- endfor %}
        item.column_name,
        item.value
    from {{ relation }} as {{ alias }}
    cross join unnest([
        {%- for column in columns %}
        struct('{{ column }}' as column_name, cast({{ alias }}.{{ adapter.quote(column) }} as string) as value)
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ]) as item
{%- endmacro %}
