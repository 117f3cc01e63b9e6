-- measurement_groups: the table IDC publishes beside measurement_groups_view, built from it.
select * from {{ ref('measurement_groups_view') }}
