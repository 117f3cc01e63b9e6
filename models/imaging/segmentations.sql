-- segmentations: the table IDC publishes beside segmentations_view, built from it.
select * from {{ ref('segmentations_view') }}
