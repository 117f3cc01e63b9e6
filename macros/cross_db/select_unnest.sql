{#-
    select_unnest(relation, columns, array_expression, element, offset): a SELECT of
    `columns` from `relation` with one row per element of `array_expression`, the element named
    `element` and its 0-based position `offset` (BigQuery `CROSS JOIN UNNEST(a) AS e WITH OFFSET
    AS o`). Rows whose array is empty or NULL are dropped, as by BigQuery's CROSS JOIN UNNEST.
    Filter on `element` in the next CTE.
    DuckDB uses a select-list unnest with generate_subscripts (1-based, hence `- 1`): a lateral
    join over unnest() copies nested data per row and is far slower on DICOM-sized structs.
-#}
{% macro select_unnest(relation, columns, array_expression, element, offset) -%}
    {{ return(adapter.dispatch('select_unnest', 'idc_clinical')(relation, columns, array_expression, element, offset)) }}
{%- endmacro %}

{% macro default__select_unnest(relation, columns, array_expression, element, offset) -%}
    {{ exceptions.raise_compiler_error("select_unnest is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__select_unnest(relation, columns, array_expression, element, offset) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        unnest({{ array_expression }}) as {{ element }},
        generate_subscripts({{ array_expression }}, 1) - 1 as {{ offset }}
    from {{ relation }}
{%- endmacro %}

{% macro bigquery__select_unnest(relation, columns, array_expression, element, offset) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {{ element }},
        {{ offset }}
    from {{ relation }}
    cross join unnest({{ array_expression }}) as {{ element }} with offset as {{ offset }}
{%- endmacro %}
