-- One row per DICOM Modality in IDC's series index for the curated collections or in
-- dicom_all, with its name (the dicom_modalities seed; else the code): the `modality` entity
-- of the MetricFlow semantic models.
{%- set q = adapter.quote %}

with patient_modalities as (

    select * from {{ ref('patient_modalities') }}

),

dicom_modalities as (

    select * from {{ ref('dicom_modalities') }}

),

dicom_all as (

    select * from {{ ref('dicom_all') }}

),

modalities as (

    select patient_modalities.modality
    from patient_modalities
    union distinct
    select dicom_all.{{ q('Modality') }} as modality
    from dicom_all
    where dicom_all.{{ q('Modality') }} is not null

),

final as (

    select
        modalities.modality,
        coalesce(dicom_modalities.modality_name, modalities.modality) as modality_name
    from modalities
    left join dicom_modalities on modalities.modality = dicom_modalities.modality

)

select * from final
