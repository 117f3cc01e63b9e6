{#-
    Schemas are named by release: a model or seed configured with `schema: clinical`
    lands in `idc_v<N>_clinical`, where N is the var `idc_version`. Without a custom
    schema, the target's schema is used.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        idc_v{{ var('idc_version') }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
