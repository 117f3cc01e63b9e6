"""Nothing lost: row and column accounts, warnings for recipes that would drop data, --strict,
and provenance of every column in column_metadata."""

from __future__ import annotations

import json
from pathlib import Path

from curation.metadata import column_metadata_rows
from helpers.curate import curate, invoke_curate, lay_out, snapshot
from helpers.files import csv_bytes, xlsx


def test_zero_row_batch_warns_and_strict_fails(tmp_path: Path):
    files = {"a.csv": csv_bytes("pid,v", "P1,1"), "b.csv": csv_bytes("pid,v")}
    text = ("collection_id: demo\ntables:\n  - batches:\n      - {files: [a.csv], patient_column: pid}\n"
            "      - {files: [b.csv], patient_column: pid}\n")
    (t,) = curate(tmp_path, text, files)
    assert [w.code for w in t.report.warnings] == ["empty_batch"]
    assert t.report.warnings[0].where.batch == 1
    assert t.report.balanced and t.report.rows_written == 1

    recipe_path, sources = lay_out(tmp_path, text, files)
    loose = invoke_curate(recipe_path.parent, sources, tmp_path / "out")
    assert loose.exit_code == 0 and "empty_batch" in loose.output
    strict = invoke_curate(recipe_path.parent, sources, tmp_path / "strict", "--strict")
    assert strict.exit_code == 1 and "strict" in strict.output
    assert not (tmp_path / "strict").exists()


def test_blank_patient_ids_skipped_with_a_warning_when_the_recipe_allows(tmp_path: Path):
    data = csv_bytes("pid,v", "P1,1", ",2", "  ,3", "P2,4", ",")
    text = ("collection_id: demo\ntables:\n  - batches:\n"
            "      - {files: [a.csv], patient_column: pid, blank_patient_ids: skip}\n")
    (t,) = curate(tmp_path, text, {"a.csv": data})
    assert t.frame()["v"].tolist() == ["1", "4"]
    assert dict(t.report.rows_skipped) == {"blank patient id": 2, "blank row": 1}
    assert t.report.balanced
    (warning,) = t.report.warnings
    assert warning.code == "blank_patient_id" and warning.where.row == 3 and "2 row(s)" in warning.message

    recipe_path, sources = lay_out(tmp_path, text, {"a.csv": data})
    strict = invoke_curate(recipe_path.parent, sources, tmp_path / "strict", "--strict")
    assert strict.exit_code == 1 and "blank_patient_id" in strict.output


def test_every_skip_reason_balances(tmp_path: Path):
    data = csv_bytes("title,,", "pid,site,v", "units,,", "P1,a,1", "SKIP,a,2", ",,", "P2,b,3", ",a,4", "P3,a,5",
                     "notes,,")
    text = ("collection_id: demo\ntables:\n  - batches:\n"
            "      - {files: [a.csv], header_rows: [2], skip_rows_after_header: 1, skip_rows: [5], "
            "last_data_row: 9, row_filter: {column: site, equals: a}, patient_column: pid, "
            "blank_patient_ids: skip, skip_columns: [site]}\n")
    (t,) = curate(tmp_path, text, {"a.csv": data})
    assert t.frame()["pid"].tolist() == ["P1", "P3"]
    assert t.report.rows_read == 8
    assert dict(t.report.rows_skipped) == {"skip_rows_after_header": 1, "after last_data_row": 1, "skip_rows": 1,
                                           "blank row": 1, "row_filter": 1, "blank patient id": 1}
    assert t.report.rows_written == 2 and t.report.balanced
    assert t.report.source_columns == 3 and dict(t.report.columns_dropped) == {"skip_columns": 1}


def test_provenance_in_column_metadata(tmp_path: Path):
    book = xlsx({"train": [["", "Lab", None], ["Case", "Hb", "WBC"], ["A1", 13, 5]],
                 "test": [["", "Lab"], ["Case", "Hb"], ["B1", 12]]}, merges={"train": ["B1:C1"]})
    text = ("collection_id: demo\ntables:\n  - batch_defaults: {files: [b.xlsx], header_rows: [1, 2], "
            "patient_column: Case}\n    batches:\n      - {sheet: train}\n      - {sheet: test}\n")
    (t,) = curate(tmp_path, text, {"b.xlsx": book})
    rows = {r["column"]: r for r in column_metadata_rows(t.table)}
    assert [r["case_col"] for r in rows.values()].count("true") == 1 and rows["case"]["case_col"] == "true"
    hb, wbc = rows["lab_hb"], rows["lab_wbc"]
    assert json.loads(hb["original_column_headers"]) == ["Lab", "Hb"]
    assert json.loads(hb["files"]) == ["b.xlsx", "b.xlsx"]
    assert json.loads(hb["sheet_names"]) == ["train", "test"]
    assert json.loads(hb["batch"]) == [0, 1]
    assert json.loads(hb["column_numbers"]) == [1, 1]
    assert json.loads(wbc["batch"]) == [0] and json.loads(wbc["column_numbers"]) == [2]
    assert json.loads(wbc["sheet_names"]) == ["train"]


def test_rerun_is_byte_identical(tmp_path: Path):
    files = {"a.xlsx": xlsx({"s": [["pid", "x", "d"], ["P1", 1.5, 2.0], ["P2", None, 3.0]]})}
    text = "collection_id: demo\ntables:\n  - batches:\n      - {files: [a.xlsx], patient_column: pid}\n"
    recipe_path, sources = lay_out(tmp_path, text, files)
    assert invoke_curate(recipe_path.parent, sources, tmp_path / "one").exit_code == 0
    assert invoke_curate(recipe_path.parent, sources, tmp_path / "two").exit_code == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
