{#-
    clinical_tables(): the curated clinical tables, read from dbt's graph at run time:
    a list of {name, collection_id, relation, columns} (columns in table order, from the
    seed properties `curate` writes). Empty at parse time. Models that use it must also
    select from ref('stg_clinical__tables'), which orders them after every clinical seed.
-#}
{% macro clinical_tables() %}
    {%- set tables = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'seed' and 'clinical' in node.fqn[:-1] -%}
                {%- do tables.append({
                    'name': node.alias,
                    'collection_id': node.config.meta.get('collection_id', ''),
                    'relation': api.Relation.create(
                        database=node.database, schema=node.schema, identifier=node.alias),
                    'columns': node.columns.keys() | list,
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(tables) }}
{% endmacro %}
