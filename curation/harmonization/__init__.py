"""Harmonized core variables: per-collection mapping files onto caDSR CDE permissible values.

A mapping file (``harmonization/<collection_id>.yml``) says which column of which curated
clinical table feeds which standard variable (sex, race, ethnicity, vital status, age, AJCC
stage, ...) and how each source value maps to a permissible value of that variable's CDE
(``data/harmonization/``, with its NCIt code). The loader validates every file against the
CDE lists and, when a curated release is at hand, against its tables and columns, then writes
the mapping rows as dbt seeds (``seeds/harmonization/``); the models in
``models/harmonized/`` join them to the clinical values (schema ``idc_v<N>_harmonized``).

Modules: ``standard`` (the CDE variables and permissible values), ``mapping`` (the mapping
file format and its loader), ``release`` (the curated tables and columns a mapping may name),
``seeds`` (mapping rows -> seed files). ``python -m curation.harmonization`` runs them.
"""
