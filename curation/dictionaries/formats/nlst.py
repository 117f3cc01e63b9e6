"""NLST-style dictionary workbooks: one sheet per section, ``Variable / Label / Description /
Format Text``.

Coded values are ``code="description"`` lines in Format Text, on the variable's row and on
the following rows whose Variable is empty (SAS special missing codes such as ``.M`` are
kept, as text). A Format Text that is not a code line is the type (``Numeric``,
``Char, 23``). Description text on following rows continues the description. A variable
named as a range (``scr_days0-2``) stands for one variable per number (``scr_days0`` ..
``scr_days2``). A variable whose only codes are SAS special missing codes (``.M``, ``.N``), or
whose Format Text gives a type besides its codes (``Numeric`` with ``.N`` and ``999``), is a
number with special codes: its options are ``partial`` (other values are expected). The ``summary`` sheet and any sheet without a ``Variable`` header are skipped.
"""

from __future__ import annotations

import re

from curation.dictionaries.formats.cells import cell, find_header, sheet_names, sheet_rows
from curation.dictionaries.parsed import Dictionary, Option, Variable, check_unique, is_sas_missing
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where

REQUIRED = ("Variable", "Label", "Format Text")
OPTIONAL = ("Description",)
_CODE_LINE = re.compile(r'^\s*(\S+?)\s*=\s*"(.*)"\s*$', re.S)
_RANGE = re.compile(r"^(.*?)(\d+)-(\d+)$")


def expand_range(name: str) -> list[str]:
    """``scr_days0-2`` -> ``scr_days0``, ``scr_days1``, ``scr_days2``; other names as they are."""
    match = _RANGE.match(name)
    if not match or int(match.group(3)) <= int(match.group(2)):
        return [name]
    stem, first, last = match.group(1), int(match.group(2)), int(match.group(3))
    return [f"{stem}{n}" for n in range(first, last + 1)]


def parse_sheet(sheet: str, rows: list[list[str]], where: Where) -> list[Variable]:
    where = where.with_(sheet=sheet)
    header, at = find_header(rows, REQUIRED, OPTIONAL, where)
    variables: list[Variable] = []
    current: Variable | None = None
    for index in range(header + 1, len(rows)):
        row, number = rows[index], index + 1
        name, label = cell(row, at["Variable"]), cell(row, at["Label"])
        description, text = cell(row, at.get("Description")), cell(row, at["Format Text"])
        if name:
            current = Variable(name=name, label=label, description=description or None,
                               form=sheet, sheet=sheet, row=number)
            variables.append(current)
        elif not (label or description or text):
            continue
        elif current is None:
            raise CurationError(Reason.DICTIONARY_ORPHAN_OPTION,
                                f"a row continues a variable, but none has started ({text or description!r})",
                                where.with_(row=number))
        elif description:
            current.description = f"{current.description or ''} {description}".strip()
        for line in text.splitlines():
            if not line.strip():
                continue
            match = _CODE_LINE.match(line)
            if match:
                current.options.append(Option(match.group(1), match.group(2)))
            elif current.data_type is None:
                current.data_type = line.strip()
    for variable in variables:  # a number with special codes only: other values are expected
        variable.partial = bool(variable.options) and (
            variable.data_type is not None or all(is_sas_missing(o.code) for o in variable.options))
    check_unique(variables, where)
    expanded = []
    for variable in variables:
        for name in expand_range(variable.name):
            expanded.append(Variable(name, variable.label, variable.data_type, variable.options, variable.form,
                                     variable.sheet, variable.row, variable.description, partial=variable.partial))
    return expanded


def read(data: bytes, spec: DictionarySpec, where: Where) -> Dictionary:
    names = sheet_names(data, where)
    wanted = spec.sheets
    if wanted:
        if any(isinstance(s, int) and not 0 <= s < len(names) for s in wanted):
            raise CurationError(Reason.SHEET_MISSING, f"sheet positions {wanted} (0-based); sheets are {names}", where)
        wanted = [names[s] if isinstance(s, int) else s for s in wanted]
        missing = [s for s in wanted if s not in names]
        if missing:
            raise CurationError(Reason.SHEET_MISSING, f"no sheet(s) {missing}; sheets are {names}", where)
    variables: list[Variable] = []
    for name in wanted or names:
        _, rows = sheet_rows(data, spec.file_format, name, where.with_(sheet=name))
        if not wanted and not any(c.strip().lower() == "variable" for r in rows[:10] for c in r):
            continue  # the summary sheet, notes
        variables.extend(parse_sheet(name, rows, where))
    return Dictionary("nlst", " > ".join(spec.files), variables)
