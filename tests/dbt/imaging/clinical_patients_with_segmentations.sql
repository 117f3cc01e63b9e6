{#-
    The imaging views join the clinical tables (issue 6, item 8): per collection, the patients
    with both clinical rows (any clinical table of the collection) and segmentations; the
    README's example query. No clinical table is named, so the project parses whatever
    collections are curated.
    Known answer for the bundled fixture corpus (var `imaging_fixture_tests`, default true on
    DuckDB; set it false when dicom_metadata is another corpus): both fixture patients,
    ProstateX-0000 and ProstateX-0001, in collection prostatex. Returns the mismatches.
-#}
{{ config(enabled=var('imaging_fixture_tests', target.type == 'duckdb')) }}

with segmented_patients as (

    select distinct
        dicom_all.collection_id,
        segmentations.patientid as patient_id
    from {{ ref('segmentations') }} as segmentations
    inner join {{ ref('dicom_all') }} as dicom_all
        on segmentations.sopinstanceuid = dicom_all.sopinstanceuid

),

clinical_patients as (

    select distinct
        collection_id,
        dicom_patient_id as patient_id
    from {{ ref('stg_clinical__patients') }}

),

per_collection as (

    select
        segmented_patients.collection_id,
        count(*) as patients_with_clinical_and_segmentations
    from segmented_patients
    inner join clinical_patients
        on
            segmented_patients.collection_id = clinical_patients.collection_id
            and segmented_patients.patient_id = clinical_patients.patient_id
    group by segmented_patients.collection_id

),

expected as (

    select
        'prostatex' as collection_id,
        2 as patients_with_clinical_and_segmentations

)

select
    expected.patients_with_clinical_and_segmentations as expected_patients,
    per_collection.patients_with_clinical_and_segmentations as found_patients,
    coalesce(expected.collection_id, per_collection.collection_id) as collection_id
from expected
full outer join per_collection on expected.collection_id = per_collection.collection_id
where
    expected.patients_with_clinical_and_segmentations
    is distinct from per_collection.patients_with_clinical_and_segmentations
