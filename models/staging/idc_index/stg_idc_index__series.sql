-- IDC's series index, restricted to the collections that have curated clinical tables.
with series as (

    select * from {{ source('idc_index', 'idc_index') }}

),

clinical_collections as (

    select distinct collection_id from {{ ref('stg_clinical__tables') }}

),

final as (

    select
        series.collection_id,
        series.patientid as patient_id,
        -- the index spells it Modality: named in lower case, as documented
        series.modality as modality,  -- noqa: AL09
        series.seriesinstanceuid as series_instance_uid
    from series
    inner join clinical_collections
        on series.collection_id = clinical_collections.collection_id

)

select * from final
