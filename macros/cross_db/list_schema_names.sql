{#- list_schema_names(database): the names of the schemas (datasets) of a database, as a list. -#}
{% macro list_schema_names(database) -%}
    {{ return(adapter.dispatch('list_schema_names', 'idc_clinical')(database)) }}
{%- endmacro %}

{% macro default__list_schema_names(database) -%}
    {{ exceptions.raise_compiler_error("list_schema_names is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__list_schema_names(database) -%}
    {{ return(duckdb__list_schemas(database).columns[0].values() | list) }}
{%- endmacro %}

{% macro bigquery__list_schema_names(database) -%}
    {{ return(adapter.list_schemas(database)) }}
{%- endmacro %}
