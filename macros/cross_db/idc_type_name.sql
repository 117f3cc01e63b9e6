{#-
    idc_type_name(dtype): the BigQuery-style type name IDC's column_metadata uses
    (STRING, INTEGER, FLOAT, BOOLEAN, DATE, ...) for an adapter's column type.
    Evaluated in Jinja at run time, from the types the adapter reports.
-#}
{% macro idc_type_name(dtype) -%}
    {{ return(adapter.dispatch('idc_type_name', 'idc_clinical')(dtype)) }}
{%- endmacro %}

{% macro default__idc_type_name(dtype) -%}
    {{ exceptions.raise_compiler_error("idc_type_name is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__idc_type_name(dtype) -%}
    {%- set names = {
        'VARCHAR': 'STRING', 'BIGINT': 'INTEGER', 'INTEGER': 'INTEGER', 'HUGEINT': 'INTEGER',
        'DOUBLE': 'FLOAT', 'FLOAT': 'FLOAT', 'BOOLEAN': 'BOOLEAN', 'DATE': 'DATE',
        'TIMESTAMP': 'TIMESTAMP', 'TIME': 'TIME'
    } -%}
    {{ return(names.get(dtype | upper, dtype | upper)) }}
{%- endmacro %}

{% macro bigquery__idc_type_name(dtype) -%}
    {%- set names = {
        'STRING': 'STRING', 'INT64': 'INTEGER', 'INTEGER': 'INTEGER', 'FLOAT64': 'FLOAT',
        'FLOAT': 'FLOAT', 'BOOL': 'BOOLEAN', 'BOOLEAN': 'BOOLEAN', 'DATE': 'DATE',
        'TIMESTAMP': 'TIMESTAMP', 'TIME': 'TIME', 'NUMERIC': 'NUMERIC'
    } -%}
    {{ return(names.get(dtype | upper, dtype | upper)) }}
{%- endmacro %}
