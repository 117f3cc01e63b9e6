-- Patients by sex and vital status (latest assessment) per collection (harmonized_patients).
with patients as (

    select * from {{ ref('harmonized_patients') }}

)

select
    collection_id,
    sex,
    vital_status,
    count(*) as patients
from patients
group by collection_id, sex, vital_status
order by collection_id, sex, vital_status
