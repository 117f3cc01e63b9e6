"""ACRIN case-report-form dictionaries: one sheet per form, in an Excel workbook (often .xls).

Each form sheet (its name is the form code: ``A0``, ``A1``, ``BQ``) has the columns
``Form element number``, ``Variable Name``, ``Variable Label``, ``Data Type``, ``Option Code``,
``Option Description``. A variable starts on a row with a Variable Name; following rows with
only an option code/description add options to it; blank rows separate variables; derived
variables (``a0e4d``, "Days from Base_dt to ...") have no form element number. An optional
``Form Index`` sheet maps form codes to titles. Sheets with neither layout are ignored,
unless a recipe asks for them as a form (then the error says what is missing).

Shapes handled: an option cell holding a SAS display format with no code (``best32.``,
``$char20.``, ``mmddyy10.``) is the variable's ``value_format``, not an option, and so is
any option cell of a variable whose Data Type is given and is not ``List`` (``#``, ``YYYY``,
``Char(16)``: only List variables are coded); two names in
one cell (``A0E4_YYYY A0E4_DAYS``) are two variables with the row's label and options; a
label-only row right below a variable's row continues its label, elsewhere (after a blank or
an option row) it is a section heading and is skipped, as is a row whose name cell is a
phrase (``Section B Demographics``) with no label and no type.
"""

from __future__ import annotations

from curation.dictionaries.formats.cells import (
    cell, find_header, is_sas_format, sheet_names, sheet_rows, split_names, table_rows,
)
from curation.dictionaries.parsed import Dictionary, Option, Variable, check_unique
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where

REQUIRED = ("Variable Name", "Variable Label", "Option Code", "Option Description")
OPTIONAL = ("Form element number", "Data Type")


def _is_index(name: str) -> bool:
    return "index" in name.lower()


def _form_titles(rows: list[list[str]]) -> dict[str, str]:
    """Form code -> title from an index sheet: its first non-blank row is the header."""
    titles = {}
    filled = [[c.strip() for c in row if c.strip()] for row in rows]
    for cells in [c for c in filled if c][1:]:
        if len(cells) >= 2:
            titles[cells[0]] = cells[1]
    return titles


def titles_workbook(data: bytes, name: str, where: Where) -> dict[str, str]:
    """Form titles from a separate workbook (``titles_files``): its first sheet, code and title."""
    file_format = name.rsplit(".", 1)[-1].lower()
    _, rows = table_rows(data, file_format, 0, where.with_(file=name))
    return _form_titles(rows)


def parse_form(sheet: str, rows: list[list[str]], where: Where) -> list[Variable]:
    """The variables of one form sheet, in order."""
    where = where.with_(sheet=sheet)
    header, at = find_header(rows, REQUIRED, OPTIONAL, where)
    variables: list[Variable] = []
    current: list[Variable] = []  # the variable(s) the following option rows belong to
    previous = "blank"  # what the row above was: variable, label, option, blank
    for index in range(header + 1, len(rows)):
        row, number = rows[index], index + 1
        name, label = cell(row, at["Variable Name"]), cell(row, at["Variable Label"])
        code, description = cell(row, at["Option Code"]), cell(row, at["Option Description"])
        data_type = cell(row, at.get("Data Type"))
        if name and " " in " ".join(name.split()) and len(split_names(name)) == 1 and not (label or data_type):
            current, previous = [], "blank"  # a section heading in the name column
            continue
        if name:
            current = [Variable(name=n, label=label, data_type=data_type or None, form=sheet, sheet=sheet,
                                row=number, derived=not cell(row, at.get("Form element number")))
                       for n in split_names(name)]
            variables.extend(current)
            previous = "variable"
        elif code or description:
            if not current:
                raise CurationError(
                    Reason.DICTIONARY_ORPHAN_OPTION,
                    f"option {code!r} ({description!r}) comes before any variable",
                    where.with_(row=number),
                )
        elif label and current and previous in ("variable", "label"):  # a label continued on the next row
            for variable in current:
                variable.label = f"{variable.label} {label}".strip()
            previous = "label"
            continue
        else:  # a blank separator row, or a section heading (text with no variable right above)
            previous = "blank"
            continue
        if code or description:
            add_option(current, code, description)
            if not name:
                previous = "option"
    check_unique(variables, where)
    return variables


def add_option(variables: list[Variable], code: str, description: str) -> None:
    """One option row. A SAS format with no code (``best8.``) is the variable's format, not an
    option; so is anything in the option cells of a variable typed other than ``List``
    (``REC``, ``#``, code ``2``, description ``8``: kept as the text ``2 8``)."""
    for variable in variables:
        typed = variable.data_type is not None and variable.data_type.strip().lower() != "list"
        if not code and is_sas_format(description):
            variable.value_format = description
        elif typed:
            variable.value_format = " ".join(filter(None, [variable.value_format, code, description]))
        else:
            variable.options.append(Option(code, description))


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
