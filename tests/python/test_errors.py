"""Bad input gives a clear error and changes nothing (issue 2, item 9).

Each test starts from a small good collection (a CSV inside a ZIP, and a workbook), curates
it once through the ``curate`` command, then breaks one thing and checks that:
  * the pipeline raises a CurationError with the expected reason code, and its message
    names the recipe, the file, the sheet and the column or row involved;
  * the ``curate`` command exits non-zero and prints the reason;
  * the seeds written by the earlier good run are byte-for-byte untouched, and no
    temporary folder is left next to them.

Below the rule, single bad inputs curated table by table (no run before them):
Bad inputs: each stops the run with a reason code and a message that names the place,
and leaves the previous output untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from curation.errors import CurationError, Reason
from helpers.curate import curate, curate_in_process, flat, invoke_curate, lay_out, snapshot
from helpers.files import csv_bytes, csv_text, encrypted_xlsx, write_recipe, write_xlsx, write_zip, xlsx, zipped


RECIPE_NAME = "demo.yaml"

RECIPE = """
    collection_id: demo
    tables:
      - name: findings
        batches:
          - files: [records.zip, {zip_member}]
            {patient_key}: {findings_pid}
      - name: labs
        {table_extra}batches:
          - files: [labs.xlsx]
            sheet: {labs_sheet}
            patient_column: {labs_pid}
"""
GOOD = dict(zip_member="export/findings.csv", patient_key="patient_column", findings_pid="pid",
            labs_sheet="lab_values", labs_pid="patient_id", table_extra="")

FINDINGS = ("pid,age,zone", "P-1,61,PZ", "P-2,70,TZ", "P-3,55,AS")
LABS = [["patient_id", "hemoglobin", "platelets"], ["L1", 12.5, 150], ["L2", 13.1, 210], ["L3", 11.0, 98]]


@dataclass
class Project:
    root: Path
    recipes: Path
    sources: Path
    out: Path
    before: dict[str, bytes]

    @property
    def source_dir(self) -> Path:
        return self.sources / "demo"

    def recipe(self, **changes: str) -> None:
        write_recipe(self.recipes, RECIPE_NAME, RECIPE.format(**{**GOOD, **changes}))

    def findings(self, *lines: str) -> None:
        write_zip(self.source_dir / "records.zip", {
            "export/": b"",
            "export/findings.csv": csv_text(*lines),
            "export/readme.txt": b"ProstateX-like test data\n",
        })

    def labs(self, rows: list[list]) -> None:
        write_xlsx(self.source_dir / "labs.xlsx", {"lab_values": rows, "dictionary": [["name", "label"]]})

    def expect_failure(self, reason: Reason) -> CurationError:
        """Check the pipeline error, the command's exit status and output, and the old seeds."""
        elsewhere = self.root / "never-written"
        with pytest.raises(CurationError) as caught:
            curate_in_process(self.recipes, self.sources, elsewhere)
        assert caught.value.reason is reason, str(caught.value)
        assert not elsewhere.exists()

        result = invoke_curate(self.recipes, self.sources, self.out)
        assert result.exit_code != 0, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        printed = flat(result.output)
        assert f"[{reason.value}]" in printed, result.output
        assert f"recipe'{RECIPE_NAME}'" in printed, result.output

        assert snapshot(self.out) == self.before, "an earlier run's seeds were changed"
        lock = f".{self.out.name}.lock"  # the run lock's file stays (curation/run_lock.py)
        leftovers = sorted(p.name for p in self.out.parent.iterdir() if p.name not in (self.out.name, lock))
        assert leftovers == [], f"temporary folders left behind: {leftovers}"
        return caught.value


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    p = Project(root, root / "recipes", root / "sources", root / "seeds" / "curated", {})
    p.recipe()
    p.findings(*FINDINGS)
    p.labs(LABS)
    result = invoke_curate(p.recipes, p.sources, p.out)
    assert result.exit_code == 0, result.output
    p.before = snapshot(p.out)
    assert {"clinical/demo_findings.csv", "clinical/demo_labs.csv"} <= set(p.before)
    assert p.before["clinical/demo_findings.csv"].startswith(b"dicom_patient_id,source_batch,pid,age,zone\n")
    return p


def test_missing_downloaded_file(project: Project):
    (project.source_dir / "labs.xlsx").unlink()
    error = project.expect_failure(Reason.FILE_MISSING)
    assert error.where.recipe == RECIPE_NAME
    assert error.where.file == "labs.xlsx"
    assert error.where.table == "demo_labs"
    message = str(error)
    assert "labs.xlsx" in message and RECIPE_NAME in message and "demo_labs" in message


def test_missing_zip_member(project: Project):
    project.recipe(zip_member="export/findngs.csv")
    error = project.expect_failure(Reason.ZIP_MEMBER_MISSING)
    message = str(error)
    assert error.where.recipe == RECIPE_NAME
    assert error.where.file == "export/findngs.csv"
    assert "'export/findngs.csv'" in message and RECIPE_NAME in message
    assert "export/findings.csv" in message, "the message should list what the ZIP holds"


def test_missing_zip_member_of_a_nested_zip(project: Project):
    inner = (project.source_dir / "records.zip").read_bytes()
    write_zip(project.source_dir / "outer.zip", {"records.zip": inner})
    project.recipe(zip_member="export/findings.csv")
    text = (project.recipes / RECIPE_NAME).read_text()
    (project.recipes / RECIPE_NAME).write_text(
        text.replace("[records.zip, export/findings.csv]", "[outer.zip, record.zip, export/findings.csv]"))
    error = project.expect_failure(Reason.ZIP_MEMBER_MISSING)
    assert error.where.file == "record.zip"
    assert "'record.zip'" in str(error) and "records.zip" in str(error)


def test_missing_sheet(project: Project):
    project.recipe(labs_sheet="labvalues")
    error = project.expect_failure(Reason.SHEET_MISSING)
    message = str(error)
    assert error.where.recipe == RECIPE_NAME
    assert error.where.file == "labs.xlsx"
    assert error.where.sheet == "labvalues"
    assert "'labvalues'" in message and "labs.xlsx" in message and RECIPE_NAME in message
    assert "lab_values" in message, "the message should list the sheets there are"


def test_missing_sheet_index(project: Project):
    project.recipe(labs_sheet="5")
    error = project.expect_failure(Reason.SHEET_MISSING)
    assert error.where.sheet == 5
    assert "sheet 5" in str(error) and "labs.xlsx" in str(error)


@pytest.mark.parametrize(
    ("changes", "file", "sheet", "column"),
    [
        ({"findings_pid": "PatientID"}, "export/findings.csv", None, "PatientID"),
        ({"labs_pid": "patient"}, "labs.xlsx", "lab_values", "patient"),
        ({"labs_pid": "9"}, "labs.xlsx", "lab_values", 9),
    ],
    ids=["csv-by-name", "xlsx-by-name", "xlsx-by-position"],
)
def test_missing_patient_column(project: Project, changes, file, sheet, column):
    project.recipe(**changes)
    error = project.expect_failure(Reason.PATIENT_COLUMN_MISSING)
    message = str(error)
    assert error.where.recipe == RECIPE_NAME and RECIPE_NAME in message
    assert error.where.file == file and file in message
    assert error.where.sheet == sheet
    if sheet:
        assert f"sheet '{sheet}'" in message
    assert error.where.column == column
    assert f"column {column!r}" in message


@pytest.mark.parametrize(
    ("changes", "bad_key", "location"),
    [
        ({"patient_key": "patient_colum"}, "patient_colum", "tables.0.batches.0.patient_colum"),
        ({"table_extra": "descripton: labs\n        "}, "descripton", "tables.1.descripton"),
    ],
    ids=["misspelled-batch-key", "unknown-table-key"],
)
def test_unknown_recipe_key(project: Project, changes, bad_key, location):
    project.recipe(**changes)
    error = project.expect_failure(Reason.RECIPE_INVALID)
    message = str(error)
    assert error.where.recipe == RECIPE_NAME and RECIPE_NAME in message
    assert location in message, message
    if bad_key == "patient_colum":  # and the key it should have been is reported missing
        assert "tables.0.batches.0.patient_column" in message, message


def test_unknown_top_level_recipe_key(project: Project):
    text = (project.recipes / RECIPE_NAME).read_text()
    (project.recipes / RECIPE_NAME).write_text("colection_name: demo\n" + text)
    error = project.expect_failure(Reason.RECIPE_INVALID)
    assert "colection_name" in str(error) and RECIPE_NAME in str(error)


def test_empty_patient_id_in_csv(project: Project):
    # line 4 of the CSV (the third data row) has a blank patient id
    project.findings("pid,age,zone", "P-1,61,PZ", "P-2,70,TZ", ",55,AS", " ,40,PZ")
    error = project.expect_failure(Reason.EMPTY_PATIENT_ID)
    message = str(error)
    assert error.where.recipe == RECIPE_NAME
    assert error.where.file == "export/findings.csv"
    assert error.where.row == 4
    assert error.where.column == "pid"
    assert "row 4" in message and "column 'pid'" in message and "export/findings.csv" in message
    assert "2 row(s)" in message  # the whitespace-only id on line 5 is empty too


def test_empty_patient_id_in_workbook(project: Project):
    rows = [list(r) for r in LABS]
    rows[2][0] = None  # spreadsheet row 3
    project.labs(rows)
    error = project.expect_failure(Reason.EMPTY_PATIENT_ID)
    message = str(error)
    assert error.where.file == "labs.xlsx"
    assert error.where.sheet == "lab_values"
    assert error.where.row == 3
    assert error.where.column == "patient_id"
    assert "row 3" in message and "sheet 'lab_values'" in message and RECIPE_NAME in message


def test_empty_patient_id_row_counts_blank_rows_and_multirow_headers(tmp_path: Path):
    """The reported row is the spreadsheet row, after a two-row header and a skipped blank row."""
    sources, recipes = tmp_path / "sources", tmp_path / "recipes"
    (sources / "demo").mkdir(parents=True)
    (sources / "demo" / "t.csv").write_bytes(csv_text("Patient,Lab", "ID,Hb", "A,1", ",", "B,2", ",3"))
    write_recipe(recipes, RECIPE_NAME, """
        collection_id: demo
        tables:
          - batches:
              - files: [t.csv]
                header_rows: [1, 2]
                patient_column: Patient_ID
    """)
    with pytest.raises(CurationError) as caught:
        curate_in_process(recipes, sources, tmp_path / "out")
    assert caught.value.reason is Reason.EMPTY_PATIENT_ID
    assert caught.value.where.row == 6


# ------------------------------------------------------------------------------------------------
# Below the rule, single bad inputs curated table by table (no run before them)


GOOD_FILES = {"good.csv": csv_bytes("pid,v", "P1,1")}


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
    failure(tmp_path, "{files: [e.csv], patient_column: pid, encoding: klingon}", GOOD_FILES | {"e.csv": GOOD_FILES["good.csv"]},
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
                    GOOD_FILES, Reason.COLUMN_MISSING)
    assert "'site'" in str(error)


def test_invalid_layout_options_are_recipe_errors(tmp_path: Path):
    for batch in ("{files: [good.csv], patient_column: pid, stop_at: '(['}",
                  "{files: [good.csv], patient_column: pid, skip_rows: [0]}",
                  "{files: [good.csv], patient_column: pid, delimiter: ';;'}",
                  "{files: [good.csv], patient_column: pid, sheets: []}"):
        with pytest.raises(CurationError) as caught:
            curate(tmp_path, recipe(batch), GOOD_FILES)
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
    recipe_path, sources = lay_out(tmp_path, recipe("{files: [good.csv], patient_column: pid}"), GOOD_FILES)
    out = tmp_path / "out"
    first = invoke_curate(recipe_path.parent, sources, out)
    assert first.exit_code == 0, first.output
    before = snapshot(out)
    lay_out(tmp_path, recipe(batch), files)
    second = invoke_curate(recipe_path.parent, sources, out)
    assert second.exit_code == 1
    assert "error" in second.output
    assert snapshot(out) == before
