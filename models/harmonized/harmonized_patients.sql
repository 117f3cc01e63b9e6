{#-
    One row per patient with at least one harmonized value: the core variables side by side,
    each with its NCIt code and its provenance (table, column, row_key, original value).

    Several source rows for one patient and variable (ACRIN follow-up forms, one row per study)
    resolve to one: the latest assessment, i.e. the largest `assessed_at` (rows without one come
    after those with one); ties go to the first table and then the largest row_key. The values
    of that one source row are kept together: a race collapsed from several Yes/No columns or a
    multi-race cell lists each permissible value, sorted, joined by '; '. AJCC stage: the
    pathologic stage group when the patient has one, else the clinical; its edition is the one
    stated for the same source cell.
-#}
{%- set variables = {
    'sex': ['sex'],
    'race': ['race'],
    'ethnicity': ['ethnicity'],
    'vital_status': ['vital_status'],
    'age': ['age_at_index'],
    'primary_diagnosis': ['tumor_tissue_morphology'],
    'ajcc_stage_group': ['ajcc_pathologic_stage', 'ajcc_clinical_stage'],
} %}
with harmonized_values as (

    select * from {{ ref('harmonized_values') }}

),

ranked as (

    select
        harmonized_values.*,
        case
            {%- for name, sources in variables.items() %}
                {%- for source in sources %}
                    when harmonized_values.variable = '{{ source }}' then '{{ name }}'
                {%- endfor %}
            {%- endfor %}
        end as wide_variable,
        dense_rank() over (
            partition by
                harmonized_values.collection_id,
                harmonized_values.dicom_patient_id,
                case
                    {%- for name, sources in variables.items() %}
                        {%- for source in sources %}
                            when harmonized_values.variable = '{{ source }}' then '{{ name }}'
                        {%- endfor %}
                    {%- endfor %}
                end
            order by
                case when harmonized_values.variable = 'ajcc_clinical_stage' then 1 else 0 end asc,
                case when harmonized_values.assessed_at is null then 1 else 0 end asc,
                harmonized_values.assessed_at desc,
                harmonized_values.source_table asc,
                harmonized_values.source_row_key desc
        ) as source_rank
    from harmonized_values
    where harmonized_values.variable != 'ajcc_staging_edition'

),

chosen as (

    select
        collection_id,
        dicom_patient_id,
        wide_variable,
        min(variable) as variable,  -- noqa: RF04
        {{ dbt.listagg('value', "'; '", 'order by value') }} as value,  -- noqa: RF04
        {{ dbt.listagg('ncit_code', "'; '", 'order by value') }} as ncit_code,
        min(value_low) as value_low,
        max(value_high) as value_high,
        min(unit) as unit,
        min(reference_point) as reference_point,
        max(assessed_at) as assessed_at,
        min(source_table) as source_table,
        case
            when count(distinct source_column) = 1 then min(source_column)
            else {{ dbt.listagg('source_column', "'; '", 'order by value') }}
        end as source_column,
        min(source_row_key) as source_row_key,
        case
            when count(distinct source_column) = 1 then min(source_value)
            else {{ dbt.listagg('source_value', "'; '", 'order by value') }}
        end as source_value,
        min(case when wide_variable = 'ajcc_stage_group' then source_column end) as stage_column
    from ranked
    where source_rank = 1 and wide_variable is not null
    group by collection_id, dicom_patient_id, wide_variable

),

editions as (

    select
        collection_id,
        dicom_patient_id,
        source_table,
        source_column,
        source_row_key,
        min(value) as value,  -- noqa: RF04
        min(ncit_code) as ncit_code
    from harmonized_values
    where variable = 'ajcc_staging_edition'
    group by collection_id, dicom_patient_id, source_table, source_column, source_row_key

),

patients as (

    select distinct
        collection_id,
        dicom_patient_id
    from chosen

),

final as (

    select
        patients.collection_id,
        patients.dicom_patient_id,
        {%- for name in variables %}
            {{ name }}.value as {{ name }},
            {{ name }}.ncit_code as {{ name }}_ncit_code,
            {%- if name == 'age' %}
                age.value_low as age_low,
                age.value_high as age_high,
                age.unit as age_unit,
                age.reference_point as age_reference_point,
            {%- endif %}
        {%- if name == 'vital_status' %}
                vital_status.assessed_at as vital_status_assessed_at,
            {%- endif %}
        {%- if name == 'ajcc_stage_group' %}
                case ajcc_stage_group.variable
                    when 'ajcc_pathologic_stage' then 'pathologic'
                    when 'ajcc_clinical_stage' then 'clinical'
                end as ajcc_stage_kind,
                editions.value as ajcc_staging_edition,
                editions.ncit_code as ajcc_staging_edition_ncit_code,
            {%- endif %}
            {{ name }}.source_table as {{ name }}_source_table,
            {{ name }}.source_column as {{ name }}_source_column,
            {{ name }}.source_row_key as {{ name }}_source_row_key,
            {{ name }}.source_value as {{ name }}_source_value{% if not loop.last %},{% endif %}
        {%- endfor %}
    from
        patients
    {%- for name in variables %}
        left join chosen as {{ name }}
            on
                patients.collection_id = {{ name }}.collection_id
                and patients.dicom_patient_id = {{ name }}.dicom_patient_id
                and {{ name }}.wide_variable = '{{ name }}'
    {%- endfor %}
    left join editions
        on
            ajcc_stage_group.collection_id = editions.collection_id
            and ajcc_stage_group.dicom_patient_id = editions.dicom_patient_id
            and ajcc_stage_group.source_table = editions.source_table
            and ajcc_stage_group.stage_column = editions.source_column
            and ajcc_stage_group.source_row_key = editions.source_row_key

)

select * from final
