{#-
    Every value of `column_name` names a patient with images in IDC's index, within
    `collection_ids` (the recipe's collection, or the table's `image_collections`). Returns one
    row per id not found, so a warning reports their count, with the closest ids of those
    collections in the index (edit distance ignoring case, ties by id, at most 3, among the index ids that
    contain the id, are contained in it or differ in at most a third of their characters) for the first 10 of them in
    id order (NULL for the rest). Severity is set per collection by its recipe
    (`patients_without_images: error | warn`, written into the seeds YAML by `curate`).
    When run (dbt build/test) and some ids are not found, it also logs the count, the index
    version and those first 10 ids with their closest ids: what `curate` printed too.
-#}
{% test patients_have_images(model, column_name, collection_ids, index) %}

{%- set unmatched_sql -%}
with clinical as (

    select distinct {{ column_name }} as patient_id
    from {{ model }}
    where {{ column_name }} is not null

),

imaged as (

    select distinct patient_id
    from {{ index }}
    where collection_id in (
        {%- for collection_id in collection_ids %}'{{ collection_id }}'{{ ", " if not loop.last }}{% endfor -%}
    )

),

unmatched as (

    select clinical.patient_id
    from clinical
    left join imaged on clinical.patient_id = imaged.patient_id
    where imaged.patient_id is null

),

explained as (

    select patient_id
    from unmatched
    order by patient_id
    limit 10

),

distances as (

    select
        explained.patient_id,
        imaged.patient_id as index_id,
        {{ edit_distance('lower(explained.patient_id)', 'lower(imaged.patient_id)') }} as distance,
        strpos(lower(explained.patient_id), lower(imaged.patient_id)) > 0
        or strpos(lower(imaged.patient_id), lower(explained.patient_id)) > 0 as contained
    from explained
    cross join imaged

),

ranked as (

    select
        patient_id,
        index_id,
        distance,
        row_number() over (partition by patient_id order by distance, index_id) as closeness
    from distances
    where
        contained
        or 3 * distance <= greatest(length(patient_id), length(index_id))

),

closest as (

    select
        patient_id,
        string_agg(index_id, ', ' order by distance, index_id) as closest_index_ids
    from ranked
    where closeness <= 3
    group by patient_id

)

select
    unmatched.patient_id as dicom_patient_id,
    closest.closest_index_ids
from unmatched
left join closest on unmatched.patient_id = closest.patient_id
{%- endset -%}

{%- if execute and flags.WHICH in ('build', 'test') -%}
    {%- set found = run_query(
        "select dicom_patient_id, closest_index_ids, count(*) over () as n from ("
        ~ unmatched_sql ~ ") as unmatched order by dicom_patient_id limit 10") -%}
    {%- if found.rows | length > 0 -%}
        {%- set lines = [] -%}
        {%- for row in found.rows -%}
            {%- do lines.append("    " ~ row[0] ~ ("  closest: " ~ row[1] if row[1] else "  (no close id in the index)")) -%}
        {%- endfor -%}
        {{ log(
            model.identifier ~ "." ~ column_name ~ ": " ~ found.rows[0][2] ~ " ids without images of "
            ~ collection_ids | join(", ") ~ " in the IDC series index (" ~ idc_index_label() ~ "); the first "
            ~ found.rows | length ~ ":\n" ~ lines | join("\n"), info=true) }}
    {%- endif -%}
{%- endif -%}

{{ unmatched_sql }}

{% endtest %}
