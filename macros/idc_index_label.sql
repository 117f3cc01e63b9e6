{#-
    idc_index_label(): which IDC series index the patient checks read, for their messages.
    DuckDB: the idc-index-data version of the Parquet file (IDC_INDEX_VERSION, which the
    Makefile sets from the installed package); BigQuery: the dicom_all table read.
-#}
{% macro idc_index_label() -%}
    {{ return(adapter.dispatch('idc_index_label', 'idc_clinical')()) }}
{%- endmacro %}

{% macro default__idc_index_label() -%}
    {{ return("idc-index-data " ~ env_var('IDC_INDEX_VERSION', 'of unknown version (IDC_INDEX_VERSION unset)')) }}
{%- endmacro %}

{% macro bigquery__idc_index_label() -%}
    {{ return(source('idc_index', 'idc_index') | string) }}
{%- endmacro %}
