"""Dictionary shapes that broke the readers: codes inside one cell, two names in a cell,
wrapped names, section headings, SAS formats in option cells, columns described by letter,
sheets without a header row; and malformed ones stay errors naming file, sheet and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.dictionaries.formats import acrin, lettered, sheet
from curation.dictionaries.formats.inline import parse_options
from curation.dictionaries.load import load_dictionary
from curation.dictionaries.formats.cells import is_sas_format, split_names
from curation.dictionaries.parsed import Option
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where
from helpers.dictionaries import HEADER, csv_bytes, write_acrin_xlsx
from helpers.files import write_xlsx

WHERE = Where(recipe="demo.yaml")


def _acrin(tmp_path: Path, rows: list[list]) -> list:
    path = write_acrin_xlsx(tmp_path / "d.xlsx", {"A0": [HEADER, *rows]})
    return acrin.read(path.read_bytes(), DictionarySpec(kind="acrin", files=["d.xlsx"]), WHERE).select("A0", WHERE)


# --- ACRIN -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["best32.", "$char20.", "mmddyy10.", "$F16.", "BEST32.", "8.", "8", "8.2"])
def test_sas_formats_are_recognised(text: str) -> None:
    assert is_sas_format(text)


@pytest.mark.parametrize("text", ["Yes", "Yes.", "No", "N/A.", ".", "Unknown", "", "1=Arm A"])
def test_words_are_not_sas_formats(text: str) -> None:
    assert not is_sas_format(text)


def test_acrin_sas_format_in_the_option_cell_is_not_an_option(tmp_path: Path) -> None:
    variables = _acrin(tmp_path, [
        [1, "A0E1", "Age", "#", None, "best32."],
        [2, "A0E2", "Initials", "Char(20)", "  ", "$char20."],
        [3, "A0E3", "Visit date", "MM/DD/YYYY", None, "mmddyy10."],
        [4, "A0E4", "Gender", "List", 1, "Male"], [None, None, None, None, 2, "Female"],
        [5, "REC", "Data receipt", "#", 2, 8],
    ])
    assert [(v.name, v.options, v.value_format) for v in variables] == [
        ("A0E1", [], "best32."), ("A0E2", [], "$char20."), ("A0E3", [], "mmddyy10."),
        ("A0E4", [Option("1", "Male"), Option("2", "Female")], None), ("REC", [], "2 8")]


def test_acrin_two_names_in_one_cell_share_label_and_options(tmp_path: Path) -> None:
    variables = _acrin(tmp_path, [[1, "A0E4_YYYY A0E4_DAYS", "Date of consent", "#", None, None],
                                  [2, "A0E5", "Done", "List", 1, "Yes"], [None, None, None, None, 2, "No"]])
    assert [(v.name, v.label, v.row) for v in variables] == [
        ("A0E4_YYYY", "Date of consent", 2), ("A0E4_DAYS", "Date of consent", 2), ("A0E5", "Done", 3)]
    assert split_names("a0e4\nd") == ["a0e4 d"] and split_names(" X_YYYY  X_DAYS ") == ["X_YYYY", "X_DAYS"]
    assert split_names("Case Identifier Number") == ["Case Identifier Number"]


def test_acrin_section_headings_are_not_labels_or_variables(tmp_path: Path) -> None:
    variables = _acrin(tmp_path, [
        [1, "A0E1", "Has the patient", "List", 1, "Yes"],
        [None, None, "given consent?", None, None, None],  # right below: the label goes on
        [None, None, None, None, 2, "No"],
        [],
        [None, None, "SECTION B: HISTORY", None, None, None],  # after a blank row: a heading
        [None, "Section B History", None, None, None, None],  # a phrase in the name column
        [2, "A0E2", "Smoker", "List", 1, "Yes"],
        [None, None, None, None, 2, "No"],
        [None, None, "Part 2", None, None, None],  # after an option row: a heading
    ])
    assert [(v.name, v.label, [o.code for o in v.options]) for v in variables] == [
        ("A0E1", "Has the patient given consent?", ["1", "2"]), ("A0E2", "Smoker", ["1", "2"])]


def test_acrin_option_after_a_heading_is_an_orphan(tmp_path: Path) -> None:
    path = write_acrin_xlsx(tmp_path / "d.xlsx", {"A0": [HEADER, [None, "Section A", None, None, None, None],
                                                         [None, None, None, None, 1, "Yes"]]})
    with pytest.raises(CurationError) as caught:
        acrin.read(path.read_bytes(), DictionarySpec(kind="acrin", files=["d.xlsx"]), WHERE)
    assert caught.value.reason is Reason.DICTIONARY_ORPHAN_OPTION
    assert (caught.value.where.sheet, caught.value.where.row) == ("A0", 3)


# --- codes written inside one cell ---------------------------------------------------------

@pytest.mark.parametrize(("text", "split", "options", "notes"), [
    ("1=Arm A\n2=Arm B", "lines", [("1", "Arm A"), ("2", "Arm B")], []),
    ("0: No\n1: Yes\nBlank: not done", "lines", [("0", "No"), ("1", "Yes")], ["Blank: not done"]),
    ("HR - / HER2 +\nNA: Not available", "lines", [("HR - / HER2 +", ""), ("NA", "Not available")], []),
    ("1 - Male | 2 - Female", "list", [("1", "Male"), ("2", "Female")], []),
    ("1 - Yes | 0 - No, | -999 - Unknown", "list", [("1", "Yes"), ("0", "No"), ("-999", "Unknown")], []),
    ("1 - (3,4,5 scores), 0 - (0, 1, 2)", "list", [("1", "(3,4,5 scores)"), ("0", "(0, 1, 2)")], []),
    ("0-5, -999 - N/A", "list", [("-999", "N/A")], ["0-5"]),
    ("Continuous numeric | -999 - not applicable", "list", [("-999", "not applicable")], ["Continuous numeric"]),
    ("M, F", "list", [("M", ""), ("F", "")], []),
    ("1=Arm A, 2=Arm B", "list", [("1", "Arm A"), ("2", "Arm B")], []),
    ("character", "list", [], ["character"]),
    ("range 22 to 82", "list", [], ["range 22 to 82"]),
    ("Peritoneal, N, (blanks)", "list", [("Peritoneal", ""), ("N", "")], ["(blanks)"]),
])
def test_inline_options(text, split, options, notes) -> None:
    found, found_notes = parse_options(text, split)
    assert [(o.code, o.description) for o in found] == options and found_notes == notes


def _sheet(rows: list[list[str]], **extra) -> list:
    spec = DictionarySpec(kind="sheet", files=["d.csv"], **extra)
    return sheet.read(csv_bytes(rows), spec, WHERE).variables


def test_sheet_options_column_and_label_first_line() -> None:
    rows = [["FIELD", "DESCRIPTION"], ["arm", "Treatment arm:\n1=Arm A\n2=Arm B"], ["age", "Age in years"],
            ["QC_T0 QC_T1", "Quality:\nPASS: ok\nFAIL: not ok\nBlank: no study"]]
    variables = _sheet(rows, name_column="FIELD", label_column="DESCRIPTION", options_column="DESCRIPTION")
    assert [(v.name, v.label, [(o.code, o.description) for o in v.options]) for v in variables] == [
        ("arm", "Treatment arm", [("1", "Arm A"), ("2", "Arm B")]), ("age", "Age in years", []),
        ("QC_T0", "Quality", [("PASS", "ok"), ("FAIL", "not ok")]),
        ("QC_T1", "Quality", [("PASS", "ok"), ("FAIL", "not ok")])]
    assert not variables[2].partial  # 'Blank:' is about empty cells, not other values


def test_sheet_one_option_per_row_with_the_name_repeated_and_formats() -> None:
    rows = [["field_name", "ques_desc", "data_type", "resp_seq_no", "resp_desc"],
            ["inst_no", "Institution", "Char(16)", "", "$F16."],
            ["a0e2", "Checklist done?", "List", "1", "No"], ["a0e2", "Checklist done?", "List", "2", "Yes"]]
    variables = _sheet(rows, name_column="field_name", label_column="ques_desc", type_column="data_type",
                       code_column="resp_seq_no", description_column="resp_desc")
    assert [(v.name, v.options, v.value_format) for v in variables] == [
        ("inst_no", [], "$F16."), ("a0e2", [Option("1", "No"), Option("2", "Yes")], None)]


def test_sheet_without_a_header_row_by_position(tmp_path: Path) -> None:
    rows = [["TCIA_ID", "Patient ID"], ["Sex", "1=Male, 2=Female"]]
    variables = _sheet(rows, header_row=0, name_column=1, label_column=2)
    assert [(v.name, v.label, v.row) for v in variables] == [("TCIA_ID", "Patient ID", 1), ("Sex", "1=Male, 2=Female", 2)]
    with pytest.raises(ValueError, match="by position"):
        DictionarySpec(kind="sheet", files=["d.csv"], header_row=0, name_column="name", label_column=2)
    with pytest.raises(ValueError, match="1-based"):
        DictionarySpec(kind="sheet", files=["d.csv"], name_column=0, label_column=2)


def test_sheet_orphan_row_names_file_sheet_and_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "sources" / "demo" / "d.xlsx",
                      {"data": [["x"]], "Glossary": [["name", "label", "code", "meaning"], [None, None, "1", "Yes"]]})
    spec = DictionarySpec(kind="sheet", files=["d.xlsx"], sheet="Glossary", name_column="name", label_column="label",
                          code_column="code", description_column="meaning")
    with pytest.raises(CurationError) as caught:
        load_dictionary(path.parent, spec, WHERE)
    error = caught.value
    assert error.reason is Reason.DICTIONARY_ORPHAN_OPTION
    assert (error.where.file, error.where.sheet, error.where.row) == ("d.xlsx", "Glossary", 2)
    assert "d.xlsx" in str(error) and "sheet 'Glossary'" in str(error) and "row 2" in str(error)


# --- columns described by letter -------------------------------------------------------------

LETTERED = [
    ["", "General (in all the columns)"],
    ["-1", "missing or not applicable"],
    [],
    ["column B", "size1"], ["", "size of the first lesion"], ["", "in mm"],
    ["column C", "grade1"], ["", "grade at pos1"], ["Grade", "grades - tumor"], ["1", "low"], ["2", "high"],
    ["columns B-C", "lesion 1"], ["0", "not measured"],
    ["columns D, F", "grade3, grade4"], ["", "see definition above for column C"],
    ["columns G-H", "lesion 2"], ["", "see definition above for columns B-C"],
]


def test_lettered_blocks_references_and_shared_codes() -> None:
    variables = lettered.parse("dd", [[str(c) for c in r] for r in LETTERED], WHERE)
    by_name = {v.name: v for v in variables}
    assert [v.name for v in variables] == ["size1", "grade1", "grade3", "grade4", "size2", "grade2"]
    assert by_name["size1"].label == "size of the first lesion" and by_name["size1"].description == "in mm"
    assert [o.code for o in by_name["size1"].options] == ["0", "-1"] and by_name["size1"].partial
    assert by_name["grade1"].description == "Grade: grades - tumor" and not by_name["grade1"].partial
    assert [o.code for o in by_name["grade1"].options] == ["1", "2", "0", "-1"]
    assert by_name["grade3"].label == "grade at pos3"
    assert by_name["size2"].label == "size of the second lesion" and by_name["size2"].partial
    assert [o.code for o in by_name["grade2"].options] == ["1", "2", "0", "-1"]


def test_lettered_names_and_groups_must_pair() -> None:
    rows = [["column B", "grade1"], ["1", "low"], ["columns D, F", "grade2"], ["", "see definition above for column B"]]
    with pytest.raises(CurationError) as caught:
        lettered.parse("dd", rows, WHERE)
    assert caught.value.reason is Reason.DICTIONARY_INVALID
    assert (caught.value.where.sheet, caught.value.where.row) == ("dd", 3)
    with pytest.raises(CurationError) as caught:
        lettered.parse("dd", [["columns D, F", "a2, a3"], ["", "see definition above for column Z"]], WHERE)
    assert "column Z" in str(caught.value) and caught.value.where.row == 1
