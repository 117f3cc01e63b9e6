{#-
    Every SegmentSequence item of every Segmentation, binary or label map, is a row of
    segmentations (IDC's view drops label maps). Any corpus: returns the instances whose row
    count differs.
-#}
with metadata as (

    select * from {{ ref('stg_dicom__metadata') }}

),

expected as (

    select
        metadata.sopinstanceuid as sop_instance_uid,
        coalesce({{ list_count_where('metadata.segmentsequence', 's', 'true') }}, 0) as expected_rows
    from metadata
    where metadata.sopclassuid in ('1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7')

),

found as (

    select
        segmentations.sopinstanceuid as sop_instance_uid,
        count(*) as found_rows
    from {{ ref('segmentations') }} as segmentations
    group by segmentations.sopinstanceuid

)

select
    expected.sop_instance_uid,
    expected.expected_rows,
    found.found_rows
from expected
left join found on expected.sop_instance_uid = found.sop_instance_uid
where coalesce(found.found_rows, 0) != expected.expected_rows
