"""Workbooks to a ``Grid``: XLSX/XLSM/XLSB/XLS through python-calamine, XLSX/XLSM through
openpyxl when calamine cannot open a file (or when a recipe asks for it), and XLSX/XLSM first
through fastexcel where it is proven equal (``curation.readers.fastexcel_path``). The sheet's
bounds are checked before any reader allocates (``curation.workbook_inspect``).

A workbook is its bytes or, when it is a file on disk, its path (``Path``): each library then
reads the file itself, and no copy of the whole file is held by this process or by the library.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import pyarrow as pa
from python_calamine import CalamineWorkbook

from curation.errors import CurationError, Reason, Where
from curation.readers.fastexcel_path import read_fastexcel
from curation.readers.grid import TEXT, Grid, column_arrow
from curation.readers.sheet import pick_sheet
from curation.sources import check_archive
from curation.workbook_inspect import inspect_sheet

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK_ROWS = 4096


Workbook = bytes | Path  # its bytes, or the path of the file holding them


def _file_like(book: Workbook):
    """What zipfile, python-calamine and openpyxl open: the path, or the bytes as a file."""
    return book if isinstance(book, Path) else io.BytesIO(book)


def _encrypted(book: Workbook, file_format: str) -> bool:
    """An OOXML workbook saved with a password is an OLE2 container with an EncryptionInfo stream."""
    if file_format not in ("xlsx", "xlsm", "xlsb"):
        return False
    if isinstance(book, Path):
        with book.open("rb") as handle:
            if handle.read(len(_OLE2_MAGIC)) != _OLE2_MAGIC:
                return False
        book = book.read_bytes()  # an OLE2 file: small, or unreadable by every reader here
    return book.startswith(_OLE2_MAGIC) and "EncryptionInfo".encode("utf-16-le") in book


def _columns_from_rows(rows, lead: int, total_width: int) -> list[pa.Array]:
    """Convert an iterator of equally long raw rows to Arrow text columns, a chunk of rows at a time.

    Each chunk's Python values are dropped as soon as they are text in Arrow, so the peak
    memory is the Arrow columns plus one chunk, not a Python object per cell.
    """
    chunks: list[list[pa.Array]] = [[] for _ in range(total_width)]
    iterator = iter(rows)
    while True:
        chunk = list(itertools.islice(iterator, _CHUNK_ROWS))
        if not chunk:
            break
        for offset, values in enumerate(zip(*chunk)):
            chunks[lead + offset].append(column_arrow(values))
        if lead:
            blank = pa.array([""] * len(chunk), type=TEXT)
            for j in range(lead):
                chunks[j].append(blank)
    return [pa.chunked_array(parts, type=TEXT).combine_chunks() for parts in chunks]


def _read_calamine(data: Workbook, sheet: int | str, where: Where) -> Grid:
    book = CalamineWorkbook.from_path(str(data)) if isinstance(data, Path) else CalamineWorkbook.from_filelike(
        io.BytesIO(data))
    name = pick_sheet(book.sheet_names, sheet, where)
    sheet_data = book.get_sheet_by_name(name)
    merged = list(sheet_data.merged_cell_ranges or [])
    if sheet_data.start is None:
        return Grid(columns=[], n_rows=0, sheet_name=name, merged=merged)
    last_col = sheet_data.end[1]
    width = last_col + 1
    rows = sheet_data.iter_rows()
    first = next(rows, None)
    if first is None:  # pragma: no cover - start is not None, so there is a row
        return Grid(columns=[], n_rows=0, sheet_name=name, merged=merged)
    lead = width - len(first)  # iter_rows starts at the first used column
    columns = _columns_from_rows(itertools.chain([first], rows), lead, width)
    return Grid(columns=columns, n_rows=len(columns[0]) if columns else 0, sheet_name=name, merged=merged)



def _read_openpyxl(data: Workbook, sheet: int | str, where: Where) -> Grid:
    import openpyxl  # imported here: only needed for the files calamine cannot read

    book = openpyxl.load_workbook(_file_like(data), data_only=True)
    try:
        name = pick_sheet(book.sheetnames, sheet, where)
        ws = book[name]
        merged = [((r.min_row - 1, r.min_col - 1), (r.max_row - 1, r.max_col - 1)) for r in ws.merged_cells.ranges]
        width = ws.max_column
        if ws.max_row == 1 and width == 1 and ws.cell(1, 1).value is None:
            return Grid(columns=[], n_rows=0, sheet_name=name, merged=merged)
        rows = ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=width, values_only=True)
        columns = _columns_from_rows(rows, 0, width)
        return Grid(columns=columns, n_rows=len(columns[0]) if columns else 0, sheet_name=name, merged=merged)
    finally:
        book.close()


def inspect_bounds(data: Workbook, sheet: int | str, where: Where, file_format: str):
    """The checks before a workbook's reader allocates anything (``curation.workbook_inspect``):
    every ZIP part within the size limits, the sheet's used range within the cell limit."""
    if file_format in ("xlsx", "xlsm"):
        return inspect_sheet(_file_like(data), sheet, where)
    if file_format == "xlsb" and zipfile.is_zipfile(_file_like(data)):
        with zipfile.ZipFile(_file_like(data)) as archive:
            check_archive(archive, where)
    return None


def read_workbook(data: Workbook, sheet: int | str, where: Where, *, file_format: str = "xlsx",
                  engine: str = "auto") -> Grid:
    """One sheet of a workbook; calamine first (for XLSX/XLSM with ``auto``: through fastexcel
    where ``_read_fastexcel`` proves it equal), openpyxl when asked or when calamine fails on XLSX."""
    if _encrypted(data, file_format):
        raise CurationError(
            Reason.UNREADABLE,
            "the workbook is password-protected (encrypted): save an unprotected copy as the source",
            where,
        )
    inspection = inspect_bounds(data, sheet, where, file_format)
    errors = []
    engines = {"auto": ["calamine", "openpyxl"], "calamine": ["calamine"], "openpyxl": ["openpyxl"]}[engine]
    if file_format not in ("xlsx", "xlsm"):
        if engine == "openpyxl":
            raise CurationError(Reason.RECIPE_INVALID, f"openpyxl cannot read {file_format} files", where)
        engines = ["calamine"]
    if engine == "auto" and file_format in ("xlsx", "xlsm"):
        fast = read_fastexcel(data, sheet, where, inspection)
        if fast is not None:
            fast.inspection = inspection
            return fast
    for name in engines:
        reader = _read_calamine if name == "calamine" else _read_openpyxl
        try:
            grid = reader(data, sheet, where)
            grid.inspection = inspection
            return grid
        except CurationError:
            raise
        except Exception as exc:  # both libraries raise their own error types for corrupt files
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
    protected = any("password" in e.lower() or "encrypt" in e.lower() for e in errors)
    what = "the workbook is password-protected" if protected else "cannot open the workbook"
    raise CurationError(Reason.UNREADABLE, f"{what} ({'; '.join(errors)})", where)

