-- One row per (collection, patient, modality) with the number of series in IDC's index.
with series as (

    select * from {{ ref('stg_idc_index__series') }}

),

final as (

    select
        collection_id,
        patient_id as dicom_patient_id,
        modality,
        count(distinct series_instance_uid) as n_series
    from series
    group by collection_id, patient_id, modality

)

select * from final
