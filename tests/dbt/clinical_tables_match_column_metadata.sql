-- Every clinical table as built and column_metadata agree exactly: each built column has one
-- column_metadata row with the same data type, and no column_metadata row of a clinical
-- table names a column that is not there. One row per disagreement (table, column, types;
-- built_type 'repeated': column_metadata lists the column documented_type times).
-- Columns are read from the warehouse only when the test runs (not by compile or docs).
-- depends_on: {{ ref('stg_clinical__tables') }}
{%- set tables = clinical_tables() %}
{%- set introspect = execute and flags.WHICH in ('build', 'test') %}
{%- set built = [] %}
{%- for table in tables %}
    {%- for column in (adapter.get_columns_in_relation(table.relation) if introspect else []) %}
        {%- do built.append((table.name, column.name | lower, idc_type_name(column.dtype))) %}
    {%- endfor %}
{%- endfor %}

with built as (

    {%- for table_name, column_name, data_type in built %}

    select
        '{{ table_name }}' as table_name,
        '{{ column_name }}' as column_name,
        '{{ data_type }}' as data_type
    {% if not loop.last %}union all{% endif %}
    {%- else %}

    {{ no_rows([
        ('table_name', dbt.type_string()),
        ('column_name', dbt.type_string()),
        ('data_type', dbt.type_string()),
    ]) }}
    {%- endfor %}

),

documented as (

    select
        table_name,
        {{ adapter.quote('column') }} as column_name,
        data_type
    from {{ ref('column_metadata') }}
    where table_name in (
        {%- for table in tables %}
        '{{ table.name }}'{% if not loop.last %},{% endif %}
        {%- else %}
        cast(null as {{ dbt.type_string() }})
        {%- endfor %}
    )

),

documented_counts as (

    select
        table_name,
        column_name,
        count(*) as n_rows
    from documented
    group by table_name, column_name

)

select
    coalesce(built.table_name, documented.table_name) as table_name,
    coalesce(built.column_name, documented.column_name) as column_name,
    built.data_type as built_type,
    documented.data_type as documented_type
from built
full outer join documented
    on
        built.table_name = documented.table_name
        and built.column_name = documented.column_name
where
    built.column_name is null
    or documented.column_name is null
    or built.data_type != documented.data_type

union all

select
    table_name,
    column_name,
    'repeated' as built_type,
    cast(n_rows as {{ dbt.type_string() }}) as documented_type
from documented_counts
where n_rows > 1
