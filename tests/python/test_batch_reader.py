"""Unit tests of the batch reader (curation/batch_reader.py): file -> grid -> layout -> BatchData.

The layout's own steps are tested in test_layout.py; these check what the reader adds and hands
on: the kept columns with their provenance, the patient ids, the row numbers and the account,
the column IDC casts, the profiles for IDC's typing, and the warnings, in their order.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from curation.batch_reader import read_batch
from curation.column_types import Kind
from curation.errors import CurationError, Reason
from curation.recipe import load_recipes
from helpers.curate import lay_out
from helpers.files import csv_bytes, xlsx


def batches(tmp_path: Path, batch: str, files: dict[str, bytes], *, mode: str = "idc", table: str = "",
            patient_id: str = "[]"):
    recipe = (f"collection_id: demo\ntcia_name: Demo\ntype_mode: {mode}\ntables:\n"
              f"  - {table}patient_id: {patient_id}\n    batches:\n      - {batch}\n")
    recipe_path, sources = lay_out(tmp_path, recipe, files)
    (loaded,) = load_recipes([recipe_path], sources)
    (spec,) = loaded.recipe.tables
    return read_batch(loaded, spec, 0)


def test_a_batch_hands_on_kept_columns_ids_rows_and_its_account(tmp_path: Path):
    data = csv_bytes("Case,Notes,Age (y),", "units,,,", "7,a,40,", ",,,", "8,b,51,", "9,c,,")
    b = batches(tmp_path, "{files: [a.csv], patient_column: Case, skip_rows_after_header: 1, "
                          "skip_columns: [Notes], skip_rows: [6]}", {"a.csv": data},
                patient_id="[{zero_pad: 3}, {prefix: 'D-'}]")
    assert [(c.name, c.header_cells, c.number) for c in b.columns] == [("case", ["Case"], 0),
                                                                       ("age_y", ["Age (y)"], 2)]
    assert [c.values.tolist() for c in b.columns] == [["7", "8"], ["40", "51"]]
    assert b.patient_column == "case"
    assert b.patient_ids.tolist() == ["D-007", "D-008"]
    assert b.row_numbers.tolist() == [3, 5]
    assert (b.rows_read, len(b.patient_ids)) == (5, 2)
    assert b.rows_skipped == Counter({"skip_rows_after_header": 1, "blank row": 1, "skip_rows": 1})
    assert b.rows_read == len(b.patient_ids) + sum(b.rows_skipped.values())
    assert (b.source_columns, b.columns_dropped) == (4, Counter({"skip_columns": 1, "no header and no values": 1}))
    assert (b.number, b.chain, b.data_file, b.sheet_name) == (0, ("a.csv",), "a.csv", None)
    assert b.cast_column == "case"


def test_a_patient_id_the_rule_cannot_take_names_its_row(tmp_path: Path):
    with pytest.raises(CurationError) as caught:
        batches(tmp_path, "{files: [a.csv], patient_column: pid}", {"a.csv": csv_bytes("pid", "P-1", "", "Q")},
                patient_id="[{regex: '^P-(\\d+)$'}]")
    assert caught.value.reason is Reason.PATIENT_ID_RULE
    assert (caught.value.where.row, caught.value.where.column) == (4, "pid")


def test_the_cast_column_is_the_declared_one_or_the_first_kept(tmp_path: Path):
    files = {"a.csv": csv_bytes(",pid,code", ",P1,007")}
    assert batches(tmp_path, "{files: [a.csv], patient_column: pid}", files).cast_column == "pid"
    assert batches(tmp_path, "{files: [a.csv], patient_column: pid, idc_cast_column: 3}", files).cast_column == "code"
    with pytest.raises(CurationError) as caught:
        batches(tmp_path, "{files: [a.csv], patient_column: pid, idc_cast_column: 1}", files)
    assert caught.value.reason is Reason.RECIPE_INVALID and "not kept" in str(caught.value)
    with pytest.raises(CurationError) as caught:
        batches(tmp_path, "{files: [a.csv], patient_column: pid, idc_cast_column: nope}", files)
    assert caught.value.reason is Reason.COLUMN_MISSING and "idc_cast_column" in str(caught.value)


def test_idc_conventional_typing_profiles_the_rows_pandas_saw(tmp_path: Path):
    # the units row is below the header, so it is not data, yet pandas typed the column with it
    files = {"a.csv": csv_bytes("pid,n", "-,mm", "P1,1", "P2,2")}
    batch = "{files: [a.csv], patient_column: pid, skip_rows_after_header: 1}"
    conventional = batches(tmp_path, batch, files)
    n = next(c for c in conventional.columns if c.name == "n")
    assert n.values.tolist() == ["1", "2"]
    assert n.pandas_profile is not None and n.pandas_profile.kind is Kind.STRING
    for mode, table in (("inferred", ""), ("idc", "idc_path: acrin\n    ")):
        other = batches(tmp_path, batch, files, mode=mode, table=table)
        assert all(c.pandas_profile is None for c in other.columns), (mode, table)


def test_warnings_come_in_order_layout_then_cells(tmp_path: Path):
    data = csv_bytes("pid,,v", "P1,x, ", ",,y", "P2,,2")
    b = batches(tmp_path, "{files: [a.csv], patient_column: pid, blank_patient_ids: skip}", {"a.csv": data})
    assert [(w.code, w.where.row) for w in b.warnings] == [("blank_patient_id", 3), ("empty_header", None),
                                                           ("whitespace_cells", 2)]
    assert b.warnings[2].where.column == "v"


def test_a_batch_without_data_rows_warns(tmp_path: Path):
    b = batches(tmp_path, "{files: [a.csv], patient_column: pid}", {"a.csv": csv_bytes("pid,v")})
    assert len(b.patient_ids) == 0 and [c.name for c in b.columns] == ["pid", "v"]
    assert [w.code for w in b.warnings] == ["empty_batch"]


def test_errors_in_a_workbook_name_the_sheet_read(tmp_path: Path):
    files = {"a.xlsx": xlsx({"first": [["x"]], "labs": [["pid"], ["P1"]]})}
    b = batches(tmp_path, "{files: [a.xlsx], sheet: 1, patient_column: pid}", files)
    assert b.sheet_name == "labs" and b.patient_ids.tolist() == ["P1"]
    with pytest.raises(CurationError) as caught:
        batches(tmp_path, "{files: [a.xlsx], sheet: 1, patient_column: pid, header_rows: [3]}", files)
    assert caught.value.reason is Reason.HEADER_OUT_OF_RANGE
    assert (caught.value.where.sheet, caught.value.where.file, caught.value.where.batch) == ("labs", "a.xlsx", 0)
