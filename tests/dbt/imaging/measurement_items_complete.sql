{#-
    Every NUM content item of every TID 1500 measurement group is a row of
    quantitative_measurements, groups without a Segmentation reference included (IDC's views
    drop those). Any corpus: returns the groups whose row count differs.
-#}
with report_groups as (

    select * from {{ ref('stg_dicom__measurement_groups') }}

),

expected as (

    select
        report_groups.sop_instance_uid,
        report_groups.measurement_group_number,
        {{ list_count_where('report_groups.measurement_group.contentsequence', 'i', "i.valuetype = 'NUM'") }}
            as expected_rows
    from report_groups

),

found as (

    select
        quantitative.sopinstanceuid as sop_instance_uid,
        quantitative.measurementgroup_number as measurement_group_number,
        count(*) as found_rows
    from {{ ref('quantitative_measurements') }} as quantitative
    group by quantitative.sopinstanceuid, quantitative.measurementgroup_number

)

select
    expected.sop_instance_uid,
    expected.measurement_group_number,
    expected.expected_rows,
    found.found_rows
from expected
left join found
    on
        expected.sop_instance_uid = found.sop_instance_uid
        and expected.measurement_group_number = found.measurement_group_number
where coalesce(found.found_rows, 0) != expected.expected_rows
