{#-
    Every value of `column_name` names a patient with images in IDC's index, within
    `collection_id`. Returns the unmatched ids (one row each), so a warning reports their count.
    Severity is set per collection by its recipe (`patients_without_images: error | warn`).
-#}
{% test patients_have_images(model, column_name, collection_id, index) %}

with clinical as (

    select distinct {{ column_name }} as patient_id
    from {{ model }}
    where {{ column_name }} is not null

),

imaged as (

    select patient_id
    from {{ index }}
    where collection_id = '{{ collection_id }}'

)

select clinical.patient_id
from clinical
left join imaged on clinical.patient_id = imaged.patient_id
where imaged.patient_id is null

{% endtest %}
