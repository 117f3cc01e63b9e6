-- Per collection: patients with clinical data, with images, with both, and with only one.
with patient_linkage as (

    select * from {{ ref('patient_linkage') }}

),

final as (

    select
        collection_id,
        count(case when has_clinical_data then 1 end) as n_clinical_patients,
        count(case when has_images then 1 end) as n_imaged_patients,
        count(case when has_clinical_data and has_images then 1 end) as n_patients_with_both,
        count(case when has_clinical_data and not has_images then 1 end)
            as n_clinical_patients_without_images,
        count(case when has_images and not has_clinical_data then 1 end)
            as n_imaged_patients_without_clinical_data
    from patient_linkage
    group by collection_id

)

select * from final
