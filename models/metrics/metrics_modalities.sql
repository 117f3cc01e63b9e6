-- One row per DICOM Modality in IDC's series index for the curated collections or in
-- dicom_all, with its name: the `modality` entity of the MetricFlow semantic models.
{%- set q = adapter.quote %}

with patient_modalities as (

    select * from {{ ref('patient_modalities') }}

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
        modality,
        case modality
            when 'ANN' then 'Annotation'
            when 'CR' then 'Computed Radiography'
            when 'CT' then 'Computed Tomography'
            when 'DX' then 'Digital Radiography'
            when 'MG' then 'Mammography'
            when 'MR' then 'Magnetic Resonance'
            when 'NM' then 'Nuclear Medicine'
            when 'OT' then 'Other'
            when 'PR' then 'Presentation State'
            when 'PT' then 'Positron Emission Tomography'
            when 'RTSTRUCT' then 'Radiotherapy Structure Set'
            when 'SEG' then 'Segmentation'
            when 'SM' then 'Slide Microscopy'
            when 'SR' then 'Structured Report'
            when 'US' then 'Ultrasound'
            when 'XA' then 'X-Ray Angiography'
            else modality
        end as modality_name
    from modalities

)

select * from final
