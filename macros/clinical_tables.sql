{#-
    clinical_tables(): the curated clinical tables, read from dbt's graph at run time:
    a list of {name, collection_id, relation, columns, coded} (columns in table order, from
    the seed properties `curate` writes; coded: the dictionary-coded columns, each
    {name, codes, closed}, from the column's `meta`). Empty at parse time. Models and tests
    that use it must also select from ref('stg_clinical__tables'), which orders them after
    every clinical seed.
-#}
{% macro clinical_tables() %}
    {%- set tables = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'seed' and 'clinical' in node.fqn[:-1] -%}
                {%- set coded = [] -%}
                {%- for column in node.columns.values() -%}
                    {%- set meta = column.get('config', {}).get('meta') or column.get('meta') or {} -%}
                    {%- if meta.get('dictionary_codes') -%}
                        {%- do coded.append({
                            'name': column.name,
                            'codes': meta.dictionary_codes,
                            'closed': meta.get('dictionary_closed', false),
                        }) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- do tables.append({
                    'name': node.alias,
                    'collection_id': node.config.meta.get('collection_id', ''),
                    'relation': api.Relation.create(
                        database=node.database, schema=node.schema, identifier=node.alias),
                    'columns': node.columns.keys() | list,
                    'coded': coded,
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(tables) }}
{% endmacro %}
