{#-
    unnest_with_offset(array_expression, element, offset): the right side of a
    `cross join` / `left join ... on true` that yields one row per array element, named
    `element`, with its 0-based position `offset` (BigQuery `UNNEST(a) AS e WITH OFFSET AS o`).
    DuckDB numbers from 1 (`with ordinality`), hence the `- 1`; its subquery is named like the
    element, so `element.field` reads the same in both dialects. Row order is not guaranteed:
    order by `offset` where it matters.
-#}
{% macro unnest_with_offset(array_expression, element, offset) -%}
    {{ return(adapter.dispatch('unnest_with_offset', 'idc_clinical')(array_expression, element, offset)) }}
{%- endmacro %}

{% macro default__unnest_with_offset(array_expression, element, offset) -%}
    {{ exceptions.raise_compiler_error("unnest_with_offset is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__unnest_with_offset(array_expression, element, offset) -%}
    (
        select
            u.item as {{ element }},
            u.ord - 1 as {{ offset }}
        from unnest({{ array_expression }}) with ordinality as u (item, ord)
    ) as {{ element }}
{%- endmacro %}

{% macro bigquery__unnest_with_offset(array_expression, element, offset) -%}
    unnest({{ array_expression }}) as {{ element }} with offset as {{ offset }}
{%- endmacro %}
