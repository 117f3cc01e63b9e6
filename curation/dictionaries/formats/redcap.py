"""REDCap data dictionaries (the CSV export of a project's instruments).

Columns used: ``Variable / Field Name``, ``Form Name``, ``Field Type``, ``Field Label``,
``Choices, Calculations, OR Slider Labels`` (``1, Yes | 2, No``) and, when present,
``Text Validation Type OR Show Slider Number`` (``integer``, ``number``, ``date_ymd``) which
types text fields. As REDCap exports data:
  * a ``checkbox`` field is one column per choice, ``<field>___<code>``, coded 0/1;
  * ``yesno`` and ``truefalse`` fields are coded 1/0;
  * ``descriptive`` fields hold no data and are skipped;
  * every form (instrument) adds ``<form>_complete`` (0 Incomplete, 1 Unverified, 2 Complete).
Labels lose any HTML markup. ``form`` in the recipe keeps one instrument's fields.
"""

from __future__ import annotations

import re

from curation.dictionaries.formats.cells import cell, find_header, table_rows
from curation.dictionaries.parsed import Dictionary, Option, Variable, check_unique
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where

NAME, FORM, TYPE, LABEL = "Variable / Field Name", "Form Name", "Field Type", "Field Label"
CHOICES = "Choices, Calculations, OR Slider Labels"
VALIDATION = "Text Validation Type OR Show Slider Number"
_TAGS = re.compile(r"<[^>]+>")
_CODED = ("radio", "dropdown", "checkbox")
_IMPLICIT = {
    "yesno": [Option("1", "Yes"), Option("0", "No")],
    "truefalse": [Option("1", "True"), Option("0", "False")],
}
_COMPLETE = [Option("0", "Incomplete"), Option("1", "Unverified"), Option("2", "Complete")]
_CHECKED = [Option("0", "Unchecked"), Option("1", "Checked")]


def parse_choices(text: str, where: Where) -> list[Option]:
    """``1, Yes | 2, No`` -> options; each choice needs a code and a comma."""
    options = []
    for choice in text.split("|"):
        if not choice.strip():
            continue
        code, comma, description = choice.partition(",")
        if not comma or not code.strip():
            raise CurationError(Reason.DICTIONARY_INVALID,
                                f"choice {choice.strip()!r} is not 'code, label'", where)
        options.append(Option(code.strip(), _TAGS.sub("", description).strip()))
    return options


def read(data: bytes, spec: DictionarySpec, where: Where) -> Dictionary:
    sheet, rows = table_rows(data, spec.file_format, spec.sheet, where)
    where = where.with_(sheet=sheet)
    header, at = find_header(rows, (NAME, FORM, TYPE, LABEL, CHOICES), (VALIDATION,), where, search_rows=1)
    variables: list[Variable] = []
    forms: list[str] = []
    for index in range(header + 1, len(rows)):
        row, number = rows[index], index + 1
        name, form, field_type = cell(row, at[NAME]), cell(row, at[FORM]), cell(row, at[TYPE]).lower()
        if not name:
            if any(c.strip() for c in row):
                raise CurationError(Reason.DICTIONARY_INVALID, "a field without a variable name",
                                    where.with_(row=number))
            continue
        if form and form not in forms:
            if forms:
                variables.append(Variable(f"{forms[-1]}_complete", "Complete?", "radio", list(_COMPLETE),
                                          forms[-1], sheet, None))
            forms.append(form)
        if field_type == "descriptive":
            continue
        label = _TAGS.sub("", cell(row, at[LABEL])).strip()
        choices = cell(row, at[CHOICES])
        options = parse_choices(choices, where.with_(row=number)) if field_type in _CODED else []
        if field_type == "checkbox":
            for option in options:
                variables.append(Variable(f"{name}___{option.code}".lower(), f"{label} (choice={option.description})",
                                          "checkbox", list(_CHECKED), form, sheet, number))
            continue
        options = options or list(_IMPLICIT.get(field_type, []))
        data_type = cell(row, at.get(VALIDATION)) if field_type == "text" else field_type
        variables.append(Variable(name, label, data_type or field_type, options, form, sheet, number))
    if forms:
        variables.append(Variable(f"{forms[-1]}_complete", "Complete?", "radio", list(_COMPLETE),
                                  forms[-1], sheet, None))
    check_unique(variables, where)
    return Dictionary("redcap", " > ".join(spec.files), variables, {f: f for f in forms})
