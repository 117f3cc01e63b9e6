"""A look inside an OOXML workbook (xlsx/xlsm) before a reader allocates its sheet.

Readers size a sheet from its used range, so one stray cell at XFD1048576 in a 5 KB file asks
for 17 billion cells. ``inspect_sheet`` streams the sheet's XML (after the archive's members
passed ``curation.sources.check_archive``) and finds, without building any cell:

* the used range: the ``<dimension>`` the file declares and the extent of its cells, checked
  against ``curation.limits`` before any reader runs;
* the cells a reader would read as blank although they hold something: Excel error cells
  (``#DIV/0!``, ``#N/A`` ...; ``t="e"``) and formulas saved without a cached value (written
  by tools that do not compute them): counted, with the first cell, for the batch's warnings;
* the cells with a value (``SheetValues``): how many of each kind, the first and last row
  holding one, the merged ranges: what the fast reader (``curation.readers.fastexcel_path.read_fastexcel``)
  checks its result against. Counted in the same pass over the same blocks.

Other formats (xls, xlsb) are read as they are: their used range is not checked here.
"""

from __future__ import annotations

import io
import itertools
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO
from dataclasses import dataclass
from xml.etree import ElementTree

import numpy as np
from isal import isal_zlib

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
_OVERLAP = 4096  # longer than any one cell's opening tag and empty formula


@dataclass
class CellFinding:
    count: int = 0
    first: str | None = None

    def add(self, cells: list[bytes]) -> None:
        if cells and self.first is None:
            self.first = cells[0].decode("ascii")
        self.count += len(cells)


_TOKENS = {  # counted in the sheet's XML; none can straddle more than one block boundary
    "values": b"<v>", "any_value": b"<v", "inline": b"<is>", "typed": b' t="', "shared": b' t="s"',
    "formula_text": b' t="str"', "inline_type": b' t="inlineStr"', "bool": b' t="b"', "number": b' t="n"',
}
_CELL_REF = re.compile(rb"<c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_MERGE_REF = re.compile(rb"<mergeCell\b[^>]*?\sref=\"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?\"")


@dataclass
class SheetValues:
    """What the sheet's XML says about its cells with a value, found by counting (no cell is built)."""

    name: str  # the sheet's name in the workbook's own list
    counts: dict[str, int]  # occurrences of each of ``_TOKENS`` in the sheet's XML
    first_row: int | None  # 0-based row of the first cell with a value, in document order
    last_row: int | None
    merged: list[tuple[tuple[int, int], tuple[int, int]]]  # 0-based inclusive, as ``Grid.merged``


@dataclass
class SheetInspection:
    """What the sheet's XML says before it is read (rows and columns: its used range).

    ``values`` is None when a value's own cell tag could not be found (an odd shape: the fast
    reader then steps aside)."""

    rows: int
    columns: int
    error_cells: CellFinding
    uncached_formulas: CellFinding
    values: SheetValues | None = None


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


def _is_word(byte: int) -> bool:
    return chr(byte).isascii() and (chr(byte).isalnum() or byte == ord("_"))


_WORD = np.array([_is_word(b) for b in range(256)], dtype=bool)  # what \w matches in a bytes pattern
_VALUE = 12  # 3 letters, 7 digits, the closing quote, one more


_FRONT = 8  # room for the bytes before a match at the block's start, and after one at its end


class _Block:
    """One block of the sheet's XML in numpy (``padded``: ``_FRONT`` zero bytes, the text, 24
    zero bytes), with the positions in ``padded`` of its "=" bytes (far fewer than bytes: only
    these are tested), of those after a "t", and of its "<v" and "<i" pairs. ``words[i]`` is
    the 8 bytes of ``padded`` from ``i`` as one big-endian integer (a view, no copy): one
    gather reads 8 bytes at each of many positions, and integers compare as the bytes do."""

    def __init__(self, text: bytes) -> None:
        self.text = text
        self.padded = padded = np.frombuffer(b"".join((bytes(_FRONT), text, bytes(24))), dtype=np.uint8)
        self.words = np.ndarray((len(padded) - 7,), dtype=">u8", buffer=padded, strides=(1,))
        self.equals = np.flatnonzero(padded == ord("="))
        self.before = padded[self.equals - 1]
        self.t_equals = self.equals[self.before == ord("t")]

    def pairs(self, pair: bytes) -> np.ndarray:
        """The positions in ``padded`` where ``pair`` (two bytes) starts, unsorted: the even
        ones, then the odd ones (two bytes at a time: half the comparisons of one byte)."""
        code = int(np.frombuffer(pair, dtype=np.uint16)[0])
        padded, n = self.padded, (len(self.padded) - 1) // 2 * 2
        even = np.flatnonzero(padded[:n].view(np.uint16) == code) * 2
        odd = np.flatnonzero(padded[1:n + 1].view(np.uint16) == code) * 2 + 1
        return np.concatenate([even, odd])


def _word(text: bytes) -> int:
    """``text`` (at most 8 bytes) as the top bytes of a big-endian ``_Block.words`` integer."""
    return int.from_bytes(text.ljust(8, b"\0"), "big")


# a row number of d digits at the top of a word, moved to its low bytes behind 7 - d "0"s: 7
# digits each, whose integers compare as their numbers do (leading zeros and all)
_ROW_PAD = np.array([int.from_bytes(b"0" * (7 - d) + bytes(d), "big") for d in range(8)], dtype=np.uint64)
_ROW_SHIFT = np.array([8 * (8 - d) for d in range(8)], dtype=np.uint64)


def _scan(text: bytes) -> tuple[tuple[int, int] | None, bool]:
    """(``_extent_by_regex(text)`` computed with numpy, or None when it cannot decide; whether
    ``t="e"`` occurs in ``text``).

    Every ``r="..."`` attribute preceded by whitespace is found from the block's ``=`` bytes; its
    value is a cell reference (1-3 letters, 1-7 digits) or a row number (digits) or neither. The
    regexes count such a value when the last ``<`` before it opens a ``<c `` (a reference) or
    ``<row `` (a row) tag with no ``>`` in between and no other value of that kind sits between
    the two (a regex match ends at its value); a value after a ``>`` or before the block's first
    ``<`` (a value's text, or a tag the previous block holds) no regex match reaches. Other
    shapes (namespace prefixes, ``<c/``, several ``<`` in one tag) are left to the regexes: None.
    A value running past the block's end is not a match (the closing quote is missing) and is
    found in the next block, which starts before it.
    """
    return _scan_block(_Block(text))


def _scan_block(block: _Block) -> tuple[tuple[int, int] | None, bool]:
    """``_scan`` of ``block.text``."""
    padded, equals, before, words = block.padded, block.equals, block.before, block.words
    maybe = block.t_equals
    maybe = maybe[padded[maybe + 2] == ord("e")]
    has_error = bool(((padded[maybe + 1] == ord('"')) & (padded[maybe + 3] == ord('"'))).any())
    hits = equals[before == ord("r")]
    space = padded[hits - 2]
    hits = hits[(padded[hits + 1] == ord('"')) & ((space == ord(" ")) | ((space >= 9) & (space <= 13)))]
    if hits.size == 0:  # hits: the "=" of each r="
        return (0, 0), has_error
    window = np.lib.stride_tricks.sliding_window_view(padded, _VALUE)[hits + 2]  # each value and more
    flat = window.reshape(-1)
    digit = (window - ord("0")) < 10
    run = (window[:, 0] - ord("A")) < 26
    lead = [run]  # lead[k]: the value starts with more than k letters
    for k in range(1, 4):
        run = run & ((window[:, k] - ord("A")) < 26)
        lead.append(run)
    letters = lead[0].view(np.uint8) + lead[1].view(np.uint8) + lead[2].view(np.uint8)
    run = digit[:, 0] | lead[0]
    length = run.view(np.uint8).copy()  # the letters, then the digits after them
    for k in range(1, _VALUE - 1):
        run = run & (digit[:, k] | lead[k]) if k < 4 else run & digit[:, k]
        if k >= 4 and not run.any():  # every value ended
            break
        length += run.view(np.uint8)
    closing = flat[np.arange(hits.size) * _VALUE + length] == ord('"')
    n_digits = length - letters
    counted = closing & (n_digits >= 1) & (n_digits <= 7) & ~lead[3]  # the value fits, so far
    cell = letters > 0
    # the usual shapes: <c r="..."> and <row r="...">, the tag's "<" just before the attribute
    usual = np.where(cell, (padded[hits - 4] == ord("<")) & (padded[hits - 3] == ord("c")), False)
    rows = np.flatnonzero(~cell)
    at = hits[rows]
    usual[rows] = ((padded[at - 6] == ord("<")) & (padded[at - 5] == ord("r"))
                   & (padded[at - 4] == ord("o")) & (padded[at - 3] == ord("w")))
    others = np.flatnonzero(counted & ~usual)
    if others.size:  # no match starts before the text's first "<" (a block cut inside a tag): none counted there
        first_open = block.text.find(b"<")
        early = hits[others] < (first_open + _FRONT if first_open >= 0 else len(padded))
        counted[others[early]] = False
        others = others[~early]
    if others.size:
        verdict = _decide(padded, hits[counted], cell[counted], hits[others], cell[others])
        if verdict is None:
            return None, has_error
        counted[others] = verdict
    if not counted.any():
        return (0, 0), has_error
    references = np.flatnonzero(counted & cell)
    max_col = _column_number(_greatest(flat, references * _VALUE, letters[references])) if references.size else 0
    numbers = np.flatnonzero(counted)
    starts, digits = numbers * _VALUE + letters[numbers], n_digits[numbers]
    if ((flat[starts] == ord("0")) & (digits > 1)).any():  # 007: the longest text is not the greatest number
        padded_numbers = (words[hits[numbers] + 2 + letters[numbers]] >> _ROW_SHIFT[digits]) | _ROW_PAD[digits]
        return (max_col, int(int(padded_numbers.max()).to_bytes(8, "big").lstrip(b"\0"))), has_error
    return (max_col, int(_greatest(flat, starts, digits))), has_error


def _greatest(flat: np.ndarray, starts: np.ndarray, widths: np.ndarray) -> bytes:
    """The greatest of the strings of ``widths`` bytes at ``starts`` in ``flat``: the longest,
    then byte by byte (for capital letters, or for digits without leading zeros, the greatest number)."""
    width = int(widths.max())
    starts = starts[widths == width]
    for k in range(width):
        if starts.size == 1:
            break
        byte = flat[starts + k]
        starts = starts[byte == byte.max()]
    return bytes(flat[starts[0]:starts[0] + width])


def _decide(padded: np.ndarray, hits: np.ndarray, cell: np.ndarray, at: np.ndarray, is_cell: np.ndarray
            ) -> np.ndarray | None:
    """Whether the regexes count each value at ``at`` (``is_cell``: a reference, else a row
    number), ``hits`` being the positions in ``padded`` of all values that fit (``cell``: their
    kind); None when the regexes must decide."""
    # the "<" and ">" bytes, after a "<" at -3 and a ">" at -2 standing for none
    opens = np.concatenate([[-3], np.flatnonzero(padded == ord("<"))])
    closes = np.concatenate([[-2], np.flatnonzero(padded == ord(">"))])
    lt_index = np.searchsorted(opens, at) - 1
    lt, gt = opens[lt_index], closes[np.searchsorted(closes, at) - 1]  # the last of each before
    in_tag = lt > gt  # a "<" with no ">" after it: the only place a match can start
    lone = opens[np.maximum(lt_index - 1, 0)] < gt  # no other "<" in the tag
    name = padded[np.maximum(lt, 0)[:, None] + np.arange(1, 5)]
    is_c = (name[:, 0] == ord("c")) & _WHITESPACE[name[:, 1]]
    is_row = (name[:, 0] == ord("r")) & (name[:, 1] == ord("o")) & (name[:, 2] == ord("w")) & _WHITESPACE[name[:, 3]]
    opens_kind = np.where(is_cell, is_c, is_row)
    cannot = ~_WORD[name[:, 0]] | np.where(is_cell, is_row, is_c)  # no (prefix:)c or (prefix:)row there
    if (in_tag & ~opens_kind & ~(lone & cannot)).any():
        return None
    # a match ends at its value: a value of the same kind between the tag's "<" and this one took it
    counted = in_tag & opens_kind
    for kind in (True, False):
        same = hits[cell == kind]
        mine = counted & (is_cell == kind)
        previous = np.searchsorted(same, at[mine]) - 1
        taken = (previous >= 0) & (same[np.maximum(previous, 0)] > lt[mine])
        counted[np.flatnonzero(mine)[taken]] = False
    return counted


def _extent(text: bytes) -> tuple[int, int] | None:
    """``_extent_by_regex(text)`` by numpy over the whole block, or None when the regexes must decide."""
    return _scan(text)[0]


def _contains(text: bytes, word: bytes) -> bool:
    """``word in text``, looking for its "m" first (memchr; rare in a sheet's cells)."""
    at, offset = text.find(b"m"), word.index(b"m")
    for _ in range(64):
        if at < 0:
            return False
        if at >= offset and text.startswith(word, at - offset):
            return True
        at = text.find(b"m", at + 1)
    return word in text


def _has_formula(text: bytes) -> bool:
    """``b"<f" in text or b":f" in text``, looking for the rarer "f" first (memchr)."""
    at = text.find(b"f")
    for _ in range(64):
        if at < 0:
            return False
        if at > 0 and text[at - 1] in b"<:":
            return True
        at = text.find(b"f", at + 1)
    return b"<f" in text or b":f" in text


def _matches(padded: np.ndarray, starts: np.ndarray, word: bytes, since: int) -> int:
    """How many of ``starts`` (positions in ``padded``) begin ``word`` and end past ``since``."""
    keep = starts + len(word) > since
    for k, byte in enumerate(word):
        keep &= padded[starts + k] == byte
    return int(np.count_nonzero(keep))


def _cell_row(text: bytes, position: int) -> int | None:
    """The 0-based row of the cell whose value starts at ``position``; None unless the cell's
    own start tag (not an earlier, closed cell's) is in ``text``."""
    start = text.rfind(b"<c ", 0, position)
    match = _CELL_REF.match(text, start) if start >= 0 else None
    close = text.find(b">", start) if match else -1
    if not match or close < 0 or close >= position or text[close - 1:close] == b"/" or b"</c>" in text[close:position]:
        return None
    return int(match.group(2)) - 1


class _ValueCount:
    """``SheetValues`` gathered block by block; each block is the previous one's last
    ``_OVERLAP`` bytes (its first ``since``) and new bytes, and only what ends in the new bytes counts."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(_TOKENS, 0)
        self.first_row: int | None = None
        self.last_row: int | None = None
        self.merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.known = True  # False once a value's cell cannot be found

    def add(self, block: _Block, since: int) -> None:
        if not self.known:
            return
        text, padded = block.text, block.padded
        counts, end = self.counts, since + _FRONT  # ``end``: ``since`` in ``padded``
        # the ' t="' tokens, found from their "=" (2 bytes into each), told apart by their 5th byte
        at = block.t_equals
        typed = at[(padded[at - 2] == ord(" ")) & (padded[at + 1] == ord('"'))] - 2
        counts["typed"] += int(np.count_nonzero(typed + 4 > end))
        kind = block.words[typed + 4]  # the 8 bytes after each ' t="'
        for key, width in (("shared", 2), ("formula_text", 4), ("bool", 2), ("number", 2), ("inline_type", 8)):
            token = _TOKENS[key]
            shift = np.uint64(64 - 8 * width)
            found = typed[(kind >> shift) == (_word(token[4:4 + width]) >> (64 - 8 * width))]
            if len(token) > 4 + width:  # ' t="inlineStr"': its last bytes too
                found = found[(block.words[found + 12] >> np.uint64(64 - 8 * (len(token) - 12)))
                              == _word(token[12:]) >> (64 - 8 * (len(token) - 12))]
            counts[key] += int(np.count_nonzero(found + len(token) > end))
        # "<v>", "<v" and "<is>", found from their first two bytes
        vs, iss = block.pairs(b"<v"), block.pairs(b"<i")
        counts["any_value"] += int(np.count_nonzero(vs + 2 > end))
        counts["inline"] += _matches(padded, iss, b"<is>", end)
        vs = vs[padded[vs + 2] == ord(">")]
        iss = iss[(padded[iss + 2] == ord("s")) & (padded[iss + 3] == ord(">"))]
        counts["values"] += int(np.count_nonzero(vs + 3 > end))
        vs, iss = vs - _FRONT, iss - _FRONT  # positions in ``text``
        if self.first_row is None:
            firsts = [int(a[a >= start].min()) for a, start in (
                (vs, max(since - 2, 0)), (iss, max(since - 3, 0))) if (a >= start).any()]
            if firsts:
                self.first_row = _cell_row(text, min(firsts)) if min(firsts) > 0 else None
                if self.first_row is None:
                    self.known = False
                    return
        last = max(int(vs.max()) if vs.size else -1, int(iss.max()) if iss.size else -1)
        if last >= 0 and last + 4 > since:
            self.last_row = _cell_row(text, last)
            if self.last_row is None:
                self.known = False
                return
        if _contains(text, b"mergeCell"):
            for m in _MERGE_REF.finditer(text):
                if m.end() > since:
                    first = (int(m.group(2)) - 1, _column_number(m.group(1)) - 1)
                    end_cell = (int(m.group(4)) - 1, _column_number(m.group(3)) - 1) if m.group(3) else first
                    self.merged.append((first, end_cell))

    def result(self, name: str) -> SheetValues | None:
        return SheetValues(name, self.counts, self.first_row, self.last_row, self.merged) if self.known else None


_INPUT = 1 << 20  # compressed bytes read at a time


def _member_blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    """The member's bytes, inflated in blocks of ``size`` (the last one shorter), as
    ``archive.open(info).read(size)`` gives them: no more than the ``file_size`` its header
    declares, ``BadZipFile`` when their CRC-32 is not the header's, ``EOFError`` when the
    file ends inside them. A deflated member is inflated by ISA-L (``isal_zlib``, about
    twice zlib's speed) from its compressed bytes, which ``zipfile`` reads as they are (the
    member opened as if stored: a ``ZipInfo`` of the same header without a CRC to check)."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with archive.open(info) as stream:
            yield from iter(lambda: stream.read(size), b"")
        return
    raw = zipfile.ZipInfo(info.orig_filename, info.date_time)
    raw.flag_bits, raw.header_offset = info.flag_bits, info.header_offset
    raw.compress_size = raw.file_size = info.compress_size
    inflater, crc, left, parts, have = isal_zlib.decompressobj(-15), 0, info.file_size, [], 0
    with archive.open(raw) as stream:
        while left and not inflater.eof:
            data = inflater.unconsumed_tail or stream.read(_INPUT)  # b"": what the inflater still holds
            out = inflater.decompress(data, min(size - have, left))
            if not data and not out:  # the compressed bytes ended before the end-of-stream marker
                break
            crc, left, have = isal_zlib.crc32(out, crc), left - len(out), have + len(out)
            parts.append(out)
            if have == size:
                yield b"".join(parts)
                parts, have = [], 0
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    if have:
        yield b"".join(parts)


def inspect_sheet(data: bytes | str | os.PathLike | BinaryIO, sheet: int | str, where: Where
                  ) -> SheetInspection | None:
    """The used range and blank-looking cells of one sheet of an xlsx/xlsm workbook (its
    bytes, or what ``zipfile.ZipFile`` opens: a path, a file); raises ``too_large`` past the
    limits. None when the bytes are not such a workbook (its reader then reports what is wrong)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except zipfile.BadZipFile:
        return None
    with archive:
        check_archive(archive, where)
        found = _sheet_part(archive, sheet)
        if found is None or found[1] not in archive.namelist():
            return None
        name, part = found
        max_row = max_col = 0
        errors, uncached, values = CellFinding(), CellFinding(), _ValueCount()
        blocks = itertools.chain(_member_blocks(archive, archive.getinfo(part), _BLOCK), [b""])
        tail, dimension_seen = b"", False
        try:
            for block in blocks:
                text = tail + block
                # matches starting in the last _OVERLAP bytes are found again with the next block
                cut = len(text) if not block else max(len(text) - _OVERLAP, 0)
                if not dimension_seen and _contains(text, b"dimension") and (dimension := _DIMENSION.search(text)):
                    dimension_seen = True
                    end_col, end_row = (dimension.group(3), dimension.group(4)) if dimension.group(3) else (
                        dimension.group(1), dimension.group(2))
                    max_col, max_row = _column_number(end_col or b"A"), int(end_row or 1)
                numpy_block = _Block(text)
                extent, has_error = _scan_block(numpy_block)
                if block:
                    values.add(numpy_block, len(tail))
                del numpy_block
                if extent is None:  # an attribute r outside plain <c>/<row> tags: the regexes decide
                    extent = _extent_by_regex(text)
                max_col, max_row = max(max_col, extent[0]), max(max_row, extent[1])
                if has_error:  # a cheap test first: error cells are rare
                    errors.add([m.group(1) for m in _ERROR.finditer(text) if m.start() < cut])
                if _has_formula(text):  # no formula element, no uncached formula
                    uncached.add([m.group(1) for m in _UNCACHED.finditer(text) if m.start() < cut])
                limits.check_sheet_cells(max_row, max_col, name, where)
                tail = text[cut:]
        except (zipfile.BadZipFile, EOFError, zlib.error, isal_zlib.error) as exc:
            raise CurationError(Reason.UNREADABLE, f"cannot open the workbook: its sheet {name!r} does not "
                                f"inflate ({type(exc).__name__}: {exc})", where) from exc
    return SheetInspection(max_row, max_col, errors, uncached, values.result(name))
