-- One row per (clinical table, patient): which patients each clinical table has rows for.
-- depends_on: {{ ref('stg_clinical__tables') }}
{%- set tables = clinical_tables() %}

with patients as (

    {%- for table in tables %}

    select distinct
        '{{ table.collection_id }}' as collection_id,
        '{{ table.name }}' as table_name,
        dicom_patient_id
    from {{ table.relation }}
    {% if not loop.last %}union all{% endif %}
    {%- else %}

    select
        cast(null as {{ dbt.type_string() }}) as collection_id,
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(null as {{ dbt.type_string() }}) as dicom_patient_id
    from {{ ref('stg_clinical__tables') }}
    where false
    {%- endfor %}

)

select * from patients
