{#-
    joins_as_written(enabled): the statement a hook runs around an imaging table's build so that
    each hash join builds its hash table on the side the SQL names (the right side of a LEFT
    JOIN: the narrow lookup), enabled=true before the build, false after it.
    DuckDB estimates a select-list unnest as no more rows than its input and each filter as a
    fifth of it, so the wide measurement-group and segment rows look smaller than the lookup
    and its optimizer would build on them, copying every nested column into the hash table
    (2-3x slower). DuckDB: disable its build_side_probe_side optimizer, then reset it.
    BigQuery chooses its own join strategy: nothing (an empty hook is not run).
-#}
{% macro joins_as_written(enabled) -%}
    {{ return(adapter.dispatch('joins_as_written', 'idc_clinical')(enabled)) }}
{%- endmacro %}

{% macro default__joins_as_written(enabled) -%}
{%- endmacro %}

{% macro duckdb__joins_as_written(enabled) -%}
    {%- if enabled -%}
    set disabled_optimizers = 'build_side_probe_side'
    {%- else -%}
    reset disabled_optimizers
    {%- endif -%}
{%- endmacro %}
