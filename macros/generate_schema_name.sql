{#-
    Schemas are named by release N (the var `idc_version`), as IDC names its datasets:
      schema `release`   -> idc_v<N>            (dicom_all and the imaging views)
      schema `<name>`    -> idc_v<N>_<name>     (e.g. clinical -> idc_v<N>_clinical)
      no custom schema   -> the target's schema
    The var `publish_suffix` (default empty) is appended to every name: `make publish` builds
    a BigQuery release into `idc_v<N>_clinical__staging` etc. and swaps it in only when
    everything passed (curation/publish/bigquery.py).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}{{ var('publish_suffix', '') }}
    {%- elif custom_schema_name | trim == 'release' -%}
        idc_v{{ var('idc_version') }}{{ var('publish_suffix', '') }}
    {%- else -%}
        idc_v{{ var('idc_version') }}_{{ custom_schema_name | trim }}{{ var('publish_suffix', '') }}
    {%- endif -%}
{%- endmacro %}
