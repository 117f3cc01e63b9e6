-- Values of dictionary-coded columns that their (open) dictionary does not list: a warning,
-- one row per (table, column, value) with its row count. See values_outside_dictionaries.
-- depends_on: {{ ref('stg_clinical__tables') }}
{{ config(severity='warn') }}
{{ values_outside_dictionaries(closed=false) }}
