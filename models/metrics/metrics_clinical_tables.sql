-- One row per curated clinical table: its rows, its columns (from column_metadata) and its
-- patients, with the release date.
with clinical_tables as (

    select * from {{ ref('stg_clinical__tables') }}

),

column_metadata as (

    select * from {{ ref('column_metadata') }}

),

clinical_patients as (

    select * from {{ ref('stg_clinical__patients') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

columns_per_table as (

    select
        table_name,
        count(*) as n_columns
    from column_metadata
    group by table_name

),

patients_per_table as (

    select
        table_name,
        count(distinct dicom_patient_id) as n_patients
    from clinical_patients
    group by table_name

),

final as (

    select
        clinical_tables.table_name,
        clinical_tables.collection_id,
        clinical_tables.n_rows,
        release_calendar.release_date,
        coalesce(columns_per_table.n_columns, 0) as n_columns,
        coalesce(patients_per_table.n_patients, 0) as n_patients
    from clinical_tables
    left join columns_per_table on clinical_tables.table_name = columns_per_table.table_name
    left join patients_per_table on clinical_tables.table_name = patients_per_table.table_name
    cross join release_calendar

)

select * from final
