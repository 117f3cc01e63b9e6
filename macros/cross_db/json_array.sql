{#-
    json_array(json_text, element): parse a column of JSON array text into a native array.

    `element` describes one array element: a scalar type name ('string', 'int64', 'bool'),
    a mapping of field name -> element spec (a STRUCT), or a one-item list (a nested array).
    Element order is kept. DuckDB gives LIST/STRUCT, BigQuery ARRAY/STRUCT.
-#}
{% macro json_array(json_text, element) -%}
    {{ return(adapter.dispatch('json_array', 'idc_clinical')(json_text, element)) }}
{%- endmacro %}

{% macro default__json_array(json_text, element) -%}
    {{ exceptions.raise_compiler_error("json_array is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__json_array(json_text, element) -%}
    from_json({{ json_text }}, '[{{ _duckdb_json_structure(element) }}]')
{%- endmacro %}

{% macro _duckdb_json_structure(element) -%}
    {%- set scalars = {'string': '"VARCHAR"', 'int64': '"BIGINT"', 'bool': '"BOOLEAN"', 'float64': '"DOUBLE"'} -%}
    {%- if element is string -%}
        {{ scalars[element] }}
    {%- elif element is mapping -%}
        { {%- for key, value in element.items() -%}
            "{{ key }}": {{ _duckdb_json_structure(value) }}{% if not loop.last %}, {% endif %}
        {%- endfor -%} }
    {%- else -%}
        [{{ _duckdb_json_structure(element[0]) }}]
    {%- endif -%}
{%- endmacro %}

{% macro bigquery__json_array(json_text, element) -%}
    {{ _bigquery_array_from_json('json_query_array(' ~ json_text ~ ')', element, 1) }}
{%- endmacro %}

{% macro _bigquery_array_from_json(array_expr, element, depth) -%}
    {%- set item = 'item_' ~ depth -%}
    array(
        select
        {%- if element is mapping %} as struct
            {%- for key, value in element.items() %}
            {{ _bigquery_field_from_json(item, key, value, depth) }} as {{ key }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        {%- else %}
            {{ _bigquery_scalar_from_json(item, '$', element) }}
        {%- endif %}
        from unnest({{ array_expr }}) as {{ item }} with offset as pos_{{ depth }}
        order by pos_{{ depth }}
    )
{%- endmacro %}

{% macro _bigquery_field_from_json(item, key, element, depth) -%}
    {%- if element is string -%}
        {{ _bigquery_scalar_from_json(item, '$.' ~ key, element) }}
    {%- else -%}
        {{ _bigquery_array_from_json("json_query_array(" ~ item ~ ", '$." ~ key ~ "')", element[0], depth + 1) }}
    {%- endif -%}
{%- endmacro %}

{% macro _bigquery_scalar_from_json(item, path, type_name) -%}
    {%- if type_name == 'string' -%}
        json_value({{ item }}, '{{ path }}')
    {%- else -%}
        safe_cast(json_value({{ item }}, '{{ path }}') as {{ type_name }})
    {%- endif -%}
{%- endmacro %}
