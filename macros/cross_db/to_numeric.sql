{#-
    to_numeric(text_expression): BigQuery NUMERIC (precision 38, scale 9) from text, NULL when
    the text is not a number (BigQuery SAFE_CAST; DuckDB TRY_CAST to DECIMAL(38, 9)).
-#}
{% macro to_numeric(text_expression) -%}
    {{ return(adapter.dispatch('to_numeric', 'idc_clinical')(text_expression)) }}
{%- endmacro %}

{% macro default__to_numeric(text_expression) -%}
    {{ exceptions.raise_compiler_error("to_numeric is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__to_numeric(text_expression) -%}
    try_cast(trim({{ text_expression }}) as decimal(38, 9))
{%- endmacro %}

{% macro bigquery__to_numeric(text_expression) -%}
    safe_cast(trim({{ text_expression }}) as numeric)
{%- endmacro %}
