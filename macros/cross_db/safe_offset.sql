{#-
    safe_offset(array_expression, index): the element at 0-based `index`, NULL when the array
    is NULL or too short (BigQuery `a[SAFE_OFFSET(i)]`, DuckDB `a[i + 1]`; DuckDB lists are
    1-based and out-of-range gives NULL).
-#}
{% macro safe_offset(array_expression, index=0) -%}
    {{ return(adapter.dispatch('safe_offset', 'idc_clinical')(array_expression, index)) }}
{%- endmacro %}

{% macro default__safe_offset(array_expression, index=0) -%}
    {{ exceptions.raise_compiler_error("safe_offset is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__safe_offset(array_expression, index=0) -%}
    ({{ array_expression }})[{{ index + 1 }}]
{%- endmacro %}

{% macro bigquery__safe_offset(array_expression, index=0) -%}
    ({{ array_expression }})[safe_offset({{ index }})]
{%- endmacro %}
