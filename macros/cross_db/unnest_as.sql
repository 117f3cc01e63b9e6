{#-
    unnest_as(array_expression, alias): `unnest(...)` in a FROM clause whose elements are
    named `alias` (DuckDB names the column of a table alias; BigQuery names the element).
-#}
{% macro unnest_as(array_expression, alias) -%}
    {{ return(adapter.dispatch('unnest_as', 'idc_clinical')(array_expression, alias)) }}
{%- endmacro %}

{% macro default__unnest_as(array_expression, alias) -%}
    {{ exceptions.raise_compiler_error("unnest_as is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__unnest_as(array_expression, alias) -%}
    unnest({{ array_expression }}) as {{ alias }}_list ({{ alias }})
{%- endmacro %}

{% macro bigquery__unnest_as(array_expression, alias) -%}
    unnest({{ array_expression }}) as {{ alias }}
{%- endmacro %}
