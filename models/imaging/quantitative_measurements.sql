-- quantitative_measurements: the table IDC publishes beside quantitative_measurements_view, built from it.
select * from {{ ref('quantitative_measurements_view') }}
