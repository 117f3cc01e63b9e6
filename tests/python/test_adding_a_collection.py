"""README's "Adding a collection", done as a user would: the session warehouse holds the
bundled release plus one collection added with its files and a recipe (``_warehouse``), and
`dbt build` with every data test passed on it (``Warehouse.dbt`` asserts the exit code)."""

from __future__ import annotations

import re

import duckdb

from helpers.warehouse import IDC_VERSION, built_warehouse


def test_an_added_collection_builds_with_every_data_test_green(tmp_path_factory) -> None:
    warehouse = built_warehouse(tmp_path_factory)
    collection = (warehouse.root / "added_collection").read_text(encoding="utf-8")
    log = (warehouse.root / "build.log").read_text(encoding="utf-8")
    assert re.search(r"ERROR=0 ", log), log[-2000:]
    with duckdb.connect(str(warehouse.database), read_only=True) as con:
        schema = f"idc_v{IDC_VERSION}_clinical"
        rows = con.execute(f'select dicom_patient_id, visit, age_years, note from {schema}."{collection}_visits" '
                           "order by visit").fetchall()
        described = con.execute(f"select count(*) from {schema}.table_metadata where table_name = ?",
                                [f"{collection}_visits"]).fetchone()[0]
    assert len(rows) == 3 and rows[0][3] == "first" and rows[1][3] is None and described == 1
