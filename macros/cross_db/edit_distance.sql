{#- edit_distance(a, b): the Levenshtein distance of two strings (BigQuery EDIT_DISTANCE). -#}
{% macro edit_distance(a, b) -%}
    {{ return(adapter.dispatch('edit_distance', 'idc_clinical')(a, b)) }}
{%- endmacro %}

{% macro default__edit_distance(a, b) -%}
    {{ exceptions.raise_compiler_error("edit_distance is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__edit_distance(a, b) -%}
    levenshtein({{ a }}, {{ b }})
{%- endmacro %}

{% macro bigquery__edit_distance(a, b) -%}
    edit_distance({{ a }}, {{ b }})
{%- endmacro %}
