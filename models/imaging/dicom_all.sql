-- dicom_all: the table IDC publishes beside dicom_all_view, built from it.
select * from {{ ref('dicom_all_view') }}
