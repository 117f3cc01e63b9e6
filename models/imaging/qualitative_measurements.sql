-- qualitative_measurements: the table IDC publishes beside qualitative_measurements_view, built from it.
select * from {{ ref('qualitative_measurements_view') }}
