"""Readers: turn a data file's bytes into a grid of cell texts, whatever its format.

Every reader returns the same thing: a ``Grid`` of cell texts held column by column, blank
cells as "". Excel cells are turned into text here, once, so that later steps see one
representation: whole numbers without ``.0``, booleans as TRUE/FALSE, dates as ISO dates
(``2020-01-31``), date-times as ``2020-01-31 12:30:00``.

Formats: CSV/TSV (any one-character separator and quote; encoding declared, or detected in
the order utf-8 (with or without BOM), cp1252, latin-1), XLSX/XLSM/XLSB/XLS through
python-calamine, and XLSX/XLSM through openpyxl when calamine cannot open a file
(or when a recipe asks for it).

A CSV file whose bytes are UTF-8 (declared so, or no encoding declared) goes to Arrow's
reader as it is (``_csv_utf8``): no decoding to Python text and encoding back. Anything that
path cannot vouch for (not UTF-8, a stray quote, ragged rows) is read through the decoded text
as before (``_read_csv_text``), which gives every encoding fallback and every error.

XLSX/XLSM sheets (engine ``auto``) are first read by fastexcel, which runs the same calamine
parser but hands over Arrow columns instead of one Python object per cell. fastexcel types
each column (and may coerce a mixed column, or read some texts as nulls), so its result is
used only when it is proven to be the cells python-calamine reads (``_read_fastexcel``);
otherwise the sheet is read by python-calamine as before.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from python_calamine import CalamineWorkbook

from curation.csv_checks import check_one_encoding, check_quotes, quotes_well_formed
from curation.errors import CurationError, Reason, Where
from curation.sources import check_archive
from curation.workbook_inspect import SheetInspection, inspect_sheet

_CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK_ROWS = 4096

MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Grid:
    """The cells of one sheet or CSV file as text, column by column (all ``n_rows`` long).

    Each column is an Arrow string array (no nulls: a blank cell is ""), so later steps work
    on whole columns with Arrow compute kernels. ``sheet_name`` is None for CSV; ``merged``
    lists merged cell ranges as 0-based inclusive ((first row, first column), (last row,
    last column)) pairs, where the format has them.
    """

    columns: list[pa.Array]
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
        columns = [pa.array(c, type=pa.large_string()) for c in zip(*padded)] if width else []
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


_STRING = pa.large_string()


def _floats_arrow(array: np.ndarray) -> pa.Array:
    """Texts of finite float64 values as ``cell_text`` writes them, with Arrow kernels.

    Whole values below 2**63 print as integers; other values print as Python's ``repr``:
    Arrow's shortest round-trip text is the same digits when both are positional. Python uses
    an exponent only outside 1e-4 <= |v| < 1e16, while Arrow may use one inside it (e.g.
    1.00000000005e+10): every value that either would write with an exponent goes through
    ``repr``.
    """
    values = pa.array(array, type=pa.float64())
    magnitude = np.abs(array)
    whole = (array == np.trunc(array)) & (magnitude < 2.0**63)
    ints = pc.cast(pc.cast(pc.if_else(pa.array(whole), values, 0.0), pa.int64()), _STRING)
    if whole.all():
        return ints
    texts = pc.cast(pc.cast(values, pa.string()), _STRING)
    arrow_exponent = pc.match_substring(texts, "e").to_numpy(zero_copy_only=False)
    odd = ~whole & ((magnitude < 1e-4) | (magnitude >= 1e16) | arrow_exponent)  # incl. whole past int64
    if odd.any():
        patched = np.array(texts.to_pylist(), dtype=object)
        patched[odd] = [cell_text(v) for v in array[odd].tolist()]
        texts = pa.array(patched, type=_STRING)
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
        return pa.array(values, type=_STRING)
    if kinds == {float} or kinds == {int} or kinds == {float, int}:
        array = np.array(values, dtype=np.float64)
        exact = kinds != {int} or (np.abs(array) < 2.0**53).all()
        if exact and np.isfinite(array).all():
            return _floats_arrow(array)
    if kinds == {str, float}:
        objects = np.array(values, dtype=object)
        is_text = np.fromiter((v.__class__ is str for v in values), dtype=bool, count=len(values))
        numbers = np.array(objects[~is_text].tolist(), dtype=np.float64)
        if np.isfinite(numbers).all():
            objects[~is_text] = _floats_arrow(numbers).to_numpy(zero_copy_only=False)
            return pa.array(objects, type=_STRING)
    if kinds == {bool}:
        return pc.if_else(pa.array(values, type=pa.bool_()), "TRUE", "FALSE").cast(_STRING)
    if kinds == {dt.date}:
        return pc.cast(pa.array(values, type=pa.date32()), _STRING)
    return pa.array(list(map(cell_text, values)), type=_STRING)


def column_text(values) -> list[str]:
    """``column_arrow`` as a list of Python strings."""
    return column_arrow(values).to_pylist()


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


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig", "utf8-sig")


def _first_record_width(stream: io.TextIOBase, delimiter: str, quotechar: str | None) -> int:
    """The number of fields of the first record (0: none), as Python's csv module reads it."""
    quoting = {"quotechar": quotechar} if quotechar else {"quoting": csv.QUOTE_NONE}
    first = next(csv.reader(stream, delimiter=delimiter, strict=True, **quoting), None)
    return len(first) if first else 0


def _arrow_grid(source, width: int, delimiter: str, quotechar: str | None, *,
                quoted: bool = True) -> Grid | None:
    """Arrow's parse of UTF-8 CSV bytes into ``width`` text columns; None where it declines.

    ``quoted=False`` says the bytes hold no quote character: then no field is quoted and a line
    end can only end a row, so Arrow's simpler (faster) mode parses them as the quoting one does.
    """
    names = [f"f{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            source,
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=quotechar or False,
                                              double_quote=True, newlines_in_values=quoted,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.large_string() for n in names}, null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # ragged rows, blank lines between rows, odd quoting, not UTF-8: the exact reader decides
    columns = [c.chunk(0) if c.num_chunks == 1 else c.combine_chunks() for c in table.columns]
    return Grid(columns=columns, n_rows=table.num_rows, sheet_name=None)


def _csv_arrow(text: str, delimiter: str, quotechar: str | None) -> Grid | None:
    """Parse with Arrow's CSV reader when every row has the first row's field count; else None."""
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
    the exact path, with its fallbacks and errors), the quotes are checked on the bytes
    (``quotes_well_formed``), and only a file that passes both is read here.
    """
    if encoding is not None and encoding.lower().replace("_", "-") not in _UTF8_NAMES:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or not data:
        return None  # a UTF-16 byte-order mark (auto-detected by the exact path)
    body = data[len(_UTF8_BOM):] if data.startswith(_UTF8_BOM) else data
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
    return _arrow_grid(pa.BufferReader(body), width, delimiter, quotechar, quoted=quoted)


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


def _pick_sheet(names: list[str], sheet: int | str, where: Where) -> str:
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise CurationError(
                Reason.SHEET_MISSING,
                f"no sheet at index {sheet}: the workbook has {len(names)} sheet(s) {names}",
                where.with_(sheet=sheet),
            )
        return names[sheet]
    if sheet not in names:
        raise CurationError(
            Reason.SHEET_MISSING, f"no sheet named {sheet!r}; sheets are {names}", where.with_(sheet=sheet)
        )
    return sheet


def _encrypted(data: bytes, file_format: str) -> bool:
    """An OOXML workbook saved with a password is an OLE2 container with an EncryptionInfo stream."""
    return (data.startswith(_OLE2_MAGIC) and file_format in ("xlsx", "xlsm", "xlsb")
            and "EncryptionInfo".encode("utf-16-le") in data)


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
            blank = pa.array([""] * len(chunk), type=pa.large_string())
            for j in range(lead):
                chunks[j].append(blank)
    return [pa.chunked_array(parts, type=pa.large_string()).combine_chunks() for parts in chunks]


def _read_calamine(data: bytes, sheet: int | str, where: Where) -> Grid:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    name = _pick_sheet(book.sheet_names, sheet, where)
    sheet_data = book.get_sheet_by_name(name)
    merged = list(sheet_data.merged_cell_ranges or [])
    if sheet_data.start is None:
        return Grid(columns=[], n_rows=0, sheet_name=name, merged=merged)
    (_, first_col), (last_row, last_col) = sheet_data.start, sheet_data.end
    width = last_col + 1
    rows = sheet_data.iter_rows()
    first = next(rows, None)
    if first is None:  # pragma: no cover - start is not None, so there is a row
        return Grid(columns=[], n_rows=0, sheet_name=name, merged=merged)
    lead = width - len(first)  # iter_rows starts at the first used column
    columns = _columns_from_rows(itertools.chain([first], rows), lead, width)
    return Grid(columns=columns, n_rows=len(columns[0]) if columns else 0, sheet_name=name, merged=merged)


# ---- the fast xlsx/xlsm path: fastexcel to Arrow, used only where proven equal -------------

logging.getLogger("fastexcel").setLevel(logging.ERROR)  # its notes on column types are not the user's business
_DEDUPED = re.compile(r"^(.*)_[0-9]+$")
_EPOCH_MS = -2209075200000  # 1899-12-31 00:00 as ms since 1970: python-calamine's base of times
_DAY_MS = 86_400_000


def _times_text(ms: np.ndarray) -> list[str]:
    """``cell_text`` of the values python-calamine reads for date-time cells of these
    instants (ms since 1970): a time before 1900-01-01 (serial below 1), a date at midnight,
    a date-time otherwise."""
    out = []
    for value in ms.tolist():
        moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=value)
        if moment.date() == dt.date(1899, 12, 31):
            out.append(moment.time().isoformat())
        else:
            out.append(cell_text(moment))
    return out


def _fill_null(values: pa.Array, value) -> pa.Array:
    """``pc.fill_null``, without its copy of every value when there is no null to fill."""
    return values if values.null_count == 0 else pc.fill_null(values, value)


def _fast_column(array: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """Texts of one fastexcel data column as ``cell_text`` writes python-calamine's cells; None
    when this type is not converted here."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    valid = pc.is_valid(array)
    if pa.types.is_null(kind):
        return pa.array([""] * len(array), type=_STRING)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _fill_null(array.cast(_STRING), "")
    if pa.types.is_boolean(kind):
        return _fill_null(pc.if_else(array, "TRUE", "FALSE").cast(_STRING), "")
    if pa.types.is_floating(kind):
        numbers = _fill_null(array, 0.0).to_numpy(zero_copy_only=False).astype(np.float64)
        if not np.isfinite(numbers).all():
            return None  # a text read as NaN, or something calamine would not give
        texts = _floats_arrow(numbers)
        return texts if array.null_count == 0 else pc.if_else(valid, texts, "")
    if pa.types.is_timestamp(kind) and kind.unit == "ms" and kind.tz is None:
        ms = _fill_null(array.cast(pa.int64()), _EPOCH_MS + _DAY_MS).to_numpy(zero_copy_only=False)
        if (ms < _EPOCH_MS).any():
            return None
        midnight = (ms % _DAY_MS == 0) & (ms >= _EPOCH_MS + _DAY_MS)
        days = pa.array(np.where(midnight, ms // _DAY_MS, 0).astype(np.int32), type=pa.int32()).cast(pa.date32())
        texts = pc.cast(pc.cast(days, pa.string()), _STRING)
        if not midnight.all():
            objects = texts.to_numpy(zero_copy_only=False).copy()
            objects[~midnight] = _times_text(ms[~midnight])
            texts = pa.array(objects, type=_STRING)
        return texts if array.null_count == 0 else pc.if_else(valid, texts, "")
    if pa.types.is_duration(kind) and kind.unit == "ms":
        return pa.array([cell_text(v) if v is not None else "" for v in array.to_pylist()], type=_STRING)
    return None


def _read_fastexcel(data: bytes, sheet: int | str, where: Where,
                    inspection: SheetInspection | None) -> Grid | None:
    """One xlsx/xlsm sheet read by fastexcel, or None unless the result is provably the Grid
    ``_read_calamine`` gives.

    fastexcel reads the sheet's used range with its first row as the header and types each
    column from all its cells. What can differ from python-calamine's cells, and how it is
    ruled out (None, so python-calamine reads the sheet, when any check fails; the XML's counts
    are the ``SheetValues`` that ``inspect_sheet`` found in its pass over the sheet):

    * cells read as null although they hold something (error cells, texts such as "NA" or
      "null" in a typed column, a boolean in an integer column): the cells with a value in the
      XML (``<v>``, ``<is>``) must be exactly the header names taken from cells plus the
      non-null values, and the sheet must have no error cell;
    * coercion (numbers or dates written as text in a text column, booleans as 1.0 in a
      number column, a numeric header cell's name): the text cells in the XML must be exactly
      the header names plus the values of text columns, and the boolean cells exactly the
      values of boolean columns; a number column holds no NaN (a text read as a number);
    * header names changed to be unique (``a``, ``a_1``), or generated for blank cells;
    * the shape: rows from the sheet's first row, columns from column A, as python-calamine's
      ``iter_rows`` gives them; merged ranges from the sheet's ``<mergeCells>``.
    """
    if inspection is None or inspection.error_cells.count:
        return None
    facts = inspection.values
    if facts is None or facts.first_row is None or facts.last_row is None:
        return None
    c = facts.counts
    if c["any_value"] != c["values"] or c["typed"] != (
            c["shared"] + c["formula_text"] + c["inline_type"] + c["bool"] + c["number"]):
        return None  # <v/>, <v attr>, error or ISO-date cells (t="e", t="d"): python-calamine reads them
    try:
        import fastexcel

        reader = fastexcel.read_excel(data)
        name = _pick_sheet(reader.sheet_names, sheet, where)
        if name != facts.name:
            return None  # fastexcel and the workbook's own list name different sheets
        loaded = reader.load_sheet(name, header_row=0, schema_sample_rows=None, dtype_coercion="coerce")
        infos = loaded.selected_columns  # all columns (none chosen); available_columns() types them again
        height = loaded.height
        table = loaded.to_arrow()
        del loaded, reader
    except CurationError:
        raise
    except Exception:  # fastexcel refuses a column type mix, a cell error, a file: calamine decides
        return None
    if facts.first_row + height != facts.last_row or len(infos) != table.num_columns or not infos:
        return None
    lead = infos[0].absolute_index
    if [i.absolute_index for i in infos] != list(range(lead, lead + len(infos))):
        return None
    names = [i.name if i.column_name_from == "looked_up" else None for i in infos]
    if any(i.column_name_from not in ("looked_up", "generated") for i in infos):
        return None
    taken = set(i.name for i in infos)
    if any((m := _DEDUPED.match(i.name)) and m.group(1) in taken for i in infos):
        return None  # a name may have been made unique
    columns = [table.column(j) for j in range(table.num_columns)]
    del table
    non_null = [len(col) - col.null_count for col in columns]
    kinds = [col.type for col in columns]
    headers = sum(n is not None for n in names)
    strings = sum(n for n, k in zip(non_null, kinds) if pa.types.is_string(k) or pa.types.is_large_string(k))
    bools = sum(n for n, k in zip(non_null, kinds) if pa.types.is_boolean(k))
    if (c["values"] + c["inline"] != sum(non_null) + headers
            or c["shared"] + c["formula_text"] + c["inline_type"] != strings + headers
            or c["bool"] != bools or c["inline"] != c["inline_type"]):
        return None
    lead_rows = facts.first_row
    blank_top = pa.array([""] * lead_rows, type=_STRING)
    out: list[pa.Array] = [pa.array([""] * (lead_rows + 1 + height), type=_STRING)] * lead
    for j in range(len(columns)):
        texts = _fast_column(columns[j])
        if texts is None:
            return None
        columns[j] = None  # free fastexcel's column as soon as its texts exist
        header = pa.array([names[j] or ""], type=_STRING)
        out.append(pa.concat_arrays([blank_top, header, texts]))
    return Grid(columns=out, n_rows=lead_rows + 1 + height, sheet_name=name, merged=facts.merged)


def _read_openpyxl(data: bytes, sheet: int | str, where: Where) -> Grid:
    import openpyxl  # imported here: only needed for the files calamine cannot read

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    try:
        name = _pick_sheet(book.sheetnames, sheet, where)
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


def inspect_bounds(data: bytes, sheet: int | str, where: Where, file_format: str):
    """The checks before a workbook's reader allocates anything (``curation.workbook_inspect``):
    every ZIP part within the size limits, the sheet's used range within the cell limit."""
    if file_format in ("xlsx", "xlsm"):
        return inspect_sheet(data, sheet, where)
    if file_format == "xlsb" and zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, where)
    return None


def read_workbook(data: bytes, sheet: int | str, where: Where, *, file_format: str = "xlsx",
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
        fast = _read_fastexcel(data, sheet, where, inspection)
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


def read_grid(data: bytes, file_format: str, *, sheet: int | str, delimiter: str | None,
              encoding: str | None, where: Where, quotechar: str | None = '"',
              ragged_rows: str = "error", engine: str = "auto") -> Grid:
    """Dispatch on the file format."""
    if file_format in ("csv", "tsv"):
        sep = delimiter or ("\t" if file_format == "tsv" else ",")
        return read_csv(data, sep, encoding, where, quotechar=quotechar, ragged_rows=ragged_rows)
    return read_workbook(data, sheet, where, file_format=file_format, engine=engine)
