{#- Exactly one table_metadata row names `model`; returns the count when it is not 1. -#}
{% test has_one_table_metadata_row(model, table_metadata) %}

select count(*) as n_rows
from {{ table_metadata }}
where table_name = '{{ model.identifier }}'
having count(*) != 1

{% endtest %}
