-- Collections that record AJCC stage (stage group or T / N / M), with the edition the source
-- states for the same cell (NULL: not stated), from harmonized_values.
with harmonized_values as (

    select * from {{ ref('harmonized_values') }}

),

stages as (

    select * from harmonized_values
    where variable like 'ajcc%' and variable != 'ajcc_staging_edition'

),

editions as (

    select * from harmonized_values
    where variable = 'ajcc_staging_edition'

)

select
    stages.collection_id,
    stages.variable,
    editions.value as ajcc_staging_edition,
    count(distinct stages.dicom_patient_id) as patients
from stages
left join editions
    on
        stages.source_table = editions.source_table
        and stages.source_column = editions.source_column
        and stages.source_row_key = editions.source_row_key
group by stages.collection_id, stages.variable, editions.value
order by stages.collection_id, stages.variable, editions.value
