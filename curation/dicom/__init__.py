"""DICOM side of the project: export DICOM metadata to Parquet shaped like IDC's BigQuery
``dicom_metadata`` (metadata_export) and the per-instance auxiliary manifest (manifest). The
fixture corpus in data/dicom is made by the tests' generator (tests/python/helpers/dicom_corpus.py)."""
