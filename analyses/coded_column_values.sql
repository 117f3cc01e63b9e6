-- The distinct values of one coded column with their dictionary descriptions and counts.
-- dbt compile --select coded_column_values --vars '{table_name: prostatex_findings, column_name: zone}'
with clinical_values as (

    select * from {{ ref('clinical_values') }}

)

select
    value,
    value_description,
    count(*) as n_rows,
    count(distinct dicom_patient_id) as n_patients
from clinical_values
where
    table_name = '{{ var("table_name", "prostatex_findings") }}'
    and column_name = '{{ var("column_name", "zone") }}'
group by value, value_description
order by value
