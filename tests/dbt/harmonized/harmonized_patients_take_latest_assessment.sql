-- harmonized_patients keeps, per patient and variable, the value of the latest assessment:
-- no long row of that variable has a later assessed_at than the one the wide table shows.
-- One row per patient whose vital status is not from the latest assessment.
with harmonized_values as (

    select * from {{ ref('harmonized_values') }}

),

patients as (

    select * from {{ ref('harmonized_patients') }}

),

latest as (

    select
        collection_id,
        dicom_patient_id,
        max(assessed_at) as latest_assessed_at
    from harmonized_values
    where variable = 'vital_status'
    group by 1, 2

)

select
    patients.collection_id,
    patients.dicom_patient_id,
    patients.vital_status_assessed_at,
    latest.latest_assessed_at
from patients
inner join latest
    on
        patients.collection_id = latest.collection_id
        and patients.dicom_patient_id = latest.dicom_patient_id
where
    latest.latest_assessed_at is not null
    and (
        patients.vital_status_assessed_at is null
        or patients.vital_status_assessed_at < latest.latest_assessed_at
    )
