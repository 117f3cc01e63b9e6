"""Dictionary readers: each layout parses into the common model; malformed ones stop clearly."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from curation.dictionaries.formats import acrin, docx as docx_reader, nlst, redcap, sheet
from curation.dictionaries.parsed import Option, sql_type_of
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where
from helpers.dictionaries import (
    ACRIN_XLS, HEADER, NLST_ZIP, REDCAP_DICTIONARY, REPO, csv_bytes, write_acrin_xlsx,
)

WHERE = Where(recipe="demo.yaml")


def _spec(kind: str, files: list[str], **extra) -> DictionarySpec:
    return DictionarySpec(kind=kind, files=files, **extra)


# --- ACRIN -------------------------------------------------------------------------------

@pytest.fixture(params=["xls", "xlsx"])
def acrin_dictionary(request, tmp_path: Path):
    if request.param == "xls":
        return acrin.read(ACRIN_XLS.read_bytes(), _spec("acrin", ["d.xls"]), WHERE)
    path = write_acrin_xlsx(tmp_path / "d.xlsx")
    return acrin.read(path.read_bytes(), _spec("acrin", ["d.xlsx"]), WHERE)


def test_acrin_forms_variables_and_options_in_order(acrin_dictionary) -> None:
    d = acrin_dictionary
    assert d.forms == ["A0", "A1", "BQ"]
    assert d.form_titles == {"A0": "Eligibility", "A1": "On-Study", "BQ": "Baseline Questionnaire"}
    a0 = d.select("A0", WHERE)
    assert [v.name for v in a0] == ["A0E1", "A0E2", "A0E3", "A0E4D"]
    race = a0[2]
    assert race.label == "Race" and race.data_type == "List" and race.sql_type == "INTEGER"
    assert race.options == [Option("1", "White"), Option("2", "Black or African American"), Option("9", "Unknown")]
    assert (race.sheet, race.row) == ("A0", 8)  # the title row above the header is skipped
    assert [v.derived for v in a0] == [False, False, False, True]
    assert [(v.name, v.sql_type) for v in d.select("A1", WHERE)] == [
        ("A1E1", "INTEGER"), ("A1E2", "NUMBER"), ("A1E3", "INTEGER")]
    assert [(v.name, v.sql_type) for v in d.select("BQ", WHERE)] == [("BQ1", "INTEGER"), ("BQ2", "STRING")]


def test_acrin_unknown_form_names_the_forms(acrin_dictionary) -> None:
    with pytest.raises(CurationError) as caught:
        acrin_dictionary.select("ZZ", WHERE)
    assert caught.value.reason is Reason.DICTIONARY_INVALID
    assert "A0" in str(caught.value)


def _acrin_error(tmp_path: Path, a0_rows: list[list]) -> CurationError:
    path = write_acrin_xlsx(tmp_path / "bad.xlsx", {"A0": a0_rows})
    with pytest.raises(CurationError) as caught:
        acrin.read(path.read_bytes(), _spec("acrin", ["bad.xlsx"], form="A0"), WHERE).select("A0", WHERE)
    return caught.value


def test_acrin_missing_required_column(tmp_path: Path) -> None:
    error = _acrin_error(tmp_path, [HEADER[:4] + ["Option Description"], [1, "A0E1", "Age", "#", None]])
    assert error.reason is Reason.DICTIONARY_COLUMN_MISSING
    assert (error.where.sheet, error.where.row) == ("A0", 1)
    assert "Option Code" in str(error) and "sheet 'A0'" in str(error) and "row 1" in str(error)


def test_acrin_option_row_before_any_variable(tmp_path: Path) -> None:
    error = _acrin_error(tmp_path, [HEADER, [], [None, None, None, None, 1, "Yes"], [1, "A0E1", "Age", "#"]])
    assert error.reason is Reason.DICTIONARY_ORPHAN_OPTION
    assert (error.where.sheet, error.where.row) == ("A0", 3)


def test_acrin_duplicate_variable_in_one_form(tmp_path: Path) -> None:
    error = _acrin_error(tmp_path, [HEADER, [1, "A0E1", "Age", "#"], [], [2, "a0e1", "Age again", "#"]])
    assert error.reason is Reason.DICTIONARY_DUPLICATE_VARIABLE
    assert (error.where.sheet, error.where.row) == ("A0", 4)
    assert "first at row 2" in str(error)


def test_acrin_same_variable_in_two_forms_is_fine(tmp_path: Path) -> None:
    rows = [HEADER, [1, "CN", "Case number", "#"]]
    path = write_acrin_xlsx(tmp_path / "d.xlsx", {"A0": rows, "A1": rows})
    d = acrin.read(path.read_bytes(), _spec("acrin", ["d.xlsx"]), WHERE)
    assert [(v.form, v.name) for v in d.variables] == [("A0", "CN"), ("A1", "CN")]


# --- NLST --------------------------------------------------------------------------------

def _nlst_workbooks() -> dict[str, bytes]:
    with zipfile.ZipFile(NLST_ZIP) as archive:
        return {Path(n).name: archive.read(n) for n in archive.namelist()
                if n.endswith(".xlsx") and not n.startswith("__MACOSX")}


# workbook -> (variable rows, variables after ranges like scr_days0-2 are expanded,
#              code lines, options after expansion)
NLST_COUNTS = {
    "dictionary_idc_canc_idc.xlsx": (34, 34, 181, 181),
    "dictionary_idc_ctab_idc.xlsx": (10, 10, 49, 49),
    "dictionary_idc_ctabc_idc.xlsx": (10, 10, 38, 38),
    "dictionary_idc_prsn_idc.xlsx": (33, 39, 144, 210),
    "dictionary_idc_screen_idc.xlsx": (17, 20, 48, 87),
}


def _independent_counts(data: bytes) -> tuple[int, int]:
    """Variable rows and code lines, counted straight from the workbook with openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    variables = codes = 0
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        if not rows or rows[0][0] != "Variable":
            continue
        for row in rows[1:]:
            variables += bool(row[0])
            codes += sum(bool(re.match(r'^\s*\S+\s*=\s*".*"\s*$', line))
                         for line in str(row[3] or "").splitlines())
    return variables, codes


@pytest.mark.parametrize("name", sorted(NLST_COUNTS))
def test_nlst_workbooks_parse_into_the_counts_of_the_workbook(name: str) -> None:
    data = _nlst_workbooks()[name]
    d = nlst.read(data, _spec("nlst", ["NLST_dicts_xls.zip", name]), WHERE)
    rows, expanded, code_lines, options = NLST_COUNTS[name]
    assert _independent_counts(data) == (rows, code_lines)
    assert len({(v.sheet, v.row) for v in d.variables}) == rows
    assert len(d.variables) == expanded
    assert len({(v.sheet, v.row, o) for v in d.variables for o in v.options}) == code_lines
    assert sum(len(v.options) for v in d.variables) == options
    assert all(v.label for v in d.variables)


def test_nlst_codes_types_and_ranges() -> None:
    d = nlst.read(_nlst_workbooks()["dictionary_idc_prsn_idc.xlsx"],
                  _spec("nlst", ["NLST_dicts_xls.zip", "dictionary_idc_prsn_idc.xlsx"]), WHERE)
    by_name = {v.name: v for v in d.variables}
    assert by_name["gender"].options == [Option("1", "Male"), Option("2", "Female")]
    assert by_name["gender"].sql_type == "INTEGER"
    assert (by_name["age"].data_type, by_name["age"].sql_type) == ("Numeric", "NUMBER")
    assert (by_name["dataset_version"].data_type, by_name["dataset_version"].sql_type) == ("Char, 23", "STRING")
    # SAS special missing codes are kept, as text; a range names one variable per number
    assert [o.code for o in by_name["scr_days1"].options] == [".E", ".N", ".W"]
    assert {"scr_days0", "scr_days1", "scr_days2"} <= set(by_name) and "scr_days0-2" not in by_name
    assert by_name["cigsmok"].sheet == "smoking" and by_name["cigsmok"].row == 2
    canc = nlst.read(_nlst_workbooks()["dictionary_idc_canc_idc.xlsx"],
                     _spec("nlst", ["x.zip", "canc.xlsx"]), WHERE)
    clinical_m = next(v for v in canc.variables if v.name == "clinical_m")
    assert [(o.code, o.description) for o in clinical_m.options] == [
        (".M", "Missing"), ("0", "M0"), ("100", "M1"), ("999", "MX")]


def test_nlst_missing_column_and_orphan_code(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "demographics"
    book.active.append(["Variable", "Label", "Description"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(CurationError) as caught:
        nlst.read(buffer.getvalue(), _spec("nlst", ["d.xlsx"], sheets=["demographics"]), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_COLUMN_MISSING
    assert caught.value.where.sheet == "demographics" and "Format Text" in str(caught.value)
    book.active.delete_rows(1)
    book.active.append(["Variable", "Label", "Description", "Format Text"])
    book.active.append([None, None, None, '1="Yes"'])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(CurationError) as caught:
        nlst.read(buffer.getvalue(), _spec("nlst", ["d.xlsx"]), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_ORPHAN_OPTION
    assert (caught.value.where.sheet, caught.value.where.row) == ("demographics", 2)


# --- sheet -------------------------------------------------------------------------------

def test_bonemarrowwsi_dictionary_sheet_gives_loinc_labels() -> None:
    data = (REPO / "data/sources/bonemarrowwsi_pediatricleukemia/images_v1_lab_values.xlsx").read_bytes()
    spec = _spec("sheet", ["images_v1_lab_values.xlsx"], sheet="idc_dictionary",
                 name_column="column_formula", label_column="column_label_formula")
    d = sheet.read(data, spec, WHERE)
    assert len(d.variables) == 18
    first = d.variables[0]
    assert first.name == "lactate_dehydrogenase"
    assert first.label.startswith("LOINC:14804-9 COMPONENT: Lactate dehydrogenase")
    assert all(v.label.startswith("LOINC:") for v in d.variables)


def test_sheet_with_codes_and_a_missing_column(tmp_path: Path) -> None:
    rows = [["name", "label", "code", "meaning"], ["sex", "Sex", "1", "Male"], ["", "", "2", "Female"],
            ["grade", "Grade", "", ""]]
    spec = _spec("sheet", ["d.csv"], name_column="name", label_column="label", code_column="code",
                 description_column="meaning")
    d = sheet.read(csv_bytes(rows), spec, WHERE)
    assert [(v.name, [o.code for o in v.options]) for v in d.variables] == [("sex", ["1", "2"]), ("grade", [])]
    with pytest.raises(CurationError) as caught:
        sheet.read(csv_bytes(rows), spec.model_copy(update={"label_column": "Label text"}), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_COLUMN_MISSING and caught.value.where.row == 1


# --- docx --------------------------------------------------------------------------------

def _prostatex_docx(zip_name: str, member: str) -> bytes:
    with zipfile.ZipFile(REPO / "data/sources/prostatex" / zip_name) as archive:
        return archive.read(member)


def test_prostatex_docx_lists_become_variables_and_options() -> None:
    train = _prostatex_docx("ProstateX-TrainingLesionInformationv2.zip",
                            "ProstateX-TrainingLesionInformationv2/ProstateX-DataInfo-Train.docx")
    images = docx_reader.read(train, _spec("docx", ["t.docx"], section="Images"), WHERE)
    assert [v.name for v in images.variables] == [
        "ProxID", "Name", "fid", "Pos", "WorldMatrix", "ijk", "TopLevel", "SpacingBetweenSlices",
        "VoxelSpacing", "Dim", "DCMSerDescr", "DCMSerNum"]
    top = images.variables[6]
    assert [o.code for o in top.options] == ["0", "1", "NA"]
    assert top.options[1].description == "A set of series forms a 4D image (e.g. Dynamic MR)"
    findings = docx_reader.read(train, _spec("docx", ["t.docx"], section="Findings"), WHERE)
    assert [(v.name, v.label) for v in findings.variables][:3] == [
        ("ProxID", "ProstateX patient identifier"), ("fid", "Finding ID"),
        ("pos", "Scanner coordinate position of the finding")]
    test = _prostatex_docx("ProstateX-TestLesionInformation.zip",
                           "ProstateX-TestLesionInformation/ProstateX-DataInfo-Test.docx")
    zone = next(v for v in docx_reader.read(test, _spec("docx", ["t.docx"], section="Findings"), WHERE).variables
                if v.name == "zone")
    assert [(o.code, o.description) for o in zone.options] == [
        ("AS", "Anterior fibromuscular stroma"), ("PZ", "Peripheral zone"), ("SV", "Seminal vesicle"),
        ("TZ", "Transition zone")]


def test_docx_tables_are_read_with_named_columns() -> None:
    import docx

    document = docx.Document()
    document.add_heading("Clinical", level=1)
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [["Field", "Meaning", "Unit"], ["age", "Age at diagnosis", "years"],
                                        ["psa", "Serum PSA", "ng/mL"]]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_heading("Other", level=1)
    other = document.add_table(rows=2, cols=2)
    other.rows[0].cells[0].text, other.rows[1].cells[0].text = "Field", "ignored"
    buffer = io.BytesIO()
    document.save(buffer)
    spec = _spec("docx", ["d.docx"], section="Clinical", name_column="Field", label_column="Meaning")
    d = docx_reader.read(buffer.getvalue(), spec, WHERE)
    assert [(v.name, v.label) for v in d.variables] == [("age", "Age at diagnosis"), ("psa", "Serum PSA")]
    with pytest.raises(CurationError) as caught:
        docx_reader.read(buffer.getvalue(), spec.model_copy(update={"label_column": "Label"}), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_COLUMN_MISSING and caught.value.where.sheet == "Clinical"


# --- REDCap ------------------------------------------------------------------------------

def test_redcap_fields_checkboxes_implicit_codes_and_complete() -> None:
    d = redcap.read(csv_bytes(REDCAP_DICTIONARY), _spec("redcap", ["dd.csv"]), WHERE)
    assert d.forms == ["demographics", "baseline"]
    demographics = d.select("demographics", WHERE)
    assert [v.name for v in demographics] == [
        "record_id", "age", "sex", "race___1", "race___2", "race___3", "demographics_complete"]
    by_name = {v.name: v for v in d.variables}
    assert by_name["sex"].label == "Sex"  # HTML markup removed
    assert by_name["sex"].options == [Option("1", "Male"), Option("2", "Female")]
    assert by_name["race___2"].label == "Race (choice=Black)"
    assert [o.code for o in by_name["smoker"].options] == ["1", "0"]
    assert "intro" not in by_name  # descriptive fields hold no data
    assert [(n, by_name[n].sql_type) for n in ("age", "weight", "visit_date", "record_id", "stage")] == [
        ("age", "INTEGER"), ("weight", "NUMBER"), ("visit_date", "DATE"), ("record_id", "STRING"),
        ("stage", "INTEGER")]
    assert [o.description for o in by_name["baseline_complete"].options] == ["Incomplete", "Unverified", "Complete"]


def test_redcap_malformed() -> None:
    rows = [r[:] for r in REDCAP_DICTIONARY]
    rows[3][5] = "1 Male | 2, Female"
    with pytest.raises(CurationError) as caught:
        redcap.read(csv_bytes(rows), _spec("redcap", ["dd.csv"]), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_INVALID and caught.value.where.row == 4
    rows = [r[:] for r in REDCAP_DICTIONARY] + [["age", "baseline", "", "text", "Age again", "", "", ""]]
    rows[-1][1] = "demographics"
    with pytest.raises(CurationError) as caught:
        redcap.read(csv_bytes(rows), _spec("redcap", ["dd.csv"]), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_DUPLICATE_VARIABLE
    missing = [[c for i, c in enumerate(r) if i != 3] for r in REDCAP_DICTIONARY]
    with pytest.raises(CurationError) as caught:
        redcap.read(csv_bytes(missing), _spec("redcap", ["dd.csv"]), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_COLUMN_MISSING and "Field Type" in str(caught.value)


@pytest.mark.parametrize(("word", "options", "expected"), [
    ("#", [], "NUMBER"), ("YYYY", [], "INTEGER"), ("Char, 23", [], "STRING"), ("Numeric", [], "NUMBER"),
    ("List", [Option("1", "a"), Option(".M", "Missing")], "INTEGER"), ("List", [Option("A", "a")], None),
    ("MM/DD/YYYY", [], None), (None, [], None),
])
def test_type_words(word, options, expected) -> None:
    assert sql_type_of(word, options) == expected
