"""Building and publishing a release: the driver around the curator and dbt.

=============  ==============================================================================
build          ``make build``: curate, export the DICOM metadata, dbt build into a staged copy
               of the warehouse, published only when everything passed; unchanged steps skipped
build_state    what each build step last ran on (content hashes), so unchanged steps are skipped
warehouse_swap the staged copy of the DuckDB warehouse and its swap into place
bigquery       ``make publish``: the release to BigQuery, estimated, built aside, swapped in
=============  ==============================================================================
"""
