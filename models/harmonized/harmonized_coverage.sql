{#-
    One row per (variable, collection) a mapping file covers: patients with a harmonized value,
    the collection's clinical patients, and the source values (and rows) left unmapped.
-#}
with harmonized_values as (

    select * from {{ ref('harmonized_values') }}

),

unmapped as (

    select * from {{ ref('harmonized_unmapped_values') }}

),

mappings as (

    select * from {{ ref('harmonization_mappings') }}

),

clinical_patients as (

    select
        collection_id,
        count(distinct dicom_patient_id) as clinical_patients
    from {{ ref('stg_clinical__patients') }}
    group by collection_id

),

covered as (

    select distinct
        collection_id,
        variable
    from mappings
    where rule != 'unmapped'

),

mapped as (

    select
        collection_id,
        variable,
        count(distinct dicom_patient_id) as patients_mapped
    from harmonized_values
    group by collection_id, variable

),

left_out as (

    select
        collection_id,
        variable,
        count(*) as values_unmapped,
        cast(sum(n_rows) as {{ dbt.type_int() }}) as rows_unmapped,
        cast(sum(case when reason is null then 1 else 0 end) as {{ dbt.type_int() }}) as values_undeclared
    from unmapped
    group by collection_id, variable

),

final as (

    select
        covered.variable,
        covered.collection_id,
        coalesce(clinical_patients.clinical_patients, 0) as clinical_patients,
        coalesce(mapped.patients_mapped, 0) as patients_mapped,
        coalesce(left_out.values_unmapped, 0) as values_unmapped,
        coalesce(left_out.rows_unmapped, 0) as rows_unmapped,
        coalesce(left_out.values_undeclared, 0) as values_undeclared
    from covered
    inner join clinical_patients
        on covered.collection_id = clinical_patients.collection_id
    left join mapped
        on
            covered.collection_id = mapped.collection_id
            and covered.variable = mapped.variable
    left join left_out
        on
            covered.collection_id = left_out.collection_id
            and covered.variable = left_out.variable

)

select * from final
