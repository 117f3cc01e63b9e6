"""A dictionary sheet: a sheet (or CSV) with a column of names and a column of labels.

For example bonemarrowwsi's ``idc_dictionary`` sheet (column name -> label text with a LOINC
code). The recipe names the sheet and its columns (by header text, or by 1-based position
with ``header_row: 0`` for a sheet without a header row). Coded values come in one of two
shapes:
  * one option per row: ``code_column`` and ``description_column``; a row with an empty name,
    or the same name again (ACRIN's per-form ``*_Dictionary reviewed.csv``), adds an option to
    the variable above; an empty code with a SAS format (``best8.``) is the variable's format;
  * all options in one cell: ``options_column`` with ``options_split: lines`` (``0: No`` per
    line) or ``list`` (``1 - Male | 2 - Female``, ``M, F``), read by
    ``curation.dictionaries.formats.inline``; when it is the label column, the cell's first line is
    the label (without a closing ``:``) and the other lines are the options (I-SPY 2's
    ``Table legend``).
``type_column`` gives a type word. A name cell holding two identifiers (``X_YYYY X_DAYS``)
is two variables. Items of an options cell that are not codes (``range 22 to 82``, ``Continuous numeric``)
go to the variable's description; beside codes they make the options ``partial`` (special
codes of a free column).
"""

from __future__ import annotations

from curation.dictionaries.formats.cells import cell, is_sas_format, split_names, table_rows
from curation.dictionaries.formats.inline import is_blank_note, parse_options
from curation.dictionaries.parsed import Dictionary, Option, Variable, check_unique
from curation.dictionaries.recipe_block import COLUMN_KEYS, DictionarySpec
from curation.errors import CurationError, Reason, Where


def _positions(header: list[str], spec: DictionarySpec, where: Where) -> dict[str, int]:
    cells = [c.strip() for c in header]
    positions = {}
    for key in COLUMN_KEYS:
        wanted = getattr(spec, key)
        if wanted is None:
            continue
        if isinstance(wanted, int):
            positions[key] = wanted - 1
            continue
        matches = [i for i, c in enumerate(cells) if c == wanted.strip() or c.lower() == wanted.strip().lower()]
        if not matches:
            raise CurationError(
                Reason.DICTIONARY_COLUMN_MISSING,
                f"no {key.replace('_', ' ')} {wanted!r}; the header is {[c for c in cells if c]}",
                where.with_(row=spec.header_row),
            )
        positions[key] = matches[0]
    return positions


def _inline(variables: list[Variable], text: str, spec: DictionarySpec, label_too: bool) -> None:
    """Options written in one cell; with ``label_too`` the cell's first line is the label."""
    lines = text.splitlines()
    if label_too:
        text = "\n".join(lines[1:])
    options, notes = parse_options(text, spec.options_split)
    for variable in variables:
        if label_too:
            variable.label = " ".join(lines[0].split()).removesuffix(":").rstrip() if lines else ""
        variable.options.extend(options)
        variable.partial = bool(options) and any(not is_blank_note(n) for n in notes)
        if notes:
            variable.description = "; ".join(filter(None, [variable.description, *notes]))


def parse_rows(sheet: str | None, rows: list[list[str]], spec: DictionarySpec, where: Where) -> list[Variable]:
    where = where.with_(sheet=sheet)
    if spec.header_row > len(rows):
        raise CurationError(Reason.DICTIONARY_COLUMN_MISSING,
                            f"header row {spec.header_row} is past the last row ({len(rows)})",
                            where.with_(row=spec.header_row))
    at = _positions(rows[spec.header_row - 1] if spec.header_row else [], spec, where)
    coded = "code_column" in at
    label_too = "options_column" in at and at["options_column"] == at["label_column"]
    variables: list[Variable] = []
    current: list[Variable] = []
    for index in range(spec.header_row, len(rows)):
        row, number = rows[index], index + 1
        name, label = cell(row, at["name_column"]), cell(row, at["label_column"])
        code, description = cell(row, at.get("code_column")), cell(row, at.get("description_column"))
        if not (name or label or code or description):
            continue
        names = split_names(name)
        if names and not (coded and current and names == [v.name for v in current]):
            current = [Variable(name=n, label=label, data_type=cell(row, at.get("type_column")) or None,
                                sheet=sheet, row=number) for n in names]
            variables.extend(current)
            if "options_column" in at:
                raw = row[at["options_column"]] if at["options_column"] < len(row) else ""
                _inline(current, raw.strip(), spec, label_too)
        elif not current:
            raise CurationError(Reason.DICTIONARY_ORPHAN_OPTION,
                                f"a row without a variable name comes before any variable ({code or label!r})",
                                where.with_(row=number))
        if code or description:
            for variable in current:
                if not code and is_sas_format(description):
                    variable.value_format = description
                else:
                    variable.options.append(Option(code, description))
    check_unique(variables, where)
    return variables


def read(data: bytes, spec: DictionarySpec, where: Where) -> Dictionary:
    sheet, rows = table_rows(data, spec.file_format, spec.sheet, where)
    return Dictionary("sheet", " > ".join(spec.files), parse_rows(sheet, rows, spec, where))
