"""A dictionary sheet: a sheet (or CSV) with a column of names and a column of labels.

For example bonemarrowwsi's ``idc_dictionary`` sheet (column name -> label text with a LOINC
code). The recipe names the sheet and its columns; optional ``code_column`` and
``description_column`` give coded values, one option per row: a row with an empty name, or
the same name again, adds an option to the variable above. ``type_column`` gives a type word.
"""

from __future__ import annotations

from curation.dictionaries._io import cell, table_rows
from curation.dictionaries.model import Dictionary, Option, Variable, check_unique
from curation.dictionaries.spec import DictionarySpec
from curation.errors import CurationError, Reason, Where


def _positions(header: list[str], spec: DictionarySpec, where: Where) -> dict[str, int]:
    cells = [c.strip() for c in header]
    positions = {}
    for key in ("name_column", "label_column", "code_column", "description_column", "type_column"):
        wanted = getattr(spec, key)
        if wanted is None:
            continue
        matches = [i for i, c in enumerate(cells) if c == wanted or c.lower() == wanted.lower()]
        if not matches:
            raise CurationError(
                Reason.DICTIONARY_COLUMN_MISSING,
                f"no {key.replace('_', ' ')} {wanted!r}; the header is {[c for c in cells if c]}",
                where.with_(row=spec.header_row),
            )
        positions[key] = matches[0]
    return positions


def parse_rows(sheet: str | None, rows: list[list[str]], spec: DictionarySpec, where: Where) -> list[Variable]:
    where = where.with_(sheet=sheet)
    if spec.header_row > len(rows):
        raise CurationError(Reason.DICTIONARY_COLUMN_MISSING,
                            f"header row {spec.header_row} is past the last row ({len(rows)})",
                            where.with_(row=spec.header_row))
    at = _positions(rows[spec.header_row - 1], spec, where)
    coded = "code_column" in at
    variables: list[Variable] = []
    current: Variable | None = None
    for index in range(spec.header_row, len(rows)):
        row, number = rows[index], index + 1
        name, label = cell(row, at["name_column"]), cell(row, at["label_column"])
        code, description = cell(row, at.get("code_column")), cell(row, at.get("description_column"))
        if not (name or label or code or description):
            continue
        if name and not (coded and current is not None and name == current.name):
            current = Variable(name=name, label=label, data_type=cell(row, at.get("type_column")) or None,
                               sheet=sheet, row=number)
            variables.append(current)
        elif current is None:
            raise CurationError(Reason.DICTIONARY_ORPHAN_OPTION,
                                f"a row without a variable name comes before any variable ({code or label!r})",
                                where.with_(row=number))
        if code or description:
            current.options.append(Option(code, description))
    check_unique(variables, where)
    return variables


def read(data: bytes, spec: DictionarySpec, where: Where) -> Dictionary:
    sheet, rows = table_rows(data, spec.file_format, spec.sheet, where)
    return Dictionary("sheet", " > ".join(spec.files), parse_rows(sheet, rows, spec, where))
