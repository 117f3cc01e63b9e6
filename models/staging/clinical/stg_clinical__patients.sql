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

    {{ no_rows([
        ('collection_id', dbt.type_string()),
        ('table_name', dbt.type_string()),
        ('dicom_patient_id', dbt.type_string()),
    ]) }}
    {%- endfor %}

)

select * from patients
