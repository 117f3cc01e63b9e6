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
    into it, and its comments written again only when one differs (what the table holds is read
    from the schema's catalog, one query per dbt invocation: duckdb_seed_catalog); else the
    table is dropped and created. The SQL is built here rather than through
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
    another comment), or 'other' (anything else, or not in the catalog: the table made again,
    which is right whatever it holds), compared here with the catalog duckdb_seed_catalog() read. -#}
{% macro duckdb_seed_table_state(relation, column_types, own_transaction) %}
    {%- set catalog = duckdb_seed_catalog(relation, column_types.values() | list, own_transaction) -%}
    {#- each table's entry serves its one load (the load changes the table) -#}
    {%- set table = catalog.tables.pop(relation.identifier, none) -%}
    {%- set types = [] -%}
    {%- for type in column_types.values() -%}
        {%- do types.append(catalog.types[type]) -%}
    {%- endfor -%}
    {%- if table is none or table.columns != (column_types.keys() | list) or table.types != types -%}
        {{ return('other') }}
    {%- endif -%}
    {%- set comments = [] -%}
    {%- set column_docs = config.persist_column_docs() -%}
    {%- for name in column_types.keys() -%}
        {%- set description = (model.columns.get(name) or {}).get('description') if column_docs else none -%}
        {%- do comments.append(description or none) -%}
    {%- endfor -%}
    {%- set table_comment = model.description if config.persist_relation_docs() and model.description else none -%}
    {%- if table.comments == comments and (table_comment is none or table.comment == table_comment) -%}
        {{ return('same') }}
    {%- endif -%}
    {{ return('comments_differ') }}
{% endmacro %}

{#- duckdb_seed_catalog(relation, types, cached): {tables: table name -> {columns, types, comments
    (in column order), comment} of the tables in relation's schema, types: each of types (as
    declared) -> DuckDB's name for it (typeof)}. One query reads the whole schema, once per dbt
    invocation (cached): a query per seed costs dbt ~8 ms (its events, agate, Jinja), as much as
    loading a small table. The cache lives in `graph`, the one dict every node of an invocation
    shares, under the invocation's id (another invocation reads afresh); the first seed of a
    schema reads it before its load, so it holds each table as it was before any seed of the
    invocation loaded it (each seed loads its own table once, and a failed load rolls back). A
    seed with hooks (cached false: a hook may change the table) reads its own table afresh; a
    declared type not named yet is asked once. The table comments come from a subquery of their own
    (joined once to the columns grouped by table, not to each column). -#}
{% macro duckdb_seed_catalog(relation, types, cached) %}
    {%- set cache = graph.get('idc_seed_catalog') -%}
    {%- if cache is none or cache.invocation_id != invocation_id -%}
        {%- set cache = {'invocation_id': invocation_id, 'schemas': {}, 'types': {}} -%}
        {%- do graph.update({'idc_seed_catalog': cache}) -%}
    {%- endif -%}
    {%- set schema_key = relation.database ~ '.' ~ relation.schema -%}
    {%- set read_tables = not cached or schema_key not in cache.schemas -%}
    {%- set new_types = types | reject('in', cache.types) | unique | list -%}
    {%- if read_tables or new_types -%}
        {%- set where -%}
            database_name = '{{ relation.database | replace("'", "''") }}'
            and schema_name = '{{ relation.schema | replace("'", "''") }}'
            {%- if not cached %} and table_name = '{{ relation.identifier | replace("'", "''") }}'{% endif %}
        {%- endset -%}
        {%- call statement('seed_catalog', fetch_result=True, auto_begin=not cached) -%}
            select
            {%- if read_tables %}
                (
                    select
                        coalesce(
                            json_group_object(
                                c.table_name,
                                json_object(
                                    'columns', c.columns, 'types', c.types, 'comments', c.comments,
                                    'comment', t.comment
                                )
                            ),
                            '{}'
                        )
                    from (
                        select
                            table_name,
                            list(column_name order by column_index) as columns,
                            list(data_type order by column_index) as types,
                            list(comment order by column_index) as comments
                        from duckdb_columns()
                        where {{ where }}
                        group by table_name
                    ) as c
                    left join (select table_name, comment from duckdb_tables() where {{ where }}) as t
                        on c.table_name = t.table_name
                ) as tables,
            {%- else %}
                null as tables,
            {%- endif %}
                to_json([
                    {%- for type in new_types -%}
                        typeof(cast(null as {{ type }})){% if not loop.last %}, {% endif %}
                    {%- endfor -%}
                ]::varchar[]) as types
        {%- endcall -%}
        {%- set row = load_result('seed_catalog').table.rows[0] -%}
        {%- do cache.types.update(dict(zip(new_types, fromjson(row[1])))) -%}
        {%- if not cached -%}
            {{ return({'tables': fromjson(row[0]), 'types': cache.types}) }}
        {%- endif -%}
        {%- if read_tables -%}
            {%- do cache.schemas.update({schema_key: fromjson(row[0])}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return({'tables': cache.schemas[schema_key], 'types': cache.types}) }}
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
