{#-
    joins_as_written(enabled): the statements a hook runs around an imaging table's build so that
    each hash join builds its hash table on the side the SQL names (the right side of a LEFT
    JOIN: the narrow lookup), enabled=true before the build, false after it.
    DuckDB estimates a select-list unnest as no more rows than its input and each filter as a
    fifth of it, so the wide measurement-group and segment rows look smaller than the lookup
    and its optimizer would build on them, copying every nested column into the hash table
    (2-3x slower). DuckDB: add build_side_probe_side to the disabled optimizers, then take it
    out again, leaving whatever else the user had disabled as it was. `disabled_optimizers` is
    global to the database (every dbt thread's cursor sees it) while a variable is the cursor's
    own: before, the variable records whether this hook added the optimizer (not when the user,
    or another imaging table's build on another thread, had it disabled already); after, the
    optimizer is taken out only if this hook added it.
    BigQuery chooses its own join strategy: nothing (an empty hook is not run).
-#}
{% macro joins_as_written(enabled) -%}
    {{ return(adapter.dispatch('joins_as_written', 'idc_clinical')(enabled)) }}
{%- endmacro %}

{% macro default__joins_as_written(enabled) -%}
{%- endmacro %}

{% macro duckdb__joins_as_written(enabled) -%}
    {#- the setting is a comma-separated list; SET takes no lambda, so string functions -#}
    {%- set disabled = "current_setting('disabled_optimizers')" -%}
    {%- if enabled -%}
    set variable idc_joins_as_written_added =
        not list_contains(string_split({{ disabled }}, ','), 'build_side_probe_side');
    set disabled_optimizers = case when getvariable('idc_joins_as_written_added')
        then ltrim({{ disabled }} || ',build_side_probe_side', ',') else {{ disabled }} end
    {%- else -%}
    set disabled_optimizers = case when getvariable('idc_joins_as_written_added')
        then trim(replace(',' || {{ disabled }} || ',', ',build_side_probe_side,', ','), ',')
        else {{ disabled }} end
    {%- endif -%}
{%- endmacro %}
