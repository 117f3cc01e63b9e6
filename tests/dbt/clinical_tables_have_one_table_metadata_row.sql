-- Exactly one table_metadata row names each clinical table: one row per table that has
-- none or several, with the count.
-- depends_on: {{ ref('stg_clinical__tables') }}

with clinical as (

    {%- for table in clinical_tables() %}

    select '{{ table.name }}' as table_name
    {% if not loop.last %}union all{% endif %}
    {%- else %}

    {{ no_rows([('table_name', dbt.type_string())]) }}
    {%- endfor %}

),

listed as (

    select
        table_name,
        count(*) as n_rows
    from {{ ref('table_metadata') }}
    group by table_name

)

select
    clinical.table_name,
    coalesce(listed.n_rows, 0) as n_rows
from clinical
left join listed on clinical.table_name = listed.table_name
where listed.n_rows is null or listed.n_rows != 1
