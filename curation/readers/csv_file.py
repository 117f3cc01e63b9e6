"""CSV/TSV bytes to a ``Grid``: any one-character separator and quote; the encoding declared
or detected in the order utf-8 (with or without BOM), cp1252, latin-1.

A file whose bytes are UTF-8 (declared so, or no encoding declared) goes to Arrow's reader as
it is (``_csv_utf8``): no decoding to Python text and encoding back. Anything that path cannot
vouch for (not UTF-8, a stray quote, ragged rows) is read through the decoded text
(``_read_csv_text``), which gives every encoding fallback and every error.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

import pyarrow as pa
import pyarrow.csv as pa_csv

from curation.csv_checks import check_one_encoding, check_quotes, quotes_well_formed
from curation.errors import CurationError, Reason, Where
from curation.readers.grid import Grid

_CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def _decode(data: bytes, encoding: str | None, where: Where) -> str:
    if encoding:
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"  # a declared utf-8 file with a BOM: do not keep the BOM in a header
        try:
            return data.decode(encoding)
        except LookupError:
            raise CurationError(Reason.RECIPE_INVALID, f"unknown encoding {encoding!r}", where) from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise CurationError(
                Reason.UNREADABLE,
                f"cannot decode as {encoding}: byte {data[exc.start]:#04x} at offset {exc.start} "
                f"(declare the file's real encoding, e.g. cp1252 or latin-1)",
                where.with_(row=line),
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 byte-order mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for candidate in _CSV_ENCODINGS:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if candidate != _CSV_ENCODINGS[0]:
            check_one_encoding(data, candidate, where)
        return text
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


# Arrow reads a file in blocks of this many bytes on this thread, each block a chunk of every
# column, kept as it is (``_arrow_grid``): 32 MiB blocks cost a little more to parse than 4 MiB
# ones, but every kernel after the read runs on a few chunks instead of dozens, for less CPU in
# all (scripts/bench.py, curate csv)
_BLOCK_SIZE = 1 << 25
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig", "utf8-sig")


def _first_record_width(stream: io.TextIOBase, delimiter: str, quotechar: str | None) -> int:
    """The number of fields of the first record (0: none), as Python's csv module reads it."""
    quoting = {"quotechar": quotechar} if quotechar else {"quoting": csv.QUOTE_NONE}
    first = next(csv.reader(stream, delimiter=delimiter, strict=True, **quoting), None)
    return len(first) if first else 0


def _arrow_grid(source, width: int, delimiter: str, quotechar: str | None, *,
                quoted: bool = True, all_ascii: bool = False) -> Grid | None:
    """Arrow's parse of UTF-8 CSV bytes into ``width`` text columns; None where it declines.

    ``quoted=False`` says the bytes hold no quote character: then no field is quoted and a line
    end can only end a row, so Arrow's simpler (faster) mode parses them as the quoting one does.
    ``all_ascii=True`` says every byte is ASCII, so valid UTF-8: Arrow need not validate the values.
    """
    names = [f"f{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            source,
            # blocks of ``_BLOCK_SIZE`` on this thread: less CPU than blocks on threads
            read_options=pa_csv.ReadOptions(column_names=names, block_size=_BLOCK_SIZE, use_threads=False),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=quotechar or False,
                                              double_quote=True, newlines_in_values=quoted,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.large_string() for n in names}, null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=not all_ascii),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # ragged rows, blank lines between rows, odd quoting, not UTF-8: the exact reader decides
    # each column as Arrow read it, one chunk per block: combining them would copy every cell
    # into memory the process has not touched yet (the kernels downstream take chunked arrays)
    columns = [c.chunk(0) if c.num_chunks == 1 else c for c in table.columns]
    return Grid(columns=columns, n_rows=table.num_rows, sheet_name=None)


def _csv_arrow(text: str, delimiter: str, quotechar: str | None) -> Grid | None:
    """Parse with Arrow's CSV reader when every row has the first row's field count; else None."""
    if text.startswith("\ufeff"):
        return None  # Arrow would drop it as a byte-order mark: it is the first cell's text here
    try:
        width = _first_record_width(io.StringIO(text, newline=""), delimiter, quotechar)
    except csv.Error:
        return None
    if not width:
        return None
    return _arrow_grid(io.BytesIO(text.encode("utf-8")), width, delimiter, quotechar)


def _csv_utf8(data: bytes, delimiter: str, encoding: str | None, quotechar: str | None) -> Grid | None:
    """``read_csv``'s grid of a UTF-8 file straight from its bytes, or None to take the exact path.

    The exact path decodes the file (dropping one leading BOM), checks its quotes on the text,
    and encodes the text back to UTF-8 for Arrow: for a valid UTF-8 file those are the file's
    own bytes less the BOM, so they go to Arrow as they are. Arrow validates UTF-8 in every
    column as Python's decoder does (so a file that is not UTF-8 is declined and decoded by
    the exact path, with its fallbacks and errors; bytes that are all ASCII are valid UTF-8
    and are not validated again), the quotes are checked on the bytes
    (``quotes_well_formed``), and only a file that passes both is read here.
    """
    if encoding is not None and encoding.lower().replace("_", "-") not in _UTF8_NAMES:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or not data:
        return None  # a UTF-16 byte-order mark (auto-detected by the exact path)
    body = data[len(_UTF8_BOM):] if data.startswith(_UTF8_BOM) else data
    if body.startswith(_UTF8_BOM):
        return None  # a second mark is the first cell's text, which Arrow would drop as a mark
    if quotes_well_formed(body, delimiter, quotechar) is not True:
        return None
    try:
        width = _first_record_width(io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", newline=""),
                                    delimiter, quotechar)
    except (csv.Error, UnicodeDecodeError):
        return None
    if not width:
        return None
    quoted = bool(quotechar) and quotechar.encode("ascii") in body  # ASCII: quotes_well_formed said so
    return _arrow_grid(pa.BufferReader(body), width, delimiter, quotechar, quoted=quoted,
                       all_ascii=body.isascii())


def read_csv(data: bytes, delimiter: str, encoding: str | None, where: Where, *,
             quotechar: str | None = '"', ragged_rows: str = "error") -> Grid:
    """A CSV/TSV file as a grid: Arrow's reader for regular files, Python's csv module otherwise."""
    fast = _csv_utf8(data, delimiter, encoding, quotechar)
    if fast is not None:
        return fast
    return _read_csv_text(data, delimiter, encoding, where, quotechar=quotechar, ragged_rows=ragged_rows)


def _read_csv_text(data: bytes, delimiter: str, encoding: str | None, where: Where, *,
                   quotechar: str | None = '"', ragged_rows: str = "error") -> Grid:
    """``read_csv`` by way of the decoded text: every encoding, every error."""
    text = _decode(data, encoding, where)
    check_quotes(text, delimiter, quotechar, where)
    fast = _csv_arrow(text, delimiter, quotechar)
    if fast is not None:
        return fast
    quoting = {"quotechar": quotechar} if quotechar else {"quoting": csv.QUOTE_NONE}
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True, **quoting))
    except csv.Error as exc:
        raise CurationError(Reason.UNREADABLE, f"malformed CSV: {exc}", where) from exc
    del text
    widths = Counter(len(r) for r in rows if r)
    if len(widths) > 1 and ragged_rows == "error":
        usual = widths.most_common(1)[0][0]
        index = next(i for i, r in enumerate(rows) if r and len(r) != usual)
        raise CurationError(
            Reason.RAGGED_ROWS,
            f"row has {len(rows[index])} fields where most rows have {usual} "
            f"(set ragged_rows: pad to pad short rows)",
            where.with_(row=index + 1),
        )
    return Grid.from_rows(rows, None)

