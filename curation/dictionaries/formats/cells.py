"""Rows and cells of a dictionary file, shared by the readers of this package.

A file's bytes become rows of cell texts through ``curation.readers`` (``table_rows``,
``sheet_rows``); ``find_header`` finds the header row and its columns; the cell-text
conventions the layouts share: ``split_names`` (two names in one cell) and ``is_sas_format``
(a SAS display format where an option would be: not a code).
"""

from __future__ import annotations

import io
import re

from python_calamine import CalamineWorkbook

from curation.errors import CurationError, Reason, Where
from curation.readers import read_csv, read_workbook

WORKBOOK_FORMATS = ("xlsx", "xlsm", "xlsb", "xls")


def sheet_names(data: bytes, where: Where) -> list[str]:
    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception as exc:  # calamine raises its own types for corrupt files
        raise CurationError(Reason.UNREADABLE, f"cannot open the dictionary workbook: {exc}", where) from exc


def sheet_rows(data: bytes, file_format: str, sheet: int | str, where: Where) -> tuple[str, list[list[str]]]:
    """The name and the rows (cell texts, blank as "") of one sheet."""
    grid = read_workbook(data, sheet, where, file_format=file_format)
    return grid.sheet_name or str(sheet), grid.rows


def table_rows(data: bytes, file_format: str, sheet: int | str | None, where: Where) -> tuple[str | None, list[list[str]]]:
    """Rows of a CSV/TSV file, or of one sheet (default the first) of a workbook."""
    if file_format in ("csv", "tsv"):
        grid = read_csv(data, "\t" if file_format == "tsv" else ",", None, where, ragged_rows="pad")
        return None, grid.rows
    if file_format not in WORKBOOK_FORMATS:
        raise CurationError(Reason.DICTIONARY_INVALID, f"this dictionary kind cannot read {file_format!r} files", where)
    return sheet_rows(data, file_format, 0 if sheet is None else sheet, where)


def cell(row: list[str], position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position].strip()


_SAS_FORMAT = re.compile(r"\$[A-Za-z]*\d*\.\d*|[A-Za-z]*\d+\.\d*|\d+")
_IDENTIFIER_WITH_UNDERSCORE = re.compile(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*")


def is_sas_format(text: str) -> bool:
    """A SAS display format written where an option would be (``best32.``, ``$char20.``,
    ``mmddyy10.``, ``$F16.``, ``8.``, or ``8`` as a number cell): says how to print, not a code."""
    text = text.strip()
    return bool(text) and text != "." and _SAS_FORMAT.fullmatch(text) is not None


def split_names(cell: str) -> list[str]:
    """The variable name(s) of one name cell.

    Two identifiers in one cell (``A0E4_YYYY A0E4_DAYS``) are two variables sharing the row's
    label and options; any other name is one name, its whitespace collapsed (a name wrapped
    onto a new line, ``a0e4\nd``, is matched without the space by ``curation.dictionaries.match``).
    """
    tokens = cell.split()
    if len(tokens) > 1 and all(_IDENTIFIER_WITH_UNDERSCORE.fullmatch(t) for t in tokens):
        return tokens
    return [" ".join(tokens)] if tokens else []


def find_header(rows: list[list[str]], required: tuple[str, ...], optional: tuple[str, ...],
                where: Where, search_rows: int = 10) -> tuple[int, dict[str, int]]:
    """The 0-based header row (the first of ``search_rows`` holding the first required
    column) and the position of every required and present optional column, matched
    case-insensitively; a missing required column is an error naming the sheet and row."""
    wanted = {name.lower(): name for name in required + optional}
    for index, row in enumerate(rows[:search_rows]):
        cells = [c.strip().lower() for c in row]
        if required[0].lower() not in cells:
            continue
        positions = {wanted[c]: i for i, c in reversed(list(enumerate(cells))) if c in wanted}
        missing = [name for name in required if name not in positions]
        if missing:
            raise CurationError(
                Reason.DICTIONARY_COLUMN_MISSING,
                f"the dictionary header lacks column(s) {missing}; it has {[c for c in row if c.strip()]}",
                where.with_(row=index + 1),
            )
        return index, positions
    raise CurationError(
        Reason.DICTIONARY_COLUMN_MISSING,
        f"no header row with column {required[0]!r} in the first {search_rows} rows "
        f"(required columns: {list(required)})",
        where.with_(row=1),
    )
