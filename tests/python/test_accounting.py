"""The account a run gives of itself: every source row written or skipped, every source column
kept or dropped (``TableReport.balanced``), with the numbers checked against counts made here."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
import yaml

from helpers import REPO
from helpers.curate import curate_in_process
from helpers.files import csv_text, write_recipe, write_xlsx
from curation.recipe import load_recipes
from curation.report import TableReport


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
