"""ACRIN case-report-form dictionaries: one sheet per form, in an Excel workbook (often .xls).

Each form sheet (its name is the form code: ``A0``, ``A1``, ``BQ``) has the columns
``Form element number``, ``Variable Name``, ``Variable Label``, ``Data Type``, ``Option Code``,
``Option Description``. A variable starts on a row with a Variable Name; following rows with
only an option code/description add options to it; blank rows separate variables; derived
variables (``a0e4d``, "Days from Base_dt to ...") have no form element number. An optional
``Form Index`` sheet maps form codes to titles. Sheets with neither layout are ignored,
unless a recipe asks for them as a form (then the error says what is missing).
"""

from __future__ import annotations

from curation.dictionaries._io import cell, sheet_names, sheet_rows
from curation.dictionaries.model import Dictionary, Option, Variable, check_unique, find_header
from curation.dictionaries.spec import DictionarySpec
from curation.errors import CurationError, Reason, Where

REQUIRED = ("Variable Name", "Variable Label", "Option Code", "Option Description")
OPTIONAL = ("Form element number", "Data Type")


def _is_index(name: str) -> bool:
    return "index" in name.lower()


def _form_titles(rows: list[list[str]]) -> dict[str, str]:
    titles = {}
    for row in rows:
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) >= 2 and not cells[0].lower().startswith("form"):
            titles[cells[0]] = cells[1]
    return titles


def parse_form(sheet: str, rows: list[list[str]], where: Where) -> list[Variable]:
    """The variables of one form sheet, in order."""
    where = where.with_(sheet=sheet)
    header, at = find_header(rows, REQUIRED, OPTIONAL, where)
    variables: list[Variable] = []
    current: Variable | None = None
    for index in range(header + 1, len(rows)):
        row, number = rows[index], index + 1
        name, label = cell(row, at["Variable Name"]), cell(row, at["Variable Label"])
        code, description = cell(row, at["Option Code"]), cell(row, at["Option Description"])
        if name:
            current = Variable(
                name=name, label=label, data_type=cell(row, at.get("Data Type")) or None, form=sheet,
                sheet=sheet, row=number, derived=not cell(row, at.get("Form element number")),
            )
            variables.append(current)
        elif code or description:
            if current is None:
                raise CurationError(
                    Reason.DICTIONARY_ORPHAN_OPTION,
                    f"option {code!r} ({description!r}) comes before any variable",
                    where.with_(row=number),
                )
        elif label and current is not None:  # a label continued on the next row
            current.label = f"{current.label} {label}".strip()
            continue
        else:
            continue  # a blank separator row
        if code or description:
            current.options.append(Option(code, description))
    check_unique(variables, where)
    return variables


def read(data: bytes, spec: DictionarySpec, where: Where) -> Dictionary:
    variables: list[Variable] = []
    titles: dict[str, str] = {}
    problems: dict[str, CurationError] = {}
    for name in sheet_names(data, where):
        _, rows = sheet_rows(data, spec.file_format, name, where.with_(sheet=name))
        if _is_index(name):
            titles.update(_form_titles(rows))
            continue
        try:
            variables.extend(parse_form(name, rows, where))
        except CurationError as exc:
            if exc.reason is not Reason.DICTIONARY_COLUMN_MISSING:
                raise
            problems[name] = exc  # not a form sheet: an error only if a recipe asks for it
    return Dictionary("acrin", " > ".join(spec.files), variables, titles, problems)
