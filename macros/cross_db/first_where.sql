{#-
    first_where(array_expression, element, condition, value): `value` of the first array
    element (in array order) for which `condition` is true; NULL when there is none.
    `condition` and `value` are SQL text in terms of `element`, e.g.
      first_where('g.contentsequence', 'item', "item.valuetype = 'TEXT'", 'item.textvalue')
    DuckDB: list_filter / list_transform lambdas; BigQuery: an ordered scalar subquery.
-#}
{% macro first_where(array_expression, element, condition, value=none) -%}
    {{ return(adapter.dispatch('first_where', 'idc_clinical')(array_expression, element, condition, value or element)) }}
{%- endmacro %}

{% macro default__first_where(array_expression, element, condition, value) -%}
    {{ exceptions.raise_compiler_error("first_where is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__first_where(array_expression, element, condition, value) -%}
    {%- if value == element -%}
    (list_filter({{ array_expression }}, lambda {{ element }}: {{ condition }}))[1]
    {%- else -%}
    (list_transform(
        list_filter({{ array_expression }}, lambda {{ element }}: {{ condition }}),
        lambda {{ element }}: {{ value }}
    ))[1]
    {%- endif -%}
{%- endmacro %}

{% macro bigquery__first_where(array_expression, element, condition, value) -%}
    (
        select {{ value }}
        from unnest({{ array_expression }}) as {{ element }} with offset as {{ element }}_offset
        where {{ condition }}
        order by {{ element }}_offset
        limit 1
    )
{%- endmacro %}
