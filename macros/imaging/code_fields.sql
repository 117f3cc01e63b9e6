{#-
    code_fields(version=false): the fields of a coded concept as the imaging views publish it
    (CodeValue, CodingSchemeDesignator, [CodingSchemeVersion,] CodeMeaning), for struct_project.
-#}
{% macro code_fields(version=false) -%}
    {%- if version -%}
        {{ return(['CodeValue', 'CodingSchemeDesignator', 'CodingSchemeVersion', 'CodeMeaning']) }}
    {%- else -%}
        {{ return(['CodeValue', 'CodingSchemeDesignator', 'CodeMeaning']) }}
    {%- endif -%}
{%- endmacro %}
