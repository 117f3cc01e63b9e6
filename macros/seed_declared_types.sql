{#-
    The seed materialization on DuckDB and BigQuery, for seeds whose properties declare a type
    for every column (every seed `curate` writes): a table created with exactly the declared
    types, then the file loaded into it by the warehouse's own reader. dbt's default seed
    first parses every cell in Python (agate) only to count rows and name columns; here the
    header names the columns and the warehouse counts the rows. The load fails, naming the
    column, when the header and the declared columns differ or a value does not fit its type.
    Other seeds use the adapter's materialization unchanged.
    seed_with_declared_types() is the materialization (relation, hooks, result, docs);
    load_seed_with_declared_types(), dispatched per adapter, creates the table and loads it.
-#}
{% materialization seed, adapter='duckdb' %}
    {{ return(seed_with_declared_types()) }}
{% endmaterialization %}

{% materialization seed, adapter='bigquery' %}
    {{ return(seed_with_declared_types()) }}
{% endmaterialization %}

{% macro seed_with_declared_types() %}
    {%- set column_types = config.get('column_types') or {} -%}
    {%- set declared = model.columns.keys() | list -%}
    {%- if not declared or declared != (column_types.keys() | list) -%}
        {{ return(materialization_seed_default()) }}
    {%- endif -%}

    {%- set old_relation = adapter.get_relation(database=this.database, schema=this.schema, identifier=model.alias) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- if old_relation is not none and old_relation.is_view -%}
        {{ exceptions.raise_compiler_error("Cannot seed to '{}', it is a view".format(old_relation.render())) }}
    {%- endif -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- set loaded = load_seed_with_declared_types(old_relation, target_relation, column_types) -%}
    {%- set rows_affected = loaded.table.rows[0][0] -%}
    {%- do store_result('agate_table', response='OK', agate_table=loaded.table) -%}
    {% call noop_statement('main', loaded.verb ~ ' ' ~ rows_affected, loaded.verb, rows_affected) -%}
        {{ loaded.sql }}
    {%- endcall %}

    {% do persist_seed_docs(target_relation, model, loaded) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmacro %}

{#-
    load_seed_with_declared_types(old_relation, target_relation, column_types): the table
    created with the declared types and the seed file loaded into it. Returns {table: a result
    whose first cell is the row count, verb, sql: what was run, for dbt's log, in_place: the
    existing table kept and its rows replaced}.
-#}
{% macro load_seed_with_declared_types(old_relation, target_relation, column_types) %}
    {{ return(adapter.dispatch('load_seed_with_declared_types', 'idc_clinical')(
        old_relation, target_relation, column_types)) }}
{% endmacro %}

{#- DuckDB: the file read once by DuckDB's CSV reader with the declared types (read_csv).
    Replacing a table whose columns and types are the declared ones: its rows are deleted and
    the file loaded into it (one transaction), and only changed comments are written again
    (persist_seed_docs; DuckDB's COMMENT ON COLUMN copies the table's catalog entry: ~13 ms a
    column at 300 columns, as long as the load itself). Else the table is dropped and created. -#}
{% macro duckdb__load_seed_with_declared_types(old_relation, target_relation, column_types) %}
    {%- set in_place = old_relation is not none and duckdb_seed_table_matches(old_relation, column_types) -%}
    {%- if old_relation is not none and not in_place -%}
        {% do adapter.drop_relation(old_relation) %}
    {%- endif -%}
    {%- set quote_columns = config.get('quote_columns', none) -%}
    {%- set columns_sql -%}
        {%- for name, type in column_types.items() -%}
            {{ adapter.quote_seed_column(name, quote_columns) }} {{ type }}{% if not loop.last %}, {% endif %}
        {%- endfor -%}
    {%- endset -%}
    {%- set types_sql -%}
        {%- for name, type in column_types.items() -%}
            '{{ name | replace("'", "''") }}': '{{ type }}'{% if not loop.last %}, {% endif %}
        {%- endfor -%}
    {%- endset -%}
    {%- set path = adapter.get_seed_file_path(model) | replace("'", "''") -%}
    {%- set create_sql -%}
        {%- if in_place -%}
            delete from {{ target_relation.render() }}
        {%- else -%}
            create table {{ target_relation.render() }} ({{ columns_sql }})
        {%- endif -%}
    {%- endset -%}
    {%- set load_sql -%}
        insert into {{ target_relation.render() }} by name
        select * from read_csv(
            '{{ path }}', header = true, delim = '{{ config.get('delimiter', ',') }}', quote = '"', escape = '"',
            types = { {{- types_sql -}} }
        )
    {%- endset -%}
    {% call statement('create_seed_table') -%}
        {{ create_sql }}
    {%- endcall %}
    {% call statement('load_seed_file', fetch_result=True) -%}
        {{ load_sql }}
    {%- endcall %}
    {{ return({'table': load_result('load_seed_file').table, 'verb': 'CREATE',
               'sql': create_sql ~ ';\n' ~ load_sql, 'in_place': in_place}) }}
{% endmacro %}

{#- True when the table has exactly the declared columns, in order, with the declared types. -#}
{% macro duckdb_seed_table_matches(relation, column_types) %}
    {%- set names = [] -%}
    {%- set types = [] -%}
    {%- for name, type in column_types.items() -%}
        {%- do names.append("'" ~ (name | replace("'", "''")) ~ "'") -%}
        {%- do types.append("typeof(cast(null as " ~ type ~ "))") -%}
    {%- endfor -%}
    {%- call statement('seed_table_matches', fetch_result=True) -%}
        select coalesce((
            select
                list(column_name order by column_index) = [{{ names | join(', ') }}]
                and list(data_type order by column_index) = [{{ types | join(', ') }}]
            from duckdb_columns()
            where
                database_name = '{{ relation.database }}'
                and schema_name = '{{ relation.schema }}'
                and table_name = '{{ relation.identifier | replace("'", "''") }}'
        ), false)
    {%- endcall -%}
    {{ return(load_result('seed_table_matches').table.rows[0][0]) }}
{% endmacro %}

{#- persist_docs for a table loaded in place: only the comments that differ are written. -#}
{% macro duckdb_seed_changed_docs(relation, model) %}
    {%- if config.persist_relation_docs() and model.description -%}
        {% do run_query(alter_relation_comment(relation, model.description)) %}
    {%- endif -%}
    {%- if config.persist_column_docs() and model.columns -%}
        {%- call statement('seed_comments', fetch_result=True) -%}
            select column_name, comment
            from duckdb_columns()
            where
                database_name = '{{ relation.database }}'
                and schema_name = '{{ relation.schema }}'
                and table_name = '{{ relation.identifier | replace("'", "''") }}'
        {%- endcall -%}
        {%- set existing = {} -%}
        {%- for row in load_result('seed_comments').table.rows -%}
            {%- do existing.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        {%- set changed = {} -%}
        {%- for name, column in model.columns.items() -%}
            {%- if existing.get(name) is none or existing.get(name) != column['description'] -%}
                {%- do changed.update({name: column}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if changed -%}
            {% do run_query(alter_column_comment(relation, changed)) %}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#-
    persist_seed_docs(relation, model, loaded): the seed's relation and column comments;
    dbt's persist_docs, but on DuckDB after an in-place load only the comments that changed.
-#}
{% macro persist_seed_docs(relation, model, loaded) %}
    {{ return(adapter.dispatch('persist_seed_docs', 'idc_clinical')(relation, model, loaded)) }}
{% endmacro %}

{% macro default__persist_seed_docs(relation, model, loaded) %}
    {% do persist_docs(relation, model) %}
{% endmacro %}

{% macro duckdb__persist_seed_docs(relation, model, loaded) %}
    {%- if loaded.get('in_place') -%}
        {% do duckdb_seed_changed_docs(relation, model) %}
    {%- else -%}
        {% do persist_docs(relation, model) %}
    {%- endif -%}
{% endmacro %}


{#-
    BigQuery: a table created with the declared types (DDL), then one load job of the file into
    it (dbt-bigquery's `adapter.upload_file`: the file as it is, header row skipped, quoted
    newlines allowed, appended to the new empty table, so the load uses exactly its declared
    schema); the row count from count(*), which BigQuery answers from table metadata.
-#}
{% macro bigquery__load_seed_with_declared_types(old_relation, target_relation, column_types) %}
    {%- set columns_sql -%}
        {%- for name, type in column_types.items() -%}
            {{ adapter.quote(name) }} {{ type }}{% if not loop.last %}, {% endif %}
        {%- endfor -%}
    {%- endset -%}
    {%- set create_sql -%}
        create or replace table {{ target_relation.render() }} ({{ columns_sql }})
    {%- endset -%}
    {% call statement('create_seed_table') -%}
        {{ create_sql }}
    {%- endcall %}
    {%- set load_job = {
        'source_format': 'CSV',
        'skip_leading_rows': 1,
        'field_delimiter': config.get('delimiter', ','),
        'allow_quoted_newlines': true,
        'write_disposition': 'WRITE_APPEND',
    } -%}
    {%- set path = model.root_path ~ '/' ~ model.original_file_path -%}
    {% do adapter.upload_file(path, target_relation.database,
                              target_relation.schema, target_relation.identifier, kwargs=load_job) %}
    {% call statement('count_seed_rows', fetch_result=True) -%}
        select count(*) from {{ target_relation.render() }}
    {%- endcall %}
    {{ return({'table': load_result('count_seed_rows').table, 'verb': 'LOAD',
               'sql': create_sql ~ ';\n-- then a load job of ' ~ path ~ ' into it'}) }}
{% endmacro %}
