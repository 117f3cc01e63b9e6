-- One row per (collection, patient) seen in the clinical tables or in IDC's index:
-- which clinical tables have rows for the patient, and what imaging the patient has
-- (series per modality from IDC's index; segments and measurements from the imaging views).
with clinical_patients as (

    select * from {{ ref('stg_clinical__patients') }}

),

instances as (

    select distinct
        sopinstanceuid as sop_instance_uid,
        collection_id
    from {{ ref('dicom_all') }}

),

segment_counts as (

    select
        instances.collection_id,
        segmentations.patientid as dicom_patient_id,
        count(*) as n_segments
    from {{ ref('segmentations') }} as segmentations
    inner join instances on segmentations.sopinstanceuid = instances.sop_instance_uid
    group by instances.collection_id, segmentations.patientid

),

measurements as (

    select
        patientid as patient_id,
        sopinstanceuid as sop_instance_uid
    from {{ ref('quantitative_measurements') }}
    union all
    select
        patientid as patient_id,
        sopinstanceuid as sop_instance_uid
    from {{ ref('qualitative_measurements') }}

),

measurement_counts as (

    select
        instances.collection_id,
        measurements.patient_id as dicom_patient_id,
        count(*) as n_measurements
    from measurements
    inner join instances on measurements.sop_instance_uid = instances.sop_instance_uid
    group by instances.collection_id, measurements.patient_id

),

patient_modalities as (

    select * from {{ ref('patient_modalities') }}

),

clinical as (

    select
        collection_id,
        dicom_patient_id,
        count(*) as n_clinical_tables,
        {{ example_values('table_name', 1000) }} as clinical_tables
    from clinical_patients
    group by collection_id, dicom_patient_id

),

modalities as (

    select
        collection_id,
        dicom_patient_id,
        {{ example_values("modality || ':' || cast(n_series as " ~ dbt.type_string() ~ ")", 1000) }}
            as series_per_modality
    from patient_modalities
    group by collection_id, dicom_patient_id

),

imaging as (

    -- count(distinct ...) is BIGINT on DuckDB and INT64 on BigQuery (a sum would be HUGEINT)
    select
        series.collection_id,
        series.patient_id as dicom_patient_id,
        modalities.series_per_modality,
        count(distinct series.series_instance_uid) as n_series
    from {{ ref('stg_idc_index__series') }} as series
    inner join modalities
        on
            series.collection_id = modalities.collection_id
            and series.patient_id = modalities.dicom_patient_id
    group by series.collection_id, series.patient_id, modalities.series_per_modality

),

linked as (

    select  -- noqa: ST06
        coalesce(clinical.collection_id, imaging.collection_id) as collection_id,
        coalesce(clinical.dicom_patient_id, imaging.dicom_patient_id) as dicom_patient_id,
        coalesce(clinical.n_clinical_tables, 0) as n_clinical_tables,
        clinical.clinical_tables,
        coalesce(imaging.n_series, 0) as n_series,
        imaging.series_per_modality,
        clinical.dicom_patient_id is not null as has_clinical_data,
        imaging.dicom_patient_id is not null as has_images
    from clinical
    full outer join imaging
        on
            clinical.collection_id = imaging.collection_id
            and clinical.dicom_patient_id = imaging.dicom_patient_id

),

final as (

    select
        linked.*,
        coalesce(segment_counts.n_segments, 0) as n_segments,
        coalesce(measurement_counts.n_measurements, 0) as n_measurements
    from linked
    left join segment_counts
        on
            linked.collection_id = segment_counts.collection_id
            and linked.dicom_patient_id = segment_counts.dicom_patient_id
    left join measurement_counts
        on
            linked.collection_id = measurement_counts.collection_id
            and linked.dicom_patient_id = measurement_counts.dicom_patient_id

)

select * from final
