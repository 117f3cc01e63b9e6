{#-
    star_except(relation_alias, columns): every column of `relation_alias` but `columns`
    (BigQuery `t.* EXCEPT (...)`, DuckDB `t.* EXCLUDE (...)`).
-#}
{% macro star_except(relation_alias, columns) -%}
    {{ return(adapter.dispatch('star_except', 'idc_clinical')(relation_alias, columns)) }}
{%- endmacro %}

{% macro default__star_except(relation_alias, columns) -%}
    {{ exceptions.raise_compiler_error("star_except is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__star_except(relation_alias, columns) -%}
    {{ relation_alias }}.* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro bigquery__star_except(relation_alias, columns) -%}
    {{ relation_alias }}.* except ({{ columns | join(', ') }})
{%- endmacro %}
