{#-
    The seed materialization on DuckDB, for seeds whose properties declare a type for every
    column (every seed `curate` writes): the file is read once, by DuckDB's own CSV reader
    with the declared types, into a table created with those types. dbt's default seed
    first parses every cell in Python (agate) only to count rows and name columns; here the
    header names the columns and DuckDB counts the rows. The load fails, naming the column,
    when the header and the declared columns differ or a value does not fit its type.
    Other seeds use dbt-duckdb's materialization unchanged.
    On BigQuery: the materialization below (a load job with the declared schema).
-#}
{% materialization seed, adapter='duckdb' %}
    {%- set column_types = config.get('column_types') or {} -%}
    {%- set declared = model.columns.keys() | list -%}
    {%- if not declared or declared != (column_types.keys() | list) -%}
        {{ return(materialization_seed_default()) }}
    {%- endif -%}

    {%- set quote_columns = config.get('quote_columns', none) -%}
    {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=model.alias) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- if old_relation is not none and old_relation.is_view -%}
        {{ exceptions.raise_compiler_error("Cannot seed to '{}', it is a view".format(old_relation.render())) }}
    {%- endif -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {#- Replacing a table whose columns and types are the declared ones: its rows are deleted and
        the file loaded into it (one transaction), and only changed comments are written again
        (DuckDB's COMMENT ON COLUMN copies the table's catalog entry: ~13 ms a column at 300
        columns, as long as the load itself). Else the table is dropped and created. -#}
    {%- set in_place = old_relation is not none and duckdb_seed_table_matches(old_relation, column_types) -%}
    {%- if old_relation is not none and not in_place -%}
        {% do adapter.drop_relation(old_relation) %}
    {%- endif -%}

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
    {%- set delimiter = config.get('delimiter', ',') -%}

    {% call statement('create_seed_table') -%}
        {% if in_place -%}
            delete from {{ target_relation.render() }}
        {%- else -%}
            create table {{ target_relation.render() }} ({{ columns_sql }})
        {%- endif %}
    {%- endcall %}
    {%- set load_sql -%}
        insert into {{ target_relation.render() }} by name
        select * from read_csv(
            '{{ path }}', header = true, delim = '{{ delimiter }}', quote = '"', escape = '"',
            types = { {{- types_sql -}} }
        )
    {%- endset -%}
    {% call statement('load_seed_file', fetch_result=True) -%}
        {{ load_sql }}
    {%- endcall %}
    {%- set loaded = load_result('load_seed_file') -%}
    {%- set rows_affected = loaded.table.rows[0][0] -%}
    {%- do store_result('agate_table', response='OK', agate_table=loaded.table) -%}
    {% call noop_statement('main', 'CREATE ' ~ rows_affected, 'CREATE', rows_affected) -%}
        create table {{ target_relation.render() }} ({{ columns_sql }});
        {{ load_sql }}
    {%- endcall %}

    {% if in_place -%}
        {% do duckdb_seed_changed_docs(target_relation, model) %}
    {%- else -%}
        {% do persist_docs(target_relation, model) %}
    {%- endif %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

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
    The seed materialization on BigQuery, for the same seeds: a table created with the
    declared types (DDL), then one load job of the file into it (dbt-bigquery's
    `adapter.upload_file`: the file as it is, header row skipped, quoted newlines allowed,
    appended to the new empty table, so the load uses exactly its declared schema).
    dbt's default seed reads every cell with
    agate first only to name the columns and count the rows; curate writes the header in the
    declared order, so nothing needs to be read here. Other seeds use dbt's materialization.
-#}
{% materialization seed, adapter='bigquery' %}
    {%- set column_types = config.get('column_types') or {} -%}
    {%- set declared = model.columns.keys() | list -%}
    {%- if not declared or declared != (column_types.keys() | list) -%}
        {{ return(materialization_seed_default()) }}
    {%- endif -%}

    {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=model.alias) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- if old_relation is not none and old_relation.is_view -%}
        {{ exceptions.raise_compiler_error("Cannot seed to '{}', it is a view".format(old_relation.render())) }}
    {%- endif -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

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
    {#- dbt's seed task reads a stored result back: the row count (BigQuery answers it from metadata) -#}
    {% call statement('count_seed_rows', fetch_result=True) -%}
        select count(*) from {{ target_relation.render() }}
    {%- endcall %}
    {%- set counted = load_result('count_seed_rows') -%}
    {%- set rows_affected = counted.table.rows[0][0] -%}
    {%- do store_result('agate_table', response='OK', agate_table=counted.table) -%}
    {% call noop_statement('main', 'LOAD ' ~ rows_affected, 'LOAD', rows_affected) -%}
        {{ create_sql }};
        -- then a load job of {{ path }} into it
    {%- endcall %}

    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
