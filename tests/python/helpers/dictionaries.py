"""Synthetic dictionary fixtures, built in code (helpers for the test_dictionary_* files).

ACRIN: a case-report-form dictionary with a Form Index and three forms (A0, A1, BQ), with
multi-option variables, a derived variable, blank separator rows and a title row above the
header; form CSVs in two ZIPs (batch 0 and batch 1). The same rows are committed as a legacy
.xls (``fixtures/dictionaries/acrin_demo_dictionary.xls``, written once with xlwt by
``write_xls`` below) so that the real format is read without a writer at test time.

REDCap: a data dictionary export (CSV) with two instruments, and per-instrument data CSVs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from helpers.files import write_recipe, zipped as zip_bytes  # noqa: F401  (re-exported to the dictionary tests)

HERE = Path(__file__).resolve().parents[1]  # tests/python
REPO = HERE.parents[1]
ACRIN_XLS = HERE / "fixtures" / "dictionaries" / "acrin_demo_dictionary.xls"
NLST_ZIP = REPO / "data" / "sources" / "nlst" / "NLST_dicts_xls.zip"

HEADER = ["Form element number", "Variable Name", "Variable Label", "Data Type", "Option Code",
          "Option Description"]
ACRIN_SHEETS: dict[str, list[list]] = {
    "Form Index": [["Form Code", "Form Title"], ["A0", "Eligibility"], ["A1", "On-Study"],
                   ["BQ", "Baseline Questionnaire"]],
    "A0": [
        ["ACRIN DEMO Data Dictionary: Form A0"],
        HEADER,
        [1, "A0E1", "Age at registration", "#", None, None],
        [],
        [2, "A0E2", "Gender", "List", 1, "Male"],
        [None, None, None, None, 2, "Female"],
        [],
        [3, "A0E3", "Race", "List", 1, "White"],
        [None, None, None, None, 2, "Black or African American"],
        [None, None, None, None, 9, "Unknown"],
        [],
        [None, "A0E4D", "Days from Base_dt to registration", "#", None, None],
    ],
    "A1": [
        HEADER,
        [1, "A1E1", "Year of diagnosis", "YYYY", None, None],
        [2, "A1E2", "Tumor size (cm)", "#", None, None],
        [3, "A1E3", "Histology", "List", 1, "Ductal"],
        [None, None, None, None, 2, "Lobular"],
        [None, None, None, None, 3, "Other"],
    ],
    "BQ": [
        HEADER,
        [1, "BQ1", "Ever smoked", "List", 1, "Yes"],
        [None, None, None, None, 2, "No"],
        [],
        [2, "BQ2", "Comments", "Char", None, None],
    ],
}

ACRIN_DATA = {  # form -> (batch 0 CSV, batch 1 CSV)
    "A0": ("CN,A0E1,A0E2,A0E3,A0E4D\n1,61,1,1,0\n2,55,2,2,3\n7,70,2,7,12\n",
           "CN,A0E1,A0E2,A0E3,A0E4D\n11,,1,9,5\n12,48,2,7,1\n"),
    "A1": ("cn,a1e1,a1e2,a1e3\n1,2004,1.5,1\n2,2005,2.25,2\n7,2004,3,3\n",
           "cn,a1e1,a1e2,a1e3\n11,2006,0.8,1\n12,2006,1,2\n"),
    "BQ": ("cn,bq1,bq2\n1,1,none\n2,2,\n7,1,quit 2001\n",
           "cn,bq1,bq2\n11,2,\n12,1,x\n"),
}

ACRIN_RECIPE = """
collection_id: acrin_demo
tcia_name: ACRIN-Demo
forms:
  idc_path: acrin
  dictionary: {{kind: acrin, files: [{dictionary}]}}
  codes: [A0, A1, BQ]
  patient_id: [{{zero_pad: 3}}, {{tcia_prefix: "_"}}]
  batches:
    - files: [ACRIN-Demo_Clinical.zip, "{{form}}.csv"]
      patient_column: cn
    - files: [ACRIN-Demo_Clinical_Test.zip, "{{form}}.csv"]
      patient_column: cn
"""


def write_acrin_xlsx(path: Path, sheets: dict[str, list[list]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in (sheets or ACRIN_SHEETS).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_xls(path: Path) -> Path:  # pragma: no cover - how the committed .xls was made
    import xlwt

    book = xlwt.Workbook()
    for title, rows in ACRIN_SHEETS.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def acrin_project(tmp_path: Path, dictionary: str = "xls", recipe_extra: str = "") -> tuple[Path, Path]:
    """Sources and a recipe for the ACRIN demo; returns (recipe path, sources root)."""
    sources = tmp_path / "sources" / "acrin_demo"
    sources.mkdir(parents=True, exist_ok=True)
    if dictionary == "xls":
        name = "ACRIN-Demo_DataDictionary.xls"
        (sources / name).write_bytes(ACRIN_XLS.read_bytes())
    else:
        name = "ACRIN-Demo_DataDictionary.xlsx"
        write_acrin_xlsx(sources / name)
    for batch, zip_name in enumerate(["ACRIN-Demo_Clinical.zip", "ACRIN-Demo_Clinical_Test.zip"]):
        (sources / zip_name).write_bytes(zip_bytes({f"{form}.csv": texts[batch] for form, texts in ACRIN_DATA.items()}))
    recipe = write_recipe(tmp_path / "recipes", "acrin_demo.yaml",
                          ACRIN_RECIPE.format(dictionary=name) + recipe_extra)
    return recipe, tmp_path / "sources"


REDCAP_DICTIONARY = [
    ["Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
     "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number"],
    ["record_id", "demographics", "", "text", "Record ID", "", "", ""],
    ["age", "demographics", "", "text", "Age (years)", "", "", "integer"],
    ["sex", "demographics", "", "radio", "<b>Sex</b>", "1, Male | 2, Female", "", ""],
    ["race", "demographics", "", "checkbox", "Race", "1, White | 2, Black | 3, Asian", "", ""],
    ["intro", "baseline", "Baseline", "descriptive", "<p>Baseline visit</p>", "", "", ""],
    ["smoker", "baseline", "", "yesno", "Current smoker?", "", "", ""],
    ["weight", "baseline", "", "text", "Weight (kg)", "", "", "number"],
    ["visit_date", "baseline", "", "text", "Visit date", "", "", "date_ymd"],
    ["stage", "baseline", "", "dropdown", "Stage", "1, I | 2, II | 3, III | 4, IV", "", ""],
]

REDCAP_DATA = {
    "demographics": "record_id,age,sex,race___1,race___2,race___3,demographics_complete\n"
                    "1,61,1,1,0,0,2\n2,55,2,0,1,1,2\n3,47,3,0,0,1,1\n",
    "baseline": "record_id,smoker,weight,visit_date,stage,baseline_complete\n"
                "1,1,71.5,2020-01-31,2,2\n2,0,80,2020-02-03,4,2\n3,,65.2,2020-03-10,1,0\n",
}

REDCAP_RECIPE = """
collection_id: redcap_demo
type_mode: inferred
forms:
  dictionary: {kind: redcap, files: [redcap_export.zip, DataDictionary.csv]}
  codes: [demographics, baseline]
  patient_id: [{prefix: "RC-"}]
  batches:
    - files: [redcap_export.zip, "{form}.csv"]
      patient_column: record_id
"""


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def redcap_project(tmp_path: Path, dictionary_rows: list[list[str]] | None = None) -> tuple[Path, Path]:
    sources = tmp_path / "sources" / "redcap_demo"
    sources.mkdir(parents=True, exist_ok=True)
    members: dict[str, str | bytes] = {"DataDictionary.csv": csv_bytes(dictionary_rows or REDCAP_DICTIONARY)}
    members.update({f"{form}.csv": text for form, text in REDCAP_DATA.items()})
    (sources / "redcap_export.zip").write_bytes(zip_bytes(members))
    recipe = write_recipe(tmp_path / "recipes", "redcap_demo.yaml", REDCAP_RECIPE)
    return recipe, tmp_path / "sources"
