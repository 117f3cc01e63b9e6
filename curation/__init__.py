"""Curate TCIA clinical spreadsheets into IDC-style dbt seeds (see README.md)."""

__version__ = "0.1.0"
