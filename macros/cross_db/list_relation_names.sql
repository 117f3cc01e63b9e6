{#- list_relation_names(database, schema): names of the tables and views of one schema (dataset). -#}
{% macro list_relation_names(database, schema) -%}
    {{ return(adapter.dispatch('list_relation_names', 'idc_clinical')(database, schema)) }}
{%- endmacro %}

{% macro default__list_relation_names(database, schema) -%}
    {{ exceptions.raise_compiler_error("list_relation_names is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__list_relation_names(database, schema) -%}
    {%- set sql -%}
        select table_name
        from system.information_schema.tables
        where lower(table_catalog) = lower('{{ database }}') and lower(table_schema) = lower('{{ schema }}')
        order by table_name
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{%- endmacro %}

{% macro bigquery__list_relation_names(database, schema) -%}
    {%- set sql -%}
        select table_name
        from `{{ database }}`.`{{ schema }}`.INFORMATION_SCHEMA.TABLES
        order by table_name
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{%- endmacro %}
