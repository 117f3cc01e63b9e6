-- Women over 60 with an AJCC stage III diagnosis, across collections (harmonized_patients).
-- age_low > 60: an exact age above 60, or an age group entirely above 60.
with patients as (

    select * from {{ ref('harmonized_patients') }}

)

select
    collection_id,
    ajcc_stage_kind,
    ajcc_staging_edition,
    count(*) as patients
from patients
where
    sex = 'F'
    and age_low > 60
    and ajcc_stage_group like 'Stage III%'
group by collection_id, ajcc_stage_kind, ajcc_staging_edition
order by collection_id, ajcc_stage_kind, ajcc_staging_edition
