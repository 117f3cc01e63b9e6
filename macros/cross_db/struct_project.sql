{#-
    struct_project(expression, fields): a STRUCT with exactly `fields`, in that order, taken
    by name from the struct `expression` (NULL when `expression` is NULL), whatever else the
    source struct holds. This fixes the published nesting and types of the views.

    `fields` is a list; an entry is a field name with an optional type ('Name' is a STRING,
    'Name:int64[]' a REPEATED INTEGER; types: string, int64, float64, numeric, date, time,
    timestamp, with [] for REPEATED), or a one-key mapping {name: fields} for a REPEATED RECORD,
    whose elements are projected recursively (order kept).
    DuckDB casts to the target STRUCT type (structs cast by name; a field the source lacks
    becomes NULL); BigQuery rebuilds the STRUCT and its arrays field by field.
-#}
{% macro struct_project(expression, fields) -%}
    {{ return(adapter.dispatch('struct_project', 'idc_clinical')(expression, fields)) }}
{%- endmacro %}

{% macro default__struct_project(expression, fields) -%}
    {{ exceptions.raise_compiler_error("struct_project is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__struct_project(expression, fields) -%}
    cast({{ expression }} as {{ _duckdb_struct_type(fields) }})
{%- endmacro %}

{% macro _duckdb_struct_type(fields) -%}
    {%- set scalars = {
        'string': 'varchar', 'int64': 'bigint', 'float64': 'double', 'numeric': 'decimal(38, 9)',
        'date': 'date', 'time': 'time', 'timestamp': 'timestamp with time zone'
    } -%}
    struct(
    {%- for entry in fields -%}
        {%- if entry is mapping -%}
            {%- for name, sub in entry.items() -%}
                {{ name }} {{ _duckdb_struct_type(sub) }}[]
            {%- endfor -%}
        {%- else -%}
            {%- set parts = (entry ~ ':string').split(':') -%}
            {{ parts[0] }} {{ scalars[parts[1] | replace('[]', '')] }}{{ '[]' if parts[1].endswith('[]') }}
        {%- endif -%}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
    )
{%- endmacro %}

{% macro bigquery__struct_project(expression, fields, depth=0) -%}
    {%- set body -%}
    struct(
        {%- for entry in fields %}
        {%- if entry is mapping %}{% for name, sub in entry.items() %}
        array(
            select {{ bigquery__struct_project('e' ~ depth, sub, depth + 1) }}
            from unnest({{ expression }}.{{ name }}) as e{{ depth }} with offset as o{{ depth }}
            order by o{{ depth }}
        ) as {{ name }}
        {%- endfor %}{% else %}
        {%- set name = entry.split(':')[0] %}
        {{ expression }}.{{ name }} as {{ name }}
        {%- endif %}{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
    {%- endset -%}
    {%- if depth == 0 -%}
    if({{ expression }} is null, null, {{ body }})
    {%- else -%}
    {{ body }}
    {%- endif -%}
{%- endmacro %}
