select * from {{ ref('stg_clinical__column_metadata') }}
