-- Every table_metadata row names a clinical table of this project (a curated clinical seed).
{%- set clinical = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'seed' and 'clinical' in node.fqn[:-1] -%}
            {%- do clinical.append(node.alias) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

select table_name
from {{ ref('table_metadata') }}
where table_name not in (
    {%- for name in clinical %}'{{ name }}'{% if not loop.last %}, {% endif %}{% else %}''{% endfor -%}
)
