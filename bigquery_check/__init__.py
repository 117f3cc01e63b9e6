"""The BigQuery path, checked offline (``make bigquery-check``; README "Checking the BigQuery
path offline"). Each step is a module run with ``python -m bigquery_check.<module>`` from the
repository root:

=================  ==========================================================================
dbt_offline        a. ``dbt compile --target bigquery`` with no network and no credentials
offline_catalog    the BigQuery schemas of every seed and source (read by a., b. and d.)
zetasql_check      b. every compiled model and data test type-checked by ZetaSQL (own venv)
sqlfluff_bigquery  c. sqlfluff for the BigQuery dialect, offline
emulator_build     d. ``dbt build`` on a local BigQuery emulator (bqemulator, own venv)
bqemulator_start   the emulator's entry point, with its fixes applied
=================  ==========================================================================

Where a step replaces an internal of a third-party library, the replacement lives in one
module per library (``patch_dbt_bigquery``, ``patch_wasmtime``, ``patch_bqemulator``,
``patch_sqlglot``), which names the pinned version it was written for and refuses another
(``pinned.require``). Pins: pyproject.toml (dev extra) and requirements-*.txt here.

The ZetaSQL and emulator steps run in venvs of their own that do not install this project:
``python -m`` from the repository root finds the package there, so nothing edits ``sys.path``.
Importing the package imports nothing beyond the standard library.
"""
