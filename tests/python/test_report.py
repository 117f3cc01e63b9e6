"""The account a run gives of itself: every source row written or skipped, every source column
kept or dropped (``TableReport.balanced``), with the numbers checked against counts made here.

Below the rule, recipes curated table by table and through the command:
Nothing lost: row and column accounts, warnings for recipes that would drop data, --strict,
and provenance of every column in column_metadata.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml

from curation.metadata import column_metadata_rows
from curation.recipe import load_recipes
from curation.report import TableReport
from helpers import REPO
from helpers.curate import curate, curate_in_process, invoke_curate, lay_out, snapshot
from helpers.files import csv_bytes, csv_text, write_recipe, write_xlsx, xlsx


def seed_shape(out: Path, table: str) -> tuple[int, int]:
    """(data rows, columns) of a written clinical seed."""
    rows = list(csv.reader(io.StringIO((out / "clinical" / f"{table}.csv").read_text(encoding="utf-8"))))
    return len(rows) - 1, len(rows[0])


def check_balanced(report: TableReport) -> None:
    assert report.balanced, report
    assert report.rows_read == report.rows_written + sum(report.rows_skipped.values())
    assert report.source_columns == report.source_columns_kept + sum(report.columns_dropped.values())


def test_csv_batches_with_blank_rows_and_an_empty_column(tmp_path: Path):
    src = tmp_path / "sources" / "demo"
    src.mkdir(parents=True)
    (src / "a.csv").write_bytes(csv_text(
        "pid,age,,zone",
        "P1,61,,PZ",
        ",,,",  # blank row
        "P2,70,,TZ",
        "",  # empty line
        "P3, 55 ,,AS",
        " , ,,\t",  # whitespace only
    ))
    (src / "b.csv").write_bytes(csv_text("pid,zone,extra", "P4,CZ,1", "P5,PZ,2"))
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        tables:
          - batches:
              - {files: [a.csv], patient_column: pid}
              - {files: [b.csv], patient_column: pid}
    """)
    report = curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out").tables[0]
    check_balanced(report)
    assert report.batches == 2
    assert report.rows_read == 8
    assert report.rows_written == 5
    assert dict(report.rows_skipped) == {"blank row": 3}
    assert report.source_columns == 7
    assert report.source_columns_kept == 6
    assert dict(report.columns_dropped) == {"no header and no values": 1}
    assert report.columns_written == 6  # 2 added + pid, age, zone, extra
    assert seed_shape(tmp_path / "out", "demo_clinical") == (5, 6)


def test_workbook_with_blank_rows_and_unnamed_columns(tmp_path: Path):
    write_xlsx(tmp_path / "sources" / "demo" / "labs.xlsx", {"labs": [
        ["pid", "hb", None, None, "note"],
        ["L1", 1.5, "x", None, "n1"],
        [None, None, None, None, None],
        ["L2", 2.5, None, None, None],
        [" ", None, None, None, "  "],
    ]})
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        tables:
          - batches: [{files: [labs.xlsx], sheet: labs, patient_column: pid}]
    """)
    report = curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out").tables[0]
    check_balanced(report)
    assert (report.rows_read, report.rows_written) == (4, 2)
    assert dict(report.rows_skipped) == {"blank row": 2}
    assert (report.source_columns, report.source_columns_kept) == (5, 4)
    assert dict(report.columns_dropped) == {"no header and no values": 1}
    assert [w.code for w in report.warnings] == ["empty_header"]
    assert seed_shape(tmp_path / "out", "demo_clinical") == (2, 6)


def test_batch_without_data_rows(tmp_path: Path):
    src = tmp_path / "sources" / "demo"
    src.mkdir(parents=True)
    (src / "a.csv").write_bytes(csv_text("pid,v", "P1,1"))
    (src / "b.csv").write_bytes(csv_text("pid,v", ",", ""))
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        tables:
          - batches: [{files: [a.csv], patient_column: pid}, {files: [b.csv], patient_column: pid}]
    """)
    report = curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out").tables[0]
    check_balanced(report)
    assert (report.rows_read, report.rows_written, dict(report.rows_skipped)) == (3, 1, {"blank row": 2})
    assert "empty_batch" in [w.code for w in report.warnings]


# The bundled real sources ------------------------------------------------------------------

def _member_rows(zip_path: Path, chain: list[str]) -> list[list[str]]:
    data = zip_path.read_bytes()
    for name in chain:
        data = zipfile.ZipFile(io.BytesIO(data)).read(name)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _expected_prostatex() -> dict[str, dict]:
    """Rows and columns counted here straight from the ZIP members the recipe names."""
    recipe = yaml.safe_load((REPO / "recipes" / "prostatex.yaml").read_text())
    expected = {}
    for table in recipe["tables"]:
        read = blank = columns = 0
        for batch in table["batches"]:
            rows = _member_rows(REPO / "data" / "sources" / "prostatex" / batch["files"][0], batch["files"][1:])
            data = rows[1:]
            read += len(data)
            blank += sum(1 for r in data if all(not c.strip() for c in r))
            columns += len(rows[0])
        expected[f"prostatex_{table['name']}"] = {"read": read, "blank": blank, "columns": columns}
    return expected


def test_real_sources_balance(real_run):
    report, out = real_run
    by_name = {t.table_name: t for t in report.tables}
    declared = sorted(l.recipe.table_name(t) for l in load_recipes(sorted((REPO / "recipes").glob("*.yaml")),
                                                                REPO / "data" / "sources") for t in l.recipe.tables)
    assert sorted(by_name) == declared  # every table of every recipe, whichever recipes there are
    for table in report.tables:
        check_balanced(table)
        assert seed_shape(out, table.table_name) == (table.rows_written, table.columns_written)


@pytest.mark.parametrize("table", ["prostatex_findings", "prostatex_images", "prostatex_ktrans",
                                   "prostatex_findings2", "prostatex_images2"])
def test_real_prostatex_counts_match_the_sources(real_run, table):
    report, _ = real_run
    got = next(t for t in report.tables if t.table_name == table)
    want = _expected_prostatex()[table]
    assert got.rows_read == want["read"]
    assert sum(got.rows_skipped.values()) == got.rows_skipped["blank row"] == want["blank"]
    assert got.rows_written == want["read"] - want["blank"]
    assert got.source_columns == want["columns"]


def test_real_blank_rows_are_reported(real_run):
    """ProstateX-2's CSVs hold blank rows: they are skipped, and said so."""
    report, _ = real_run
    by_name = {t.table_name: t for t in report.tables}
    assert by_name["prostatex_findings2"].rows_skipped["blank row"] > 0
    assert by_name["prostatex_images2"].rows_skipped["blank row"] > 0
    assert by_name["bonemarrowwsi_pediatricleukemia_clinical"].rows_written == 257


# ------------------------------------------------------------------------------------------------
# Below the rule, recipes curated table by table and through the command


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
