"""DICOM side of the project: export DICOM metadata to Parquet shaped like IDC's BigQuery
``dicom_metadata`` (metadata_export), the per-instance auxiliary manifest (manifest), and
the fixture corpus generator (fixtures)."""
