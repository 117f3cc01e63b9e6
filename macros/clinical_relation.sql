{#-
    clinical_relation(table_name): the relation of one curated clinical table, looked up in
    dbt's graph at run time, so that SQL naming a collection's table (analyses, examples)
    does not stop the project from parsing when that collection is not curated. Raises a
    clear error at run time when the table is not curated. Pair it with
    `-- depends_on: {{ ref('stg_clinical__tables') }}`.
-#}
{% macro clinical_relation(table_name) %}
    {%- if not execute -%}
        {{ return(api.Relation.create(identifier=table_name)) }}
    {%- endif -%}
    {%- for table in clinical_tables() if table.name == table_name -%}
        {{ return(table.relation) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("clinical table '" ~ table_name ~ "' is not curated: add its recipe and run curate") }}
{% endmacro %}
