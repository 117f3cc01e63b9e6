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

{#- DuckDB: one round trip does it all, in the node's transaction: the table created with the
    declared types, its comments (persist_docs) and the file read once by DuckDB's CSV reader
    with those types (insert by name, so the header must name the declared columns). Replacing
    a table whose columns and types are the declared ones: its rows are deleted and the file
    loaded into it, and its comments written again only when one differs (one query asks both);
    else the table is dropped and created. The SQL is built here rather than through
    persist_docs/alter_column_comment, which ask DuckDB for the table's columns once more and
    send one statement each (dbt's per-query cost, ~10 ms, is as much as loading a small table). -#}
{% macro duckdb__load_seed_with_declared_types(old_relation, target_relation, column_types) %}
    {%- set relation = target_relation.render() -%}
    {%- set state = duckdb_seed_table_state(old_relation, column_types) if old_relation is not none else 'absent' -%}
    {%- set quote_columns = config.get('quote_columns', none) -%}
    {%- set types_sql -%}
        {%- for name, type in column_types.items() -%}
            '{{ name | replace("'", "''") }}': '{{ type }}'{% if not loop.last %}, {% endif %}
        {%- endfor -%}
    {%- endset -%}
    {%- set path = adapter.get_seed_file_path(model) | replace("'", "''") -%}
    {%- set sql -%}
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
    {%- endset -%}
    {% call statement('load_seed_file', fetch_result=True) -%}
        {{ sql }}
    {%- endcall %}
    {{ return({'table': load_result('load_seed_file').table, 'verb': 'CREATE', 'sql': sql,
               'docs_persisted': true}) }}
{% endmacro %}

{#- The seed's comments (persist_docs: relation and columns, as configured), one statement each,
    to run with the load. -#}
{% macro duckdb_seed_comments(relation) %}
    {%- if config.persist_relation_docs() and model.description -%}
comment on table {{ relation.render() }} is {{ duckdb_escape_comment(model.description) }};
{% endif -%}
    {%- if config.persist_column_docs() -%}
        {%- for name, column in model.columns.items() if column.get('description') -%}
comment on column {{ relation.render() }}.{{ adapter.quote(name) }} is {{ duckdb_escape_comment(column['description']) }};
{% endfor -%}
    {%- endif -%}
{% endmacro %}

{#- What a table already there holds: 'same' (the declared columns, in order, with the declared
    types, and the comments the seed would write), 'comments_differ' (the same columns and types,
    another comment), or 'other'. One query. -#}
{% macro duckdb_seed_table_state(relation, column_types) %}
    {%- set names = [] -%}
    {%- set types = [] -%}
    {%- set comments = [] -%}
    {%- set column_docs = config.persist_column_docs() -%}
    {%- for name, type in column_types.items() -%}
        {%- do names.append("'" ~ (name | replace("'", "''")) ~ "'") -%}
        {%- do types.append("typeof(cast(null as " ~ type ~ "))") -%}
        {%- set description = (model.columns.get(name) or {}).get('description') if column_docs else none -%}
        {%- do comments.append(duckdb_escape_comment(description) if description else 'null') -%}
    {%- endfor -%}
    {%- set table_comment = model.description if config.persist_relation_docs() and model.description else none -%}
    {%- call statement('seed_table_state', fetch_result=True) -%}
        select coalesce((
            select
                case
                    when count(*) = 0 then 'other'
                    when
                        list(c.column_name order by c.column_index) != [{{ names | join(', ') }}]
                        or list(c.data_type order by c.column_index) != [{{ types | join(', ') }}]
                        then 'other'
                    when
                        list(c.comment order by c.column_index) is not distinct from [{{ comments | join(', ') }}]::varchar[]
                        {% if table_comment is not none %}and any_value(t.comment) is not distinct from {{ duckdb_escape_comment(table_comment) }}{% endif %}
                        then 'same'
                    else 'comments_differ'
                end
            from duckdb_columns() as c
            inner join duckdb_tables() as t
                on c.table_oid = t.table_oid
            where
                c.database_name = '{{ relation.database }}'
                and c.schema_name = '{{ relation.schema }}'
                and c.table_name = '{{ relation.identifier | replace("'", "''") }}'
        ), 'other')
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
