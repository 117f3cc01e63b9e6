-- One row per collection (from collection_linkage), dated by the release: the `collection`
-- entity of the MetricFlow semantic models.
with collection_linkage as (

    select * from {{ ref('collection_linkage') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

final as (

    select
        collection_linkage.collection_id,
        collection_linkage.n_clinical_patients,
        collection_linkage.n_imaged_patients,
        collection_linkage.n_patients_with_both,
        release_calendar.release_date
    from collection_linkage
    cross join release_calendar

)

select * from final
