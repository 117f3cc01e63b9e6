-- Every table_metadata row names a clinical table of this project (a curated clinical seed).
-- depends_on: {{ ref('stg_clinical__tables') }}

select table_name
from {{ ref('table_metadata') }}
where table_name not in (
    {%- for table in clinical_tables() %}'{{ table.name }}'{% if not loop.last %}, {% endif %}{% else %}''{% endfor -%}
)
