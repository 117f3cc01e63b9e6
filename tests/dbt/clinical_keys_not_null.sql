-- dicom_patient_id and source_batch are never null, in any clinical table: one row per
-- (table, column) with nulls and their row count (n_rows null: the table has no such column).
-- depends_on: {{ ref('stg_clinical__tables') }}
{%- set keys = ['dicom_patient_id', 'source_batch'] %}

with null_keys as (

    {%- for table in clinical_tables() %}
    {%- set outer_loop = loop %}
    {%- for key in keys %}

    select
        '{{ table.name }}' as table_name,
        '{{ key }}' as column_name,
        {%- if key in table.columns %}
        count(*) as n_rows
    from {{ table.relation }}
    where {{ adapter.quote(key) }} is null
        {%- else %}
        cast(null as {{ dbt.type_int() }}) as n_rows
        {%- endif %}
    {% if not (outer_loop.last and loop.last) %}union all{% endif %}
    {%- endfor %}
    {%- else %}

    {{ no_rows([
        ('table_name', dbt.type_string()),
        ('column_name', dbt.type_string()),
        ('n_rows', dbt.type_int()),
    ]) }}
    {%- endfor %}

)

select
    table_name,
    column_name,
    n_rows
from null_keys
where n_rows is null or n_rows > 0
