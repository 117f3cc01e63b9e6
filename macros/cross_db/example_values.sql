{#- example_values(expression, n): up to n distinct values of a text expression, sorted, joined with ', '. -#}
{% macro example_values(expression, n) -%}
    {{ return(adapter.dispatch('example_values', 'idc_clinical')(expression, n)) }}
{%- endmacro %}

{% macro default__example_values(expression, n) -%}
    {{ exceptions.raise_compiler_error("example_values is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__example_values(expression, n) -%}
    array_to_string(list_slice(list_sort(list_distinct(list({{ expression }}))), 1, {{ n }}), ', ')
{%- endmacro %}

{% macro bigquery__example_values(expression, n) -%}
    array_to_string(array_agg(distinct {{ expression }} ignore nulls order by {{ expression }} limit {{ n }}), ', ')
{%- endmacro %}
