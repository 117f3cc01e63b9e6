-- One row for the release being built: its number and its date, the date MetricFlow uses as
-- metric_time. The date is the newest table_updated_datetime of table_metadata (set by
-- `curate --release-datetime`), else the var `idc_release_date`.
with table_metadata as (

    select * from {{ ref('table_metadata') }}

),

final as (

    select
        {{ var('idc_version') }} as idc_version,
        coalesce(
            max(cast(substr(table_metadata.table_updated_datetime, 1, 10) as date)),
            cast('{{ var("idc_release_date", "2026-01-01") }}' as date)
        ) as release_date
    from table_metadata

)

select * from final
