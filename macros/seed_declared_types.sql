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

{#- DuckDB: one round trip does it all: the table created with the declared types, its comments
    (persist_docs) and the file read once by DuckDB's CSV reader with those types (insert by
    name, so the header must name the declared columns), in one transaction. Replacing a table
    whose columns and types are the declared ones: its rows are deleted and the file loaded
    into it, and its comments written again only when one differs (one query asks both, before
    the load); else the table is dropped and created. The SQL is built here rather than through
    persist_docs/alter_column_comment, which ask DuckDB for the table's columns once more and
    send one statement each (dbt's per-query cost, ~10 ms, is as much as loading a small table).
    For the same reason the load opens and commits its own transaction (the statement runs with
    auto_begin off), so dbt sends no separate BEGIN and COMMIT; a failed load leaves the
    transaction open on the node's connection, which dbt closes after the node (DuckDB then
    rolls it back: the table is as it was). A seed with hooks keeps dbt's transaction, which
    its hooks run in. -#}
{% macro duckdb__load_seed_with_declared_types(old_relation, target_relation, column_types) %}
    {%- set relation = target_relation.render() -%}
    {%- set own_transaction = not (pre_hooks or post_hooks) -%}
    {%- set state = duckdb_seed_table_state(old_relation, column_types, own_transaction) if old_relation is not none else 'absent' -%}
    {%- set quote_columns = config.get('quote_columns', none) -%}
    {%- set types_sql -%}
        {%- for name, type in column_types.items() -%}
            '{{ name | replace("'", "''") }}': '{{ type }}'{% if not loop.last %}, {% endif %}
        {%- endfor -%}
    {%- endset -%}
    {%- set path = adapter.get_seed_file_path(model) | replace("'", "''") -%}
    {%- set sql -%}
        {%- if own_transaction %}begin transaction;
{% endif -%}
        {%- if state in ('same', 'comments_differ') -%}
            delete from {{ relation }};
        {%- else -%}
            {%- if state == 'other' %}drop table {{ relation }};
{% endif -%}
            create table {{ relation }} (
            {%- for name, type in column_types.items() -%}
                {{ adapter.quote_seed_column(name, quote_columns) }} {{ type }}{% if not loop.last %}, {% endif %}
            {%- endfor -%}
            );
        {%- endif %}
{% if state != 'same' %}{{ duckdb_seed_comments(target_relation) }}{% endif -%}
insert into {{ relation }} by name
select * from read_csv(
    '{{ path }}', header = true, delim = '{{ config.get('delimiter', ',') }}', quote = '"', escape = '"',
    types = { {{- types_sql -}} }
)
        {%- if own_transaction %};
commit;
select count(*) from {{ relation }}
        {%- endif -%}
    {%- endset -%}
    {% call statement('load_seed_file', fetch_result=True, auto_begin=not own_transaction) -%}
        {{ sql }}
    {%- endcall %}
    {{ return({'table': load_result('load_seed_file').table, 'verb': 'CREATE', 'sql': sql,
               'docs_persisted': true}) }}
{% endmacro %}

{#- The seed's comments (persist_docs: relation and columns, as configured), one statement each,
    to run with the load; each a plain SQL literal (quotes doubled), written inline: a macro
    call per comment (duckdb_escape_comment) costs dbt a template module each time. -#}
{% macro duckdb_seed_comments(relation) %}
    {%- set rendered = relation.render() -%}
    {%- if config.persist_relation_docs() and model.description -%}
comment on table {{ rendered }} is '{{ model.description | replace("'", "''") }}';
{% endif -%}
    {%- if config.persist_column_docs() -%}
        {%- for name, column in model.columns.items() if column.get('description') -%}
comment on column {{ rendered }}.{{ adapter.quote(name) }} is '{{ column['description'] | replace("'", "''") }}';
{% endfor -%}
    {%- endif -%}
{% endmacro %}

{#- What a table already there holds: 'same' (the declared columns, in order, with the declared
    types, and the comments the seed would write), 'comments_differ' (the same columns and types,
    another comment), or 'other'. One query (outside a transaction when the load opens its own):
    the columns, and the table's comment in a subquery of its own (joining duckdb_columns() to
    duckdb_tables() reads every table's entry, several times slower). -#}
{% macro duckdb_seed_table_state(relation, column_types, own_transaction) %}
    {%- set names = [] -%}
    {%- set types = [] -%}
    {%- set comments = [] -%}
    {%- set column_docs = config.persist_column_docs() -%}
    {%- for name, type in column_types.items() -%}
        {%- do names.append("'" ~ (name | replace("'", "''")) ~ "'") -%}
        {%- do types.append("typeof(cast(null as " ~ type ~ "))") -%}
        {%- set description = (model.columns.get(name) or {}).get('description') if column_docs else none -%}
        {%- do comments.append("'" ~ (description | replace("'", "''")) ~ "'" if description else 'null') -%}
    {%- endfor -%}
    {%- set table_comment = model.description if config.persist_relation_docs() and model.description else none -%}
    {%- set where -%}
        database_name = '{{ relation.database }}'
        and schema_name = '{{ relation.schema }}'
        and table_name = '{{ relation.identifier | replace("'", "''") }}'
    {%- endset -%}
    {%- call statement('seed_table_state', fetch_result=True, auto_begin=not own_transaction) -%}
        select
            case
                when count(*) = 0 then 'other'
                when
                    list(column_name order by column_index) != [{{ names | join(', ') }}]
                    or list(data_type order by column_index) != [{{ types | join(', ') }}]
                    then 'other'
                when
                    list(comment order by column_index) is not distinct from [{{ comments | join(', ') }}]::varchar[]
                    {% if table_comment is not none %}and (select comment from duckdb_tables() where {{ where }}) is not distinct from '{{ table_comment | replace("'", "''") }}'{% endif %}
                    then 'same'
                else 'comments_differ'
            end
        from duckdb_columns()
        where {{ where }}
    {%- endcall -%}
    {{ return(load_result('seed_table_state').table.rows[0][0]) }}
{% endmacro %}

{#-
    persist_seed_docs(relation, model, loaded): the seed's relation and column comments
    (dbt's persist_docs), unless the load wrote them already (loaded.docs_persisted).
-#}
{% macro persist_seed_docs(relation, model, loaded) %}
    {%- if not loaded.get('docs_persisted') -%}
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
