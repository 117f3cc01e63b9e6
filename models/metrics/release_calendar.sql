-- One row for the release being built: its number and its date, the date MetricFlow uses as
-- metric_time. The date is the release's own (the raw_release seed: `curate
-- --release-datetime`, or the release's entry in releases.yml), else the var
-- `idc_release_date`; never a table's date.
with release as (

    select * from {{ ref('raw_release') }}

),

final as (

    select
        {{ var('idc_version') }} as idc_version,
        coalesce(
            max(cast(substr(release.release_datetime, 1, 10) as date)),
            cast('{{ var("idc_release_date", "2026-01-01") }}' as date)
        ) as release_date
    from release

)

select * from final
