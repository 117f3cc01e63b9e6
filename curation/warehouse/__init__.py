"""Tools that read a built warehouse (the DuckDB file ``make build`` publishes, or the artifacts
dbt writes from it), separate from the curator, which never reads one:

===============  ============================================================================
coverage_report  ``make report``: the static HTML coverage report, per collection
docs_coverage    which models, seeds and columns have no description (dbt docs artifacts)
demo             the end of ``make demo``: the release's counts and an example query
fidelity/        ``make fidelity``: the built schemas against the ones IDC published
===============  ============================================================================
"""
