{#-
    Every non-null value of `column_name` is one of `values`, the option codes of the
    column's data dictionary (compared as text, so an INTEGER column matches codes '1', '2').
    Returns one row per value outside the dictionary, with its row count.
    The curator writes this test for dictionary-coded columns, with severity `warn`, or
    `error` when the recipe closes the dictionary (`dictionary: {closed: true}`).
-#}
{% test values_in_dictionary(model, column_name, values) %}

{{ config(severity='warn') }}

with observed as (

    select
        cast({{ adapter.quote(column_name) }} as {{ dbt.type_string() }}) as value,
        count(*) as n_rows
    from {{ model }}
    where {{ adapter.quote(column_name) }} is not null
    group by 1

)

select
    value,
    n_rows
from observed
where value not in (
    {%- for code in values %}
    '{{ code | replace("'", "''") }}'{% if not loop.last %},{% endif %}
    {%- endfor %}
)

{% endtest %}
