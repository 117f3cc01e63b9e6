"""Readers: turn a data file's bytes into a grid of cell texts, whatever its format.

Every reader returns the same thing: a ``Grid`` of cell texts held column by column, blank
cells as "" (``curation.readers.grid``, which also holds the one rule for a spreadsheet cell's
text). CSV/TSV files are read by ``curation.readers.csv_file``; workbooks by
``curation.readers.workbook`` (python-calamine, openpyxl), XLSX/XLSM first through fastexcel
where ``curation.readers.fastexcel_path`` proves its result equal.
"""

from __future__ import annotations

from pathlib import Path

from curation.errors import Where
from curation.readers.csv_file import read_csv
from curation.readers.grid import Grid, MergedRange, cell_text, column_arrow, column_text
from curation.readers.workbook import inspect_bounds, read_workbook

__all__ = ["Grid", "MergedRange", "cell_text", "column_arrow", "column_text", "inspect_bounds",
           "read_csv", "read_grid", "read_workbook"]


def read_grid(data: bytes | Path, file_format: str, *, sheet: int | str, delimiter: str | None,
              encoding: str | None, where: Where, quotechar: str | None = '"',
              ragged_rows: str = "error", engine: str = "auto") -> Grid:
    """Dispatch on the file format (a workbook may be given by its path; a CSV is bytes)."""
    if file_format in ("csv", "tsv"):
        sep = delimiter or ("\t" if file_format == "tsv" else ",")
        return read_csv(data, sep, encoding, where, quotechar=quotechar, ragged_rows=ragged_rows)
    return read_workbook(data, sheet, where, file_format=file_format, engine=engine)
