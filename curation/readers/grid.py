"""The grid every reader returns, and the one rule for a spreadsheet cell's text.

A ``Grid`` holds one sheet's or CSV file's cells as text, column by column (Arrow string
arrays, blank cells as ""). ``cell_text`` is how a spreadsheet value becomes text (whole
numbers without ``.0``, booleans as TRUE/FALSE, dates as ISO dates, date-times as
``2020-01-31 12:30:00``); ``column_arrow`` applies it to a whole column with numpy/Arrow
kernels where the column's shape allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.workbook_inspect import SheetInspection

TEXT = pa.large_string()  # the type of every grid column
MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Grid:
    """The cells of one sheet or CSV file as text, column by column (all ``n_rows`` long).

    Each column is an Arrow string array (no nulls: a blank cell is ""), or a chunked one (a
    large CSV file, as Arrow read it in blocks), so later steps work on whole columns with
    Arrow compute kernels. ``sheet_name`` is None for CSV; ``merged``
    lists merged cell ranges as 0-based inclusive ((first row, first column), (last row,
    last column)) pairs, where the format has them.
    """

    columns: list[pa.Array | pa.ChunkedArray]
    n_rows: int
    sheet_name: str | None
    merged: list[MergedRange] = field(default_factory=list)
    inspection: SheetInspection | None = None  # workbooks: error cells, uncached formulas

    @property
    def rows(self) -> list[list[str]]:
        """The same cells row by row, as Python strings (a copy)."""
        if not self.columns:
            return [[] for _ in range(self.n_rows)]
        return [list(r) for r in zip(*(c.to_pylist() for c in self.columns))]

    @classmethod
    def from_rows(cls, rows: list[list[str]], sheet_name: str | None,
                  merged: list[MergedRange] | None = None) -> "Grid":
        """A grid from rows of text; short rows are padded with ""."""
        width = max(map(len, rows), default=0)
        padded = rows if all(len(r) == width for r in rows) else [
            list(r) + [""] * (width - len(r)) for r in rows
        ]
        columns = [pa.array(c, type=TEXT) for c in zip(*padded)] if width else []
        return cls(columns=columns, n_rows=len(rows), sheet_name=sheet_name, merged=list(merged or []))


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



def floats_text(array: np.ndarray) -> pa.Array:
    """Texts of finite float64 values as ``cell_text`` writes them, with Arrow kernels.

    Whole values below 2**63 print as integers; other values print as Python's ``repr``:
    Arrow's shortest round-trip text is the same digits when both are positional. Python uses
    an exponent only outside 1e-4 <= |v| < 1e16, while Arrow may use one inside it (e.g.
    1.00000000005e+10): every value that either would write with an exponent goes through
    ``repr``.
    """
    magnitude = np.abs(array)
    whole = (array == np.trunc(array)) & (magnitude < 2.0**63)
    if whole.all():  # exact: every value is a whole number within int64
        return pc.cast(pa.array(array.astype(np.int64)), TEXT)
    values = pa.array(array, type=pa.float64())
    texts = pc.cast(pc.cast(values, pa.string()), TEXT)
    arrow_exponent = pc.match_substring(texts, "e").to_numpy(zero_copy_only=False)
    odd = ~whole & ((magnitude < 1e-4) | (magnitude >= 1e16) | arrow_exponent)  # incl. whole past int64
    if odd.any():
        patched = np.array(texts.to_pylist(), dtype=object)
        patched[odd] = [cell_text(v) for v in array[odd].tolist()]
        texts = pa.array(patched, type=TEXT)
    if not whole.any():
        return texts
    ints = pc.cast(pc.cast(pc.if_else(pa.array(whole), values, 0.0), pa.int64()), TEXT)
    return pc.if_else(pa.array(whole), ints, texts)


def column_arrow(values) -> pa.Array:
    """``cell_text`` of every value of one column, as an Arrow string array.

    The common shapes (all text, all numbers, numbers with blank cells, dates, booleans) are
    converted by numpy/Arrow kernels; anything else goes value by value through ``cell_text``.
    """
    if not isinstance(values, list):
        values = list(values)  # pa.array converts a list of str ~30x faster than a tuple of them
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pa.array(values, type=TEXT)
    if kinds == {float} or kinds == {int} or kinds == {float, int}:
        array = np.array(values, dtype=np.float64)
        exact = kinds != {int} or (np.abs(array) < 2.0**53).all()
        if exact and np.isfinite(array).all():
            return floats_text(array)
    if kinds == {str, float}:
        objects = np.array(values, dtype=object)
        is_text = np.fromiter((v.__class__ is str for v in values), dtype=bool, count=len(values))
        numbers = np.array(objects[~is_text].tolist(), dtype=np.float64)
        if np.isfinite(numbers).all():
            objects[~is_text] = floats_text(numbers).to_numpy(zero_copy_only=False)
            return pa.array(objects, type=TEXT)
    if kinds == {bool}:
        return pc.if_else(pa.array(values, type=pa.bool_()), "TRUE", "FALSE").cast(TEXT)
    if kinds == {dt.date}:
        return pc.cast(pa.array(values, type=pa.date32()), TEXT)
    return pa.array(list(map(cell_text, values)), type=TEXT)


def column_text(values) -> list[str]:
    """``column_arrow`` as a list of Python strings."""
    return column_arrow(values).to_pylist()

