"""The fast XLSX/XLSM path: fastexcel (the same calamine parser, handing over Arrow columns
instead of one Python object per cell), used only where its result is proven to be the cells
python-calamine reads (``read_fastexcel``); otherwise the caller reads the sheet through
python-calamine (``curation.readers.workbook``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.errors import CurationError, Where
from curation.readers.grid import TEXT, Grid, floats_text
from curation.readers.sheet import pick_sheet
from curation.workbook_inspect import SheetInspection

logging.getLogger("fastexcel").setLevel(logging.ERROR)  # its notes on column types are not the user's business
_DEDUPED = re.compile(r"^(.*)_[0-9]+$")
_EPOCH_MS = -2209075200000  # 1899-12-31 00:00 as ms since 1970: python-calamine's base of times
_DAY_MS = 86_400_000


def _times_text(ms: np.ndarray) -> pa.Array:
    """``cell_text`` of the values python-calamine reads for date-time cells of these
    instants (ms since 1970; none before 1899-12-31, none a midnight after it: those are
    dates): a time of day before 1900-01-01 (serial below 1), a date-time otherwise, with
    ``.fff000`` when there are milliseconds (as ``isoformat`` writes microseconds). Arrow
    kernels, no Python value per cell."""
    fraction = ms % 1000  # of a second, floored as datetime arithmetic floors it
    seconds = (ms - fraction) // 1000
    moments = pc.cast(pa.array(seconds, type=pa.timestamp("s")), pa.string())  # 2020-01-31 12:30:00
    times = pc.cast(pa.array((seconds % 86400).astype(np.int32), type=pa.time32("s")), pa.string())  # 12:30:00
    day_one = pa.array(ms < _EPOCH_MS + _DAY_MS)  # 1899-12-31: python-calamine gives a time
    texts = pc.if_else(day_one, times, moments)
    if fraction.any():
        digits = pc.utf8_lpad(pc.cast(pa.array(fraction), pa.string()), width=3, padding="0")
        with_fraction = pc.binary_join_element_wise(texts, digits, ".")
        texts = pc.if_else(pa.array(fraction != 0), pc.binary_join_element_wise(with_fraction, "000", ""), texts)
    return texts.cast(TEXT)


def _padded(numbers: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers as text, zero-padded to ``width`` digits."""
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=width, padding="0")


def _durations_text(ms: np.ndarray) -> pa.Array:
    """``cell_text`` (``str``) of the ``timedelta`` of each of these milliseconds: ``H:MM:SS``,
    after ``D day(s), `` when there are days (floored: ``-1 day, 23:59:59``), with ``.ffffff``
    when there are milliseconds. Arrow kernels, no Python value per cell."""
    days, rest = ms // _DAY_MS, ms % _DAY_MS
    clock = pc.binary_join_element_wise(
        pc.cast(pa.array(rest // 3_600_000), pa.string()), _padded(rest // 60_000 % 60, 2),
        _padded(rest // 1000 % 60, 2), ":")
    if (rest % 1000).any():
        clock = pc.if_else(pa.array(rest % 1000 != 0),
                           pc.binary_join_element_wise(clock, _padded(rest % 1000 * 1000, 6), "."), clock)
    if days.any():
        unit = pc.if_else(pa.array(np.abs(days) == 1), " day, ", " days, ")
        dated = pc.binary_join_element_wise(pc.cast(pa.array(days), pa.string()), unit, clock, "")
        clock = pc.if_else(pa.array(days != 0), dated, clock)
    return clock.cast(TEXT)


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
        return pa.array([""] * len(array), type=TEXT)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _fill_null(array.cast(TEXT), "")
    if pa.types.is_boolean(kind):
        return _fill_null(pc.if_else(array, "TRUE", "FALSE").cast(TEXT), "")
    if pa.types.is_floating(kind):
        numbers = _fill_null(array, 0.0).to_numpy(zero_copy_only=False).astype(np.float64)
        if not np.isfinite(numbers).all():
            return None  # a text read as NaN, or something calamine would not give
        texts = floats_text(numbers)
        return texts if array.null_count == 0 else pc.if_else(valid, texts, "")
    if pa.types.is_timestamp(kind) and kind.unit == "ms" and kind.tz is None:
        ms = _fill_null(array.cast(pa.int64()), _EPOCH_MS + _DAY_MS).to_numpy(zero_copy_only=False)
        if (ms < _EPOCH_MS).any():
            return None
        midnight = (ms % _DAY_MS == 0) & (ms >= _EPOCH_MS + _DAY_MS)
        days = pa.array(np.where(midnight, ms // _DAY_MS, 0).astype(np.int32), type=pa.int32()).cast(pa.date32())
        texts = pc.cast(pc.cast(days, pa.string()), TEXT)
        if not midnight.all():
            texts = pc.if_else(pa.array(midnight), texts, _times_text(ms))
        return texts if array.null_count == 0 else pc.if_else(valid, texts, "")
    if pa.types.is_duration(kind) and kind.unit == "ms":
        texts = _durations_text(_fill_null(array.cast(pa.int64()), 0).to_numpy(zero_copy_only=False))
        return texts if array.null_count == 0 else pc.if_else(valid, texts, "")
    return None


def read_fastexcel(data: bytes | Path, sheet: int | str, where: Where,
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

        reader = fastexcel.read_excel(str(data) if isinstance(data, Path) else data)  # a path: no copy of the file
        name = pick_sheet(reader.sheet_names, sheet, where)
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
    blank_top = pa.array([""] * lead_rows, type=TEXT)
    out: list[pa.Array] = [pa.array([""] * (lead_rows + 1 + height), type=TEXT)] * lead
    for j in range(len(columns)):
        texts = _fast_column(columns[j])
        if texts is None:
            return None
        columns[j] = None  # free fastexcel's column as soon as its texts exist
        header = pa.array([names[j] or ""], type=TEXT)
        out.append(pa.concat_arrays([blank_top, header, texts]))
    return Grid(columns=out, n_rows=lead_rows + 1 + height, sheet_name=name, merged=facts.merged)

