"""Readers: turn a data file's bytes into a grid of cell texts, whatever its format.

Every reader returns the same thing: a ``Grid`` of rows of strings, blank cells as "".
Excel cells are turned into text here, once, so that later steps see one representation:
whole numbers without ``.0``, booleans as TRUE/FALSE, dates as ISO dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from curation.errors import CurationError, Reason, Where

_CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass
class Grid:
    """The rows of one sheet or CSV file, as text; ``sheet_name`` is None for CSV."""

    rows: list[list[str]]
    sheet_name: str | None


def cell_text(value: object) -> str:
    """The text of one spreadsheet cell, in the form the curated seeds use."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _decode(data: bytes, encoding: str | None, where: Where) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise CurationError(Reason.RECIPE_INVALID, f"unknown encoding {encoding!r}", where) from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise CurationError(
                Reason.UNREADABLE,
                f"cannot decode as {encoding}: byte {data[exc.start]:#04x} at offset {exc.start}",
                where.with_(row=line),
            ) from None
    for candidate in _CSV_ENCODINGS:
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def read_csv(data: bytes, delimiter: str, encoding: str | None, where: Where) -> Grid:
    text = _decode(data, encoding, where)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise CurationError(Reason.UNREADABLE, f"malformed CSV: {exc}", where) from exc
    return Grid(rows=rows, sheet_name=None)


def read_workbook(data: bytes, sheet: int | str, where: Where) -> Grid:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for corrupt or protected files
        raise CurationError(
            Reason.UNREADABLE, f"cannot open the workbook ({type(exc).__name__}: {exc})", where
        ) from exc
    names = book.sheet_names
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise CurationError(
                Reason.SHEET_MISSING,
                f"no sheet at index {sheet}: the workbook has {len(names)} sheet(s) {names}",
                where.with_(sheet=sheet),
            )
        name = names[sheet]
    else:
        if sheet not in names:
            raise CurationError(
                Reason.SHEET_MISSING, f"no sheet named {sheet!r}; sheets are {names}", where.with_(sheet=sheet)
            )
        name = sheet
    cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    rows = [[cell_text(v) for v in row] for row in cells]
    return Grid(rows=rows, sheet_name=name)


def read_grid(data: bytes, file_format: str, *, sheet: int | str, delimiter: str | None,
              encoding: str | None, where: Where) -> Grid:
    """Dispatch on the file format."""
    if file_format in ("csv", "tsv"):
        sep = delimiter or ("\t" if file_format == "tsv" else ",")
        return read_csv(data, sep, encoding, where)
    return read_workbook(data, sheet, where)
