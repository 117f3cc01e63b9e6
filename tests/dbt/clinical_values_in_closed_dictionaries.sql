-- Values of dictionary-coded columns that their closed dictionary (the recipe's
-- `dictionary: {closed: true}`) does not list: an error, one row per (table, column, value)
-- with its row count. See values_outside_dictionaries.
-- depends_on: {{ ref('stg_clinical__tables') }}
{{ values_outside_dictionaries(closed=true) }}
