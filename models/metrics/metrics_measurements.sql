-- One row per measurement of every TID 1500 measurement report: the quantitative (NUM) and
-- the qualitative (CODE) ones, with the collection and the Modality of the measured series.
{%- set q = adapter.quote %}

with quantitative_measurements as (

    select * from {{ ref('quantitative_measurements') }}

),

qualitative_measurements as (

    select * from {{ ref('qualitative_measurements') }}

),

dicom_all as (

    select * from {{ ref('dicom_all') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

instances as (

    select distinct
        dicom_all.{{ q('SOPInstanceUID') }} as sop_instance_uid,
        dicom_all.collection_id
    from dicom_all

),

series as (

    select distinct
        dicom_all.{{ q('SeriesInstanceUID') }} as series_instance_uid,
        dicom_all.{{ q('Modality') }} as modality
    from dicom_all

),

measurements as (

    select
        'quantitative' as measurement_kind,
        quantitative_measurements.{{ q('PatientID') }} as dicom_patient_id,
        quantitative_measurements.{{ q('SOPInstanceUID') }} as report_instance_uid,
        quantitative_measurements.{{ q('measurementGroup_number') }} as measurement_group_number,
        quantitative_measurements.{{ q('sourceSegmentedSeriesUID') }} as measured_series_uid,
        quantitative_measurements.{{ q('Quantity') }}.{{ q('CodeMeaning') }} as quantity,
        quantitative_measurements.{{ q('findingSite') }}.{{ q('CodeMeaning') }} as finding_site
    from quantitative_measurements
    union all
    select
        'qualitative' as measurement_kind,
        qualitative_measurements.{{ q('PatientID') }} as dicom_patient_id,
        qualitative_measurements.{{ q('SOPInstanceUID') }} as report_instance_uid,
        qualitative_measurements.{{ q('measurementGroup_number') }} as measurement_group_number,
        qualitative_measurements.{{ q('sourceSegmentedSeriesUID') }} as measured_series_uid,
        qualitative_measurements.{{ q('Quantity') }}.{{ q('CodeMeaning') }} as quantity,
        qualitative_measurements.{{ q('findingSite') }}.{{ q('CodeMeaning') }} as finding_site
    from qualitative_measurements

),

final as (

    select
        measurements.measurement_kind,
        measurements.dicom_patient_id,
        measurements.report_instance_uid,
        measurements.measurement_group_number,
        measurements.measured_series_uid,
        measurements.quantity,
        measurements.finding_site,
        instances.collection_id,
        series.modality as measured_modality,
        release_calendar.release_date,
        row_number() over (
            order by
                measurements.report_instance_uid,
                measurements.measurement_group_number,
                measurements.measurement_kind,
                measurements.quantity
        ) as measurement_key,
        concat(
            measurements.report_instance_uid, '/',
            cast(measurements.measurement_group_number as {{ dbt.type_string() }})
        ) as measurement_group_key,
        concat(instances.collection_id, '/', measurements.dicom_patient_id) as patient_key
    from measurements
    left join instances on measurements.report_instance_uid = instances.sop_instance_uid
    left join series on measurements.measured_series_uid = series.series_instance_uid
    cross join release_calendar

)

select * from final
