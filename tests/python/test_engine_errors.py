"""Bad inputs: each stops the run with a reason code and a message that names the place,
and leaves the previous output untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.errors import CurationError, Reason
from helpers.curate import curate, invoke_curate, lay_out, snapshot
from helpers.files import csv_bytes, encrypted_xlsx, xlsx, zipped

GOOD = {"good.csv": csv_bytes("pid,v", "P1,1")}


def recipe(batch: str, extra: str = "") -> str:
    return f"collection_id: demo\ntables:\n  - batches:\n      - {batch}\n{extra}"


def failure(tmp_path: Path, batch: str, files: dict[str, bytes], reason: Reason) -> CurationError:
    with pytest.raises(CurationError) as caught:
        curate(tmp_path, recipe(batch), files)
    assert caught.value.reason is reason, caught.value
    assert "demo.yaml" in str(caught.value)
    return caught.value


def test_corrupt_workbook(tmp_path: Path):
    book = xlsx({"s": [["pid"], ["P1"]]})
    error = failure(tmp_path, "{files: [bad.xlsx], patient_column: pid}", {"bad.xlsx": book[: len(book) // 2]},
                    Reason.UNREADABLE)
    assert "cannot open the workbook" in str(error) and "bad.xlsx" in str(error)


def test_password_protected_workbook(tmp_path: Path):
    error = failure(tmp_path, "{files: [locked.xlsx], patient_column: pid}", {"locked.xlsx": encrypted_xlsx()},
                    Reason.UNREADABLE)
    assert "password-protected" in str(error) and "locked.xlsx" in str(error)


def test_csv_with_ragged_rows(tmp_path: Path):
    data = csv_bytes("pid,a,b", "P1,1,2", "P2,3", "P3,4,5")
    error = failure(tmp_path, "{files: [r.csv], patient_column: pid}", {"r.csv": data}, Reason.RAGGED_ROWS)
    assert error.where.row == 3 and error.where.file == "r.csv"
    assert "2 fields" in str(error) and "3" in str(error)


def test_ragged_rows_can_be_padded(tmp_path: Path):
    data = csv_bytes("pid,a,b", "P1,1,2", "P2,3")
    (t,) = curate(tmp_path, recipe("{files: [r.csv], patient_column: pid, ragged_rows: pad}"), {"r.csv": data})
    assert t.frame()["b"].tolist() == ["2", ""]


def test_header_row_past_the_end(tmp_path: Path):
    error = failure(tmp_path, "{files: [s.xlsx], sheet: data, header_rows: [5], patient_column: pid}",
                    {"s.xlsx": xlsx({"data": [["pid"], ["P1"]]})}, Reason.HEADER_OUT_OF_RANGE)
    assert error.where.row == 5 and error.where.sheet == "data"
    assert "past the last row (2)" in str(error)


def test_encoding_that_cannot_decode(tmp_path: Path):
    data = "pid,name\nP1,Müller\n".encode("cp1252")
    error = failure(tmp_path, "{files: [e.csv], patient_column: pid, encoding: utf-8}", {"e.csv": data},
                    Reason.UNREADABLE)
    assert error.where.row == 2 and "utf-8" in str(error) and "0xfc" in str(error)


def test_unknown_encoding_name(tmp_path: Path):
    failure(tmp_path, "{files: [e.csv], patient_column: pid, encoding: klingon}", GOOD | {"e.csv": GOOD["good.csv"]},
            Reason.RECIPE_INVALID)


def test_zip_that_is_not_a_zip(tmp_path: Path):
    error = failure(tmp_path, "{files: [fake.zip, inner.csv], patient_column: pid}",
                    {"fake.zip": b"PK this is not really a zip"}, Reason.NOT_A_ZIP)
    assert "fake.zip" in str(error)


def test_nested_member_that_is_not_a_zip(tmp_path: Path):
    outer = zipped({"inner.zip": b"plain text"})
    error = failure(tmp_path, "{files: [outer.zip, inner.zip, data.csv], patient_column: pid}",
                    {"outer.zip": outer}, Reason.NOT_A_ZIP)
    assert "inner.zip" in str(error)


def test_batches_disagree_on_the_patient_column_type(tmp_path: Path):
    files = {"a.csv": csv_bytes("pid,v", "1,a", "2,b"), "b.csv": csv_bytes("pid,v", "P-3,c")}
    text = ("collection_id: demo\ntables:\n  - batches:\n      - {files: [a.csv], patient_column: pid}\n"
            "      - {files: [b.csv], patient_column: pid}\n")
    with pytest.raises(CurationError) as caught:
        curate(tmp_path, text, files)
    assert caught.value.reason is Reason.PATIENT_TYPE_MISMATCH
    assert "batch 0: integer" in str(caught.value) and "batch 1: string" in str(caught.value)
    assert caught.value.where.table == "demo_clinical"


def test_row_filter_column_missing(tmp_path: Path):
    error = failure(tmp_path, "{files: [good.csv], patient_column: pid, row_filter: {column: site, equals: x}}",
                    GOOD, Reason.COLUMN_MISSING)
    assert "'site'" in str(error)


def test_invalid_layout_options_are_recipe_errors(tmp_path: Path):
    for batch in ("{files: [good.csv], patient_column: pid, stop_at: '(['}",
                  "{files: [good.csv], patient_column: pid, skip_rows: [0]}",
                  "{files: [good.csv], patient_column: pid, delimiter: ';;'}",
                  "{files: [good.csv], patient_column: pid, sheets: []}"):
        with pytest.raises(CurationError) as caught:
            curate(tmp_path, recipe(batch), GOOD)
        assert caught.value.reason is Reason.RECIPE_INVALID, batch


@pytest.mark.parametrize(
    ("batch", "files"),
    [
        ("{files: [r.csv], patient_column: pid}", {"r.csv": csv_bytes("pid,a", "P1,1,2")}),
        ("{files: [bad.xlsx], patient_column: pid}", {"bad.xlsx": b"not a workbook"}),
        ("{files: [locked.xlsx], patient_column: pid}", {"locked.xlsx": encrypted_xlsx()}),
        ("{files: [fake.zip, x.csv], patient_column: pid}", {"fake.zip": b"nope"}),
    ],
)
def test_a_bad_input_leaves_the_previous_output_untouched(tmp_path: Path, batch: str, files: dict[str, bytes]):
    recipe_path, sources = lay_out(tmp_path, recipe("{files: [good.csv], patient_column: pid}"), GOOD)
    out = tmp_path / "out"
    first = invoke_curate(recipe_path.parent, sources, out)
    assert first.exit_code == 0, first.output
    before = snapshot(out)
    lay_out(tmp_path, recipe(batch), files)
    second = invoke_curate(recipe_path.parent, sources, out)
    assert second.exit_code == 1
    assert "error" in second.output
    assert snapshot(out) == before
