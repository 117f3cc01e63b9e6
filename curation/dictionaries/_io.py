"""Reading a dictionary file's bytes into rows of cell texts, through ``curation.readers``."""

from __future__ import annotations

import io

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
