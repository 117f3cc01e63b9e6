"""Fidelity: how exactly a built warehouse reproduces the schemas IDC published.

A tool that reads a built DuckDB warehouse, separate from the curator. It compares every
table of IDC's published schemas (``data/reference/published_v18_schemas.md``) with the
built ``idc_v<N>_clinical`` schema, column by column (names, order, BigQuery types, RECORD
fields), and explains the differences that IDC's own rules for the built release bring
(``data/reference/known_v22_differences.yml``).

Modules, in the order data flow through them: ``published`` (the published schemas),
``warehouse`` (the built schemas, DuckDB types as BigQuery type names), ``known`` (the
known differences and their rules), ``compare`` (one result per published table) and
``__main__`` (``python -m curation.warehouse.fidelity``, run by ``make fidelity``).
"""
