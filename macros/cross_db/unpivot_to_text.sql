{#-
    unpivot_to_text(source_alias, columns): a join clause that turns the listed columns of
    `source_alias` into rows of a struct `item` (item.column_name, item.value as text).
    Use after `from <relation> as <source_alias>`; a row per column, NULL values included.
-#}
{% macro unpivot_to_text(source_alias, columns) -%}
    {{ return(adapter.dispatch('unpivot_to_text', 'idc_clinical')(source_alias, columns)) }}
{%- endmacro %}

{% macro default__unpivot_to_text(source_alias, columns) -%}
    {{ exceptions.raise_compiler_error("unpivot_to_text is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__unpivot_to_text(source_alias, columns) -%}
    cross join unnest([
        {%- for column in columns %}
        {'column_name': '{{ column }}', 'value': cast({{ source_alias }}.{{ adapter.quote(column) }} as varchar)}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ]) as unpivoted (item)
{%- endmacro %}

{% macro bigquery__unpivot_to_text(source_alias, columns) -%}
    cross join unnest([
        {%- for column in columns %}
        struct('{{ column }}' as column_name, cast({{ source_alias }}.{{ adapter.quote(column) }} as string) as value)
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ]) as item
{%- endmacro %}
