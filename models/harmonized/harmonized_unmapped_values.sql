{#-
    One row per (mapped column, source value) that no rule maps onto its variable: values left
    unmapped on purpose (a mapping's `unmapped:`, with its reason) and values no mapping file
    mentions yet (reason NULL). Nothing is guessed: these values stay out of the harmonized models.
-#}
with clinical_values as (

    select * from {{ ref('clinical_values') }}

),

mappings as (

    select * from {{ ref('harmonization_mappings') }}

),

mapped_columns as (

    select distinct
        collection_id,
        table_name,
        column_name,
        variable,
        mapping_file,
        max(case when rule = 'number' then 1 else 0 end) over (
            partition by table_name, column_name, variable
        ) as takes_numbers
    from mappings
    where rule != 'edition'

),

column_values as (

    select
        mapped_columns.collection_id,
        mapped_columns.variable,
        mapped_columns.mapping_file,
        clinical_values.table_name,
        clinical_values.column_name,
        clinical_values.value as source_value,
        count(*) as n_rows,
        count(distinct clinical_values.dicom_patient_id) as n_patients
    from clinical_values
    inner join mapped_columns
        on
            clinical_values.table_name = mapped_columns.table_name
            and clinical_values.column_name = mapped_columns.column_name
    where not (mapped_columns.takes_numbers = 1 and {{ to_numeric('clinical_values.value') }} is not null)
    group by 1, 2, 3, 4, 5, 6

),

final as (

    select
        column_values.collection_id,
        column_values.variable,
        column_values.table_name,
        column_values.column_name,
        column_values.source_value,
        column_values.n_rows,
        column_values.n_patients,
        declared.why as reason,
        column_values.mapping_file
    from column_values
    left join mappings as declared
        on
            column_values.table_name = declared.table_name
            and column_values.column_name = declared.column_name
            and column_values.variable = declared.variable
            and column_values.source_value = declared.source_value
            and declared.rule = 'unmapped'
    where not exists (
        select 1
        from mappings as mapped
        where
            mapped.table_name = column_values.table_name
            and mapped.column_name = column_values.column_name
            and mapped.variable = column_values.variable
            and mapped.source_value = column_values.source_value
            and mapped.rule not in ('unmapped', 'number')
    )

)

select * from final
