-- MetricFlow's time spine: one row per day from 2020-01-01 to 2035-12-31, covering every
-- release date. Built from digits (no warehouse round trip at compile time, unlike
-- dbt.date_spine, so it also compiles offline for BigQuery).
with digits as (

    select 0 as digit
    union all
    select 1 as digit
    union all
    select 2 as digit
    union all
    select 3 as digit
    union all
    select 4 as digit
    union all
    select 5 as digit
    union all
    select 6 as digit
    union all
    select 7 as digit
    union all
    select 8 as digit
    union all
    select 9 as digit

),

day_numbers as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as day_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

days as (

    select
        cast(
            {{ dbt.dateadd('day', 'day_numbers.day_number', "cast('2020-01-01' as date)") }} as date
        ) as date_day
    from day_numbers

),

final as (

    select date_day
    from days
    where date_day < cast('2036-01-01' as date)

)

select * from final
