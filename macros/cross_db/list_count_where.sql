{#-
    list_count_where(array_expression, element, condition): how many elements of the array
    satisfy `condition` (SQL text in terms of `element`); NULL for a NULL array in DuckDB,
    0 in BigQuery (coalesce where it matters).
-#}
{% macro list_count_where(array_expression, element, condition) -%}
    {{ return(adapter.dispatch('list_count_where', 'idc_clinical')(array_expression, element, condition)) }}
{%- endmacro %}

{% macro default__list_count_where(array_expression, element, condition) -%}
    {{ exceptions.raise_compiler_error("list_count_where is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__list_count_where(array_expression, element, condition) -%}
    len(list_filter({{ array_expression }}, lambda {{ element }}: {{ condition }}))
{%- endmacro %}

{% macro bigquery__list_count_where(array_expression, element, condition) -%}
    (select count(*) from unnest({{ array_expression }}) as {{ element }} where {{ condition }})
{%- endmacro %}
