"""Reading a seed's bytes back before they are used: a seed that would load other rows or
values than the curator meant stops the run before anything is written.

Two checks, one meaning (the bytes read back, as a CSV reader following RFC 4180 reads them,
as the header and the text of every cell meant; a missing value is the empty field):

* ``check_round_trip`` parses the bytes with Arrow's CSV reader and compares every value: it
  holds for any bytes, whoever wrote them;
* ``unquoted_reads_back`` vouches, without a second parse, for bytes whose rows Arrow's CSV
  writer wrote unquoted (``seed_writer._unquoted_body``: it writes each row's cells joined by
  ``,`` and ended by ``\n``, a missing value as the empty field, and refuses a cell that
  would need quoting). With no quote and no CR in the rows, a reader splits them at every
  ``,`` and ``\n`` and nowhere else; the check finds one where the cells' byte lengths put
  each (each row's line feed, each cell's comma) and counts them: as many as the cells make,
  all where they belong, so none elsewhere; the reader reads exactly the rows and the fields,
  each of its cell's length. That the fields'
  bytes are the cells' is what the writer does; the sum of the rows' bytes is compared with
  the cells' too, so a byte changed, lost or added is not vouched for either. When it cannot
  vouch, the caller runs ``check_round_trip``, which has the last word.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from curation import text_bytes
from curation.errors import CurationError, Reason, Where

_CELLS_AT_ONCE = 1 << 17  # delimiters compared at once (a few hundred KB of rows and positions)


def _texts(series: pd.Series) -> pa.Array:
    """The text the csv module writes for each value (a missing one: the empty field)."""
    if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
        return pc.fill_null(pc.cast(pa.array(series, from_pandas=True), pa.large_string()), "")
    values = series.astype(object).where(series.notna(), None).tolist()
    return pa.array(["" if v is None else v if isinstance(v, str) else str(v) for v in values],
                    type=pa.large_string())


def _header_cells(line: bytes) -> list[str]:
    """The header's cells as the csv module reads the first line."""
    return next(csv.reader(io.StringIO(line.decode("utf-8"))), [])


def check_round_trip(frame: pd.DataFrame, data: bytes, name: str, meant: list[pa.Array] | None = None) -> None:
    """Parse the seed's bytes as a CSV reader (RFC 4180) does and compare every value with the
    frame (a missing value is an empty field), raising ``SEED_ROUND_TRIP`` where they differ.
    ``meant``: each column's text as ``_texts`` gives it, when the caller has it already."""
    names = [f"c{i}" for i in range(len(frame.columns))]
    try:
        # Without a quote character in the bytes no field is quoted, so a line feed can only end
        # a row: the reader's simpler mode parses such bytes exactly as the RFC 4180 one does.
        # UTF-8 is not validated apart: every value is compared with the (valid) text meant.
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24,
                                            use_threads=False),
            # An empty line is a row (one empty field) only in a one-column file: with more
            # columns DuckDB's reader skips it, so it must not read back as a row of blanks here.
            parse_options=pa_csv.ParseOptions(newlines_in_values=b'"' in data,
                                              ignore_empty_lines=len(names) > 1),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                  null_values=[], strings_can_be_null=False, check_utf8=False))
    except pa.ArrowInvalid as exc:
        raise CurationError(Reason.SEED_ROUND_TRIP, f"the seed {name} does not parse back as CSV: {exc}",
                            Where(table=name)) from None
    if table.num_rows != len(frame):
        raise CurationError(Reason.SEED_ROUND_TRIP, f"the seed {name} reads back as {table.num_rows} rows, "
                            f"not the {len(frame)} written", Where(table=name))
    end = data.find(b"\n")  # the first line (not ``split``, which would copy all the others)
    header = _header_cells(data if end < 0 else data[:end])
    if header != [str(c) for c in frame.columns]:
        raise CurationError(Reason.SEED_ROUND_TRIP, f"the seed {name}'s header reads back as {header}",
                            Where(table=name))
    meant_columns = meant if meant is not None else [_texts(frame[column]) for column in frame.columns]
    if table.equals(pa.Table.from_arrays(meant_columns, names=names)):
        return  # every value as meant (one comparison in C++); else find the first that is not
    for position, column in enumerate(frame.columns):
        meant = meant_columns[position]
        read = table.column(position).combine_chunks()
        differ = pc.invert(pc.equal(meant, read))
        if pc.any(differ).as_py():
            row = int(pc.index(differ, True).as_py())
            raise CurationError(
                Reason.SEED_ROUND_TRIP,
                f"the seed {name} reads back {read[row].as_py()!r} where {meant[row].as_py()!r} was written "
                "(a bug in the seed writer: please report it)", Where(table=name, row=row + 2, column=str(column)))


def _offsets_and_bytes(column: pa.Array | pa.ChunkedArray) -> list[tuple[np.ndarray, np.ndarray]]:
    """A large_string array's value offsets and the bytes they index (no copy), chunk by chunk."""
    parts = []
    for chunk in text_bytes.chunks(column):
        offsets, values = text_bytes.buffers(chunk)
        parts.append((offsets, values[offsets[0]:offsets[-1]]))
    return parts


def unquoted_reads_back(frame: pd.DataFrame, data: bytes, header_end: int, meant: list[pa.Array]) -> bool:
    """Whether ``data`` (the header line, ``header_end`` bytes, then rows Arrow's CSV writer
    wrote without quoting) reads back as ``frame``'s header and the text ``meant`` of each of
    its columns (large_string, no NULL): see the module's docstring. False: not vouched for
    (the caller parses the bytes again)."""
    n_rows, n_columns = len(frame), len(meant)
    if (n_columns < 2 or any(len(c) != n_rows or c.null_count or not pa.types.is_large_string(c.type) for c in meant)
            or header_end < 1 or data[header_end - 1:header_end] != b"\n"):
        return False
    try:
        header = list(csv.reader(io.StringIO(data[:header_end].decode("utf-8"), newline=""), strict=True))
    except (csv.Error, UnicodeDecodeError):
        return False
    if header != [[str(c) for c in frame.columns]]:  # one record, the names
        return False
    if data.find(b'"', header_end) >= 0 or data.find(b"\r", header_end) >= 0:
        return False  # no field of the body can be quoted, and a line feed always ends a row
    body = np.frombuffer(data, dtype=np.uint8, offset=header_end)
    if n_rows == 0:
        return len(body) == 0
    # each cell's width with its delimiter, column by column: int16 when every cell is shorter
    # than 32 KiB, else int32 unless a column is 2 GiB or more
    cells = [_offsets_and_bytes(column) for column in meant]
    longest = max(int((offsets[1:] - offsets[:-1]).max(initial=0)) for parts in cells for offsets, _ in parts)
    wide = any(sum(len(values) for _, values in parts) >= 2**31 - n_rows for parts in cells)
    dtype = np.int16 if longest < 2**15 - 1 else np.int64 if wide else np.int32
    widths = np.empty((n_columns, n_rows), dtype=dtype)
    cell_sum = 0
    for j, parts in enumerate(cells):
        start = 0
        for chunk_offsets, values in parts:
            end = start + len(chunk_offsets) - 1
            np.subtract(chunk_offsets[1:], chunk_offsets[:-1], out=widths[j, start:end], casting="unsafe")
            cell_sum += int(values.sum(dtype=np.uint64))
            start = end
    widths += 1  # each cell followed by its , or \n
    row_ends = np.cumsum(widths.sum(axis=0, dtype=np.int64))
    if len(body) != int(row_ends[-1]):
        return False
    row_delimiters = np.full(n_columns, ord(","), dtype=np.uint8)
    row_delimiters[-1] = ord("\n")
    step = max(1, _CELLS_AT_ONCE // n_columns)  # rows at once: their bytes stay in the CPU's cache
    body_sum = 0
    for first in range(0, n_rows, step):
        last = min(n_rows, first + step)
        start = int(row_ends[first - 1]) if first else 0
        block = body[start:int(row_ends[last - 1])]
        delimiters = np.cumsum(widths[:, first:last].T.ravel(), dtype=np.int64) - 1
        # each row ends with its line feed and its cells with commas, where the cells' lengths
        # put them, and the rows hold no other delimiter (so every cell is of its length)
        if not np.array_equal(block[delimiters], np.tile(row_delimiters, last - first)):
            return False
        if np.count_nonzero(block == ord(",")) + np.count_nonzero(block == ord("\n")) != len(delimiters):
            return False
        body_sum += int(block.sum(dtype=np.uint64))
    commas = n_rows * (n_columns - 1)
    return body_sum == cell_sum + commas * ord(",") + n_rows * ord("\n")
