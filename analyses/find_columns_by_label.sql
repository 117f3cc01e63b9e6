-- Every clinical column, in any collection, whose label matches a regular expression.
-- dbt compile --select find_columns_by_label --vars '{label_pattern: "[Cc]hemotherapy"}'
with clinical_columns as (

    select * from {{ ref('clinical_columns') }}

)

select
    collection_id,
    table_name,
    column_name,
    column_label,
    data_type,
    values_source,
    example_values
from clinical_columns
where {{ regex_matches('column_label', var('label_pattern', '[Cc]hemotherapy')) }}
order by collection_id, table_name, column_name
