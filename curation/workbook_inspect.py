"""A look inside an OOXML workbook (xlsx/xlsm) before a reader allocates its sheet.

Readers size a sheet from its used range, so one stray cell at XFD1048576 in a 5 KB file asks
for 17 billion cells. ``inspect_sheet`` streams the sheet's XML (after the archive's members
passed ``curation.sources.check_archive``) and finds, without building any cell:

* the used range: the ``<dimension>`` the file declares and the extent of its cells, checked
  against ``curation.limits`` before any reader runs;
* the cells a reader would read as blank although they hold something: Excel error cells
  (``#DIV/0!``, ``#N/A`` ...; ``t="e"``) and formulas saved without a cached value (written
  by tools that do not compute them): counted, with the first cell, for the batch's warnings.

Other formats (xls, xlsb) are read as they are: their used range is not checked here.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

import numpy as np

from curation import limits
from curation.errors import CurationError, Reason, Where
from curation.sources import check_archive

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,7})\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref=\"([A-Z]{1,3})?([0-9]{1,7})?(?::([A-Z]{1,3})([0-9]{1,7}))?\"")
_ERROR = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*?\st=\"e\"")
_UNCACHED = re.compile(
    rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)"
    rb"\s*(?:<(?:\w+:)?v>\s*</(?:\w+:)?v>\s*|<(?:\w+:)?v/>\s*)?</(?:\w+:)?c>")
_BLOCK = 1 << 22
_WHITESPACE = np.array([0] * 256, dtype=bool)
_WHITESPACE[[9, 10, 11, 12, 13, 32]] = True  # what \s matches in a bytes pattern
_WINDOW = 12  # \sr=" + up to 3 letters, 7 digits and the closing quote fit in 4 + 12 bytes
_OVERLAP = 4096  # longer than any one cell's opening tag and empty formula


@dataclass
class CellFinding:
    count: int = 0
    first: str | None = None

    def add(self, cells: list[bytes]) -> None:
        if cells and self.first is None:
            self.first = cells[0].decode("ascii")
        self.count += len(cells)


@dataclass
class SheetInspection:
    """What the sheet's XML says before it is read (rows and columns: its used range)."""

    rows: int
    columns: int
    error_cells: CellFinding
    uncached_formulas: CellFinding


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_part(archive: zipfile.ZipFile, sheet: int | str) -> tuple[str, str] | None:
    """(name, part path) of the sheet, or None when the workbook does not say (the reader then decides)."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    sheets = [(s.get("name"), targets.get(s.get(f"{{{_NS['r']}}}id"), ""))
              for s in book.findall("m:sheets/m:sheet", _NS)]
    chosen = (sheets[sheet] if 0 <= sheet < len(sheets) else None) if isinstance(sheet, int) else next(
        (s for s in sheets if s[0] == sheet), None)
    if chosen is None or not chosen[1]:
        return None
    target = chosen[1]
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return chosen[0], part


def _extent_by_regex(text: bytes) -> tuple[int, int]:
    """(last column, last row) named by the cells and rows of ``text``, match by match."""
    max_col = max_row = 0
    for match in _REF.finditer(text):
        max_col = max(max_col, _column_number(match.group(1)))
        max_row = max(max_row, int(match.group(2)))
    for match in _ROW.finditer(text):
        max_row = max(max_row, int(match.group(1)))
    return max_col, max_row


def _extent(text: bytes) -> tuple[int, int] | None:
    """``_extent_by_regex`` with numpy over the whole block instead of one match at a time.

    Every ``r="..."`` attribute preceded by whitespace is found; each must sit in a ``<c `` or
    ``<row `` tag (no ``>`` between the tag's ``<`` and the attribute). When one does not (a
    namespace prefix, an ``r`` attribute of another element, such text inside a value), None:
    the caller asks the regexes, which decide such cases exactly. A match running past the
    block's end is not a match (the closing quote is missing) and is found in the next block.
    """
    raw = np.frombuffer(text, dtype=np.uint8)
    if raw.size < 5:
        return 0, 0
    equals = np.flatnonzero(raw[2:-1] == ord("=")) + 2  # far fewer than bytes: test only these
    equals = equals[(raw[equals - 1] == ord("r")) & (raw[equals + 1] == ord('"')) & _WHITESPACE[raw[equals - 2]]]
    if equals.size == 0:
        return 0, 0
    padded = np.concatenate([raw, np.zeros(_WINDOW, dtype=np.uint8)])
    starts = equals + 2  # the first byte of each value

    def byte(offset):
        return padded[starts + offset].astype(np.int64)

    n_letters = np.zeros(starts.size, dtype=np.int64)
    columns = np.zeros(starts.size, dtype=np.int64)
    going = np.ones(starts.size, dtype=bool)
    for k in range(4):  # a fourth letter: not a cell reference
        value = byte(k)
        going &= (value >= ord("A")) & (value <= ord("Z"))
        n_letters += going
        columns = np.where(going, columns * 26 + value - 64, columns)
    n_digits = np.zeros(starts.size, dtype=np.int64)
    numbers = np.zeros(starts.size, dtype=np.int64)
    going = np.ones(starts.size, dtype=bool)
    for k in range(8):  # an eighth digit: not a reference either
        value = padded[np.minimum(starts + n_letters + k, padded.size - 1)].astype(np.int64)
        going &= (value >= ord("0")) & (value <= ord("9"))
        n_digits += going
        numbers = np.where(going, numbers * 10 + value - 48, numbers)
    closing = padded[np.minimum(starts + n_letters + n_digits, padded.size - 1)] == ord('"')
    fits = closing & (n_digits >= 1) & (n_digits <= 7) & (n_letters <= 3)
    cell, row = fits & (n_letters >= 1), fits & (n_letters == 0)
    kept = cell | row
    if not kept.any():
        return 0, 0
    # the tag each attribute sits in: the last "<" before it, with no ">" in between
    at = equals[kept]
    opens, closes = np.flatnonzero(raw == ord("<")), np.flatnonzero(raw == ord(">"))
    lt = np.searchsorted(opens, at) - 1
    if (lt < 0).any():
        return None
    lt = opens[lt]
    gt = np.searchsorted(closes, at) - 1
    if ((gt >= 0) & (closes[np.maximum(gt, 0)] > lt)).any():
        return None
    first, second = padded[lt + 1], padded[lt + 2]
    is_c = (first == ord("c")) & _WHITESPACE[second]
    is_row = ((first == ord("r")) & (second == ord("o")) & (padded[lt + 3] == ord("w"))
              & _WHITESPACE[padded[lt + 4]])
    if not np.where(cell[kept], is_c, is_row).all():
        return None
    max_col = int(columns[cell].max()) if cell.any() else 0
    return max_col, int(numbers[kept].max())


def inspect_sheet(data: bytes, sheet: int | str, where: Where) -> SheetInspection | None:
    """The used range and blank-looking cells of one sheet of an xlsx/xlsm workbook; raises
    ``too_large`` past the limits. None when the bytes are not such a workbook (its reader
    then reports what is wrong)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None
    with archive:
        check_archive(archive, where)
        found = _sheet_part(archive, sheet)
        if found is None or found[1] not in archive.namelist():
            return None
        name, part = found
        max_row = max_col = 0
        errors, uncached = CellFinding(), CellFinding()
        with archive.open(part) as stream:
            tail, dimension_seen = b"", False
            while True:
                block = stream.read(_BLOCK)
                text = tail + block
                # matches starting in the last _OVERLAP bytes are found again with the next block
                cut = len(text) if not block else max(len(text) - _OVERLAP, 0)
                if not dimension_seen and b"dimension" in text and (dimension := _DIMENSION.search(text)):
                    dimension_seen = True
                    end_col, end_row = (dimension.group(3), dimension.group(4)) if dimension.group(3) else (
                        dimension.group(1), dimension.group(2))
                    max_col, max_row = _column_number(end_col or b"A"), int(end_row or 1)
                extent = _extent(text)
                if extent is None:  # an attribute r outside plain <c>/<row> tags: the regexes decide
                    extent = _extent_by_regex(text)
                max_col, max_row = max(max_col, extent[0]), max(max_row, extent[1])
                if b't="e"' in text:  # a cheap test first: error cells are rare
                    errors.add([m.group(1) for m in _ERROR.finditer(text) if m.start() < cut])
                if b"<f" in text or b":f" in text:  # no formula element, no uncached formula
                    uncached.add([m.group(1) for m in _UNCACHED.finditer(text) if m.start() < cut])
                limits.check_sheet_cells(max_row, max_col, name, where)
                if not block:
                    break
                tail = text[cut:]
    return SheetInspection(max_row, max_col, errors, uncached)
