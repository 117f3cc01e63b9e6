{#-
    no_rows(columns, from_relation=none): a select of no rows with the given columns, each
    (name, type) in order, all NULL: the branch a union over every clinical table falls back
    to when clinical_tables() is empty (at parse time, or with no curated table). It selects
    from `from_relation` (default ref('stg_clinical__tables'), which also orders the model or
    test after every clinical seed).
-#}
{% macro no_rows(columns, from_relation=none) -%}
    select
    {%- for name, type in columns %}
        cast(null as {{ type }}) as {{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
    from {{ ref('stg_clinical__tables') if from_relation is none else from_relation }}
    where false
{%- endmacro %}
