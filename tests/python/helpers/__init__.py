"""Helpers of the pytest suite (tests/python), one module per kind of help:

========================  ======================================================================
files                     source files built in code: xlsx, xls, xlsb, encrypted xlsx, ZIPs, CSV
curate                    running the curator on them: in process, through the CLI, as a user
warehouse                 a release built once per session, for the tests that need a warehouse
dbt_project               a copy of the dbt project in a temporary folder, on its own DuckDB file
imaging                   the imaging views built once from the DICOM fixture corpus
imaging_published_schemas the imaging views' schemas as IDC v22 builds them
dicom_corpus              the DICOM fixture corpus (data/dicom), made in code, and its answers
chromium                  headless Chromium for the tests that look at a page
dictionaries              synthetic data dictionaries (ACRIN forms, REDCap) for the dictionary tests
========================  ======================================================================

pytest fixtures shared by several files are in conftest.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
IDC_VERSION = 22
