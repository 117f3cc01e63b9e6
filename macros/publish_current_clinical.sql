{#-
    publish_current_clinical(): after a successful run, point `idc_current_clinical` at the
    newest release present in the warehouse: one view per relation of idc_v<N>_clinical
    (same names), and no view left for a table that the newest release lacks.
    Building an older release (var idc_version below the newest) leaves it as it is.
    Called from on-run-end of build, run and seed (not compile or docs); set the var
    `publish_current: false` to skip it. `make publish` builds with it false and calls
    `dbt run-operation publish_current_clinical --args '{force: true}'` after its swap.
-#}
{% macro publish_current_clinical(force=false) %}
    {%- if not execute or not (force or (var('publish_current', true) and flags.WHICH in ('build', 'run', 'seed'))) -%}
        {{ return('') }}
    {%- endif -%}
    {%- for result in (results if results is defined else []) if result.status in ('error', 'fail', 'runtime error') -%}
        {{ log("idc_current_clinical left as it was: the run had failures", info=true) }}
        {{ return('') }}
    {%- endfor -%}

    {%- set releases = [] -%}
    {%- for schema in list_schema_names(target.database) -%}
        {%- set match = modules.re.fullmatch('idc_v([0-9]+)_clinical', schema | lower) -%}
        {%- if match -%}
            {%- do releases.append(match.group(1) | int) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not releases or (var('idc_version') | int) < (releases | max) -%}
        {{ return('') }}
    {%- endif -%}

    {%- set newest = 'idc_v' ~ (releases | max) ~ '_clinical' -%}
    {%- set current_schema = api.Relation.create(database=target.database, schema='idc_current_clinical') -%}
    {%- do adapter.create_schema(current_schema) -%}
    {%- set names = list_relation_names(target.database, newest) -%}
    {%- for name in names -%}
        {%- set view = api.Relation.create(
            database=target.database, schema='idc_current_clinical', identifier=name, type='view'
        ) -%}
        {%- set table = api.Relation.create(database=target.database, schema=newest, identifier=name) -%}
        {%- do run_query('create or replace view ' ~ view ~ ' as select * from ' ~ table) -%}
    {%- endfor -%}
    {%- for name in list_relation_names(target.database, 'idc_current_clinical') if name not in names -%}
        {%- do adapter.drop_relation(api.Relation.create(
            database=target.database, schema='idc_current_clinical', identifier=name, type='view'
        )) -%}
    {%- endfor -%}
    {{ log("idc_current_clinical -> " ~ newest ~ " (" ~ names | length ~ " views)", info=true) }}
    {{ return('') }}
{% endmacro %}
