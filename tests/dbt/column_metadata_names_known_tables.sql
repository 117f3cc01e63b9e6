-- Every column_metadata row belongs to a table that table_metadata lists.
select distinct cm.table_name
from {{ ref('column_metadata') }} as cm
left join {{ ref('table_metadata') }} as tm on cm.table_name = tm.table_name
where tm.table_name is null
