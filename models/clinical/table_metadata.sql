select * from {{ ref('stg_clinical__table_metadata') }}
