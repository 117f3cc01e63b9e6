"""Reading one batch: from its file chain to named columns, patient ids and an account of rows.

The work is done column by column: each kept column's data cells become one pandas string
Series (Arrow-backed) once, and every row decision (blank rows, cuts, the row filter, blank
patient ids) is a boolean mask combined over columns, so nothing loops over cells in Python.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from curation import bigquery_limits
from curation.column_types import BatchProfile, profile
from curation.errors import CurationError, Reason, Where
from curation.layout import SkipReason, data_end, fill_merged
from curation.naming import (
    RESERVED_NAMES,
    join_header_cells,
    normalize_header,
    positional_name,
    unique_names,
)
from curation.patient_ids import apply_rule
from curation.readers import read_grid
from curation.recipe_regex import RegexTimeout
from curation.recipe import Batch, LoadedRecipe, Table
from curation.report import Warning_
from curation.sources import open_chain


@dataclass
class SourceColumn:
    """One column of a batch: its curated name, where it came from, and its cell texts."""

    name: str
    header_cells: list[str]
    number: int  # 0-based position in the source sheet (its row, for a pivoted sheet)
    values: pd.Series
    # the column's profile over the rows IDC's pandas reading types it by (``pandas_rows``);
    # None: profile ``values``
    pandas_profile: BatchProfile | None = None


@dataclass
class BatchData:
    number: int
    chain: tuple[str, ...]
    sheet_name: str | None
    downloaded_md5: str
    columns: list[SourceColumn]
    patient_column: str
    patient_ids: pd.Series
    row_numbers: np.ndarray  # 1-based sheet row (sheet column, when pivoted) of each kept row
    cast_column: str  # the column IDC casts to integer-or-text (curation.column_types)
    rows_read: int
    rows_skipped: Counter
    source_columns: int
    columns_dropped: Counter
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def data_file(self) -> str:
        return self.chain[-1]

    @property
    def rows_written(self) -> int:
        return len(self.patient_ids)


def _header_cells(columns: list[pa.Array], header_rows: list[int]) -> list[list[str]]:
    """Header cells per column, top to bottom."""
    return [[col[r - 1].as_py() for r in header_rows] for col in columns]


def _transpose(columns: list[pa.Array]) -> list[pa.Array]:
    """Rows become columns (a pivoted sheet); pivoted sheets are small, so Python lists do."""
    rows = zip(*(c.to_pylist() for c in columns))
    return [pa.array(r, type=pa.large_string()) for r in rows]


def _carried_levels(batch: Batch) -> int:
    """How many upper header levels take the text on their left where blank: IDC's reading
    (pandas with blanks kept as "") fills only the sheet's first row, whose blank cells pandas
    names ``Unnamed: n``; a blank cell of any lower row, or of a pivoted sheet, stays blank."""
    return 1 if not batch.pivot and len(batch.header_rows) > 1 and batch.header_rows[0] == 1 else 0


def _carry_right(header: list[list[str]], levels: int) -> None:
    """Blank cells of the first ``levels`` header rows take the text on their left (merged
    cells read as blanks), in place."""
    for level in range(levels):
        last = ""
        for cells in header:
            if cells[level].strip():
                last = cells[level]
            else:
                cells[level] = last


def find_column(wanted: str | int, joined: list[str], names: list[str], what: str, where: Where) -> int:
    """0-based position of a column named by its header as in the file, its curated name, or 1-based position."""
    if isinstance(wanted, int):
        if wanted > len(joined):
            raise CurationError(
                Reason.PATIENT_COLUMN_MISSING if what == "patient" else Reason.COLUMN_MISSING,
                f"{what} column position {wanted} is past the last column ({len(joined)})",
                where.with_(column=wanted),
            )
        return wanted - 1
    for candidates in (joined, names, [j.strip() for j in joined]):
        if wanted in candidates:
            return candidates.index(wanted)
    raise CurationError(
        Reason.PATIENT_COLUMN_MISSING if what == "patient" else Reason.COLUMN_MISSING,
        f"no {what} column {wanted!r}; the headers are {joined}",
        where.with_(column=wanted),
    )


def _blank(column: pa.Array) -> np.ndarray:
    return pc.equal(pc.utf8_trim_whitespace(column), "").to_numpy(zero_copy_only=False)


def _apply_patient_rule(steps, raw_ids: pd.Series, tcia_name: str | None, row_numbers: np.ndarray,
                        where: Where) -> pd.Series:
    """dicom_patient_id of every kept row; a value the rule cannot take stops the run, naming its row."""
    if not steps:
        return raw_ids.astype(object)
    out, cache = [], {}
    for index, value in enumerate(raw_ids.tolist()):
        if value not in cache:
            try:
                cache[value] = apply_rule(steps, value, tcia_name)
            except ValueError as exc:
                raise CurationError(Reason.PATIENT_ID_RULE, str(exc),
                                    where.with_(row=int(row_numbers[index]))) from exc
        out.append(cache[value])
    return pd.Series(out, dtype=object)


@dataclass
class _Rows:
    """Which data rows of a batch are kept, and why the others are not."""

    start: int  # 0-based index of the first data row (after the header and its skips)
    rows_read: int
    data: list[pa.Array]  # each column's cells from ``start`` on
    blanks: list[np.ndarray]  # per column: which of those cells are blank
    keep: np.ndarray
    skipped: Counter


def _open(loaded: LoadedRecipe, table: Table, number: int):
    """The batch's grid (transposed when pivoted), its source and where it is."""
    batch: Batch = table.batches[number]
    where = Where(recipe=loaded.name, table=loaded.recipe.table_name(table), batch=number,
                  file=batch.data_file)
    source = open_chain(loaded.source_root, batch.files, where)
    if batch.file_format not in ("csv", "tsv"):
        where = where.with_(sheet=batch.sheet)
    grid = read_grid(source.data, batch.file_format, sheet=batch.sheet, delimiter=batch.delimiter,
                     encoding=batch.encoding, where=where, quotechar=batch.quotechar,
                     ragged_rows=batch.ragged_rows, engine=batch.engine)
    if grid.sheet_name is not None:
        where = where.with_(sheet=grid.sheet_name)
    columns, n_rows = grid.columns, grid.n_rows
    if batch.pivot:
        columns = _transpose(columns) if columns else []
        n_rows = len(grid.columns)
    if batch.header_rows[-1] > n_rows:
        what = "sheet column" if batch.pivot else "row"
        raise CurationError(
            Reason.HEADER_OUT_OF_RANGE,
            f"header row {batch.header_rows[-1]} is past the last {what} ({n_rows})",
            where.with_(row=batch.header_rows[-1]),
        )
    return source, grid, columns, n_rows, where


def _select_rows(batch: Batch, columns: list[pa.Array], n_rows: int, joined: list[str],
                 normalized: list[str], where: Where) -> _Rows:
    """Every row after the header is read, then kept or skipped for a reason."""
    last_header = batch.header_rows[-1]
    start = min(last_header + batch.skip_rows_after_header, n_rows)
    skipped: Counter = Counter()
    if start > last_header:
        skipped[SkipReason.AFTER_HEADER.value] += start - last_header
    region = n_rows - start
    data = [col.slice(start) for col in columns]
    blanks = [_blank(col) for col in data]
    blank_row = np.logical_and.reduce(blanks) if blanks else np.ones(region, dtype=bool)
    try:
        end, cut_reason = data_end(batch, data, blank_row)
    except RegexTimeout as exc:
        raise CurationError(Reason.RECIPE_INVALID, f"stop_at: {exc}", where.with_(row=exc.row)) from None
    keep = np.zeros(region, dtype=bool)
    keep[:end] = True
    if cut_reason is not None and end < region:
        skipped[cut_reason.value] += region - end
    for row in batch.skip_rows:
        index = row - 1 - start
        if 0 <= index < region and keep[index]:
            keep[index] = False
            skipped[SkipReason.DECLARED.value] += 1
    dropped_blank = keep & blank_row
    if dropped_blank.any():
        skipped[SkipReason.BLANK.value] += int(dropped_blank.sum())
        keep &= ~blank_row
    if batch.row_filter is not None:
        position = find_column(batch.row_filter.column, joined, normalized, "row_filter", where)
        matches = pc.is_in(pc.utf8_trim_whitespace(data[position]),
                           value_set=pa.array(sorted(batch.row_filter.values), type=pa.large_string()))
        matches = matches.to_numpy(zero_copy_only=False)
        skipped[SkipReason.FILTERED.value] += int((keep & ~matches).sum())
        keep &= matches
    return _Rows(start, n_rows - last_header, data, blanks, keep, skipped)


def _drop_blank_patients(batch: Batch, rows: _Rows, patient_position: int, where: Where,
                         warnings: list[Warning_]) -> None:
    """Rows with data but a blank patient id: an error, or skipped with a warning."""
    blank_patient = rows.keep & rows.blanks[patient_position] if rows.blanks else rows.keep
    if not blank_patient.any():
        return
    count = int(blank_patient.sum())
    first_row = rows.start + int(np.argmax(blank_patient)) + 1
    if batch.blank_patient_ids == "error":
        raise CurationError(
            Reason.EMPTY_PATIENT_ID,
            f"{count} row(s) have an empty patient id; the first is row {first_row} "
            "(set blank_patient_ids: skip to drop such rows with a warning)",
            where.with_(row=first_row, column=batch.patient_column),
        )
    rows.skipped[SkipReason.BLANK_PATIENT.value] += count
    rows.keep &= ~blank_patient
    warnings.append(Warning_(
        "blank_patient_id",
        f"{count} row(s) with data have a blank patient id and are not written; the first is row {first_row}",
        where.with_(row=first_row, column=batch.patient_column),
    ))


def _select_columns(batch: Batch, joined: list[str], normalized: list[str], rows: _Rows,
                    patient_position: int, where: Where, warnings: list[Warning_]):
    """Declared skips, then columns with neither a header nor a kept value; unique names."""
    skip_positions = {find_column(c, joined, normalized, "skip_columns", where) for c in batch.skip_columns}
    if patient_position in skip_positions:
        raise CurationError(Reason.RECIPE_INVALID, "the patient column is listed in skip_columns",
                            where.with_(column=batch.patient_column))
    dropped: Counter = Counter()
    names, keep_positions = [], []
    for position, name in enumerate(normalized):
        if position in skip_positions:
            dropped["skip_columns"] += 1
            continue
        if not name and not (rows.keep & ~rows.blanks[position]).any():
            dropped["no header and no values"] += 1
            continue
        if not name:
            name = positional_name(position + 1)
            warnings.append(Warning_("empty_header", f"column {position + 1} has no header: named {name!r}",
                                     where.with_(column=position + 1)))
        names.append(name)
        keep_positions.append(position)
    if patient_position not in keep_positions:
        raise CurationError(Reason.PATIENT_COLUMN_MISSING, "the patient column is empty",
                            where.with_(column=batch.patient_column))
    unique, renamed = unique_names(names, set(RESERVED_NAMES))
    for old, new in renamed:
        warnings.append(Warning_("duplicate_name", f"two headers normalize to {old!r}: one renamed {new!r}",
                                 where.with_(column=new)))
    return unique, keep_positions, dropped


def pandas_rows(batch: Batch, columns: list[pa.Array], n_rows: int) -> np.ndarray | None:
    """The rows whose cells type a column in IDC's conventional reading (None: the kept rows).

    IDC reads the whole sheet or file with pandas, its first row as the header, and types the
    columns then: rows it removes afterwards (lower header rows, ``skipRows``, rows past
    ``maxRow``) still count. pandas leaves out trailing empty rows of a workbook and empty
    lines of a CSV. Pivoted sheets are typed after turning: their kept rows.
    """
    if batch.pivot or n_rows < 2:
        return None
    blank_row = np.logical_and.reduce([_blank(col) for col in columns]) if columns else np.ones(n_rows, bool)
    rows = ~blank_row if batch.file_format in ("csv", "tsv") else np.arange(n_rows) <= (
        np.flatnonzero(~blank_row).max(initial=0))
    rows[0] = False
    return rows


def _cast_column(batch: Batch, joined: list[str], normalized: list[str], keep_positions: list[int],
                 names: list[str], where: Where) -> str:
    """Curated name of the column IDC casts to integer-or-text: ``idc_cast_column``, or the
    first kept column."""
    if batch.idc_cast_column is None:
        return names[0]
    position = find_column(batch.idc_cast_column, joined, normalized, "idc_cast_column", where)
    if position not in keep_positions:
        raise CurationError(Reason.RECIPE_INVALID, "idc_cast_column names a column that is not kept "
                            "(skip_columns, or neither header nor values)",
                            where.with_(column=batch.idc_cast_column))
    return names[keep_positions.index(position)]


def _cell_warnings(grid, columns: list[SourceColumn], row_numbers: np.ndarray, where: Where) -> list[Warning_]:
    """Cells written NULL although the file holds something there, counted with the first one:
    whitespace-only cells (any format), and in workbooks Excel error cells and formulas saved
    without a cached value (``curation.workbook_inspect``)."""
    warnings = []
    count, first = 0, None
    for column in columns:
        values = pa.array(column.values, type=pa.large_string(), from_pandas=True)
        spaces = pc.and_(pc.not_equal(values, ""), pc.equal(pc.utf8_trim_whitespace(values), ""))
        found = int(pc.sum(spaces).as_py() or 0)
        if found and first is None:
            first = (int(row_numbers[int(pc.index(spaces, True).as_py())]), column.name)
        count += found
    if count:
        warnings.append(Warning_("whitespace_cells", f"{count} cell(s) hold only whitespace and are written NULL; "
                                 f"the first is row {first[0]}", where.with_(row=first[0], column=first[1])))
    inspection = grid.inspection
    if inspection is not None:
        for code, finding, what in (
                ("excel_error_cells", inspection.error_cells, "Excel error cell(s) (#DIV/0!, #N/A ...)"),
                ("uncached_formulas", inspection.uncached_formulas, "formula(s) saved without a value")):
            if finding.count:
                warnings.append(Warning_(code, f"{finding.count} {what} read as blank; the first is cell "
                                         f"{finding.first} (fix them in the workbook, or accept the NULLs)", where))
    return warnings


def read_batch(loaded: LoadedRecipe, table: Table, number: int) -> BatchData:
    """One batch: grid -> header -> kept rows -> kept columns -> patient ids, with an account."""
    batch: Batch = table.batches[number]
    source, grid, columns, n_rows, where = _open(loaded, table, number)
    header = _header_cells(columns, batch.header_rows)
    carried = _carried_levels(batch)
    # merged cells repeat in the carried rows and in the lowest row (where IDC would get no
    # name at all); a merged cell of another upper row stays in its first column, as in IDC
    filled = [list(cells) for cells in header]
    fill_merged(filled, grid.merged, batch.header_rows, batch.pivot)
    for level in [*range(carried), len(batch.header_rows) - 1]:
        for cells, merged in zip(header, filled):
            cells[level] = merged[level]
    _carry_right(header, carried)
    joined = [join_header_cells(cells, loaded.idc_version) for cells in header]
    normalized = [normalize_header(j) for j in joined]

    rows = _select_rows(batch, columns, n_rows, joined, normalized, where)
    warnings: list[Warning_] = []
    patient_position = find_column(batch.patient_column, joined, normalized, "patient", where)
    _drop_blank_patients(batch, rows, patient_position, where, warnings)
    unique, keep_positions, dropped = _select_columns(
        batch, joined, normalized, rows, patient_position, where, warnings)
    bigquery_limits.check_table(where.table, [*RESERVED_NAMES, *unique], where)  # before any column is built

    mask = None if rows.keep.all() else pa.array(rows.keep)
    conventional = loaded.recipe.type_mode == "idc" and table.idc_path == "conventional"
    typed_rows = pandas_rows(batch, columns, n_rows) if conventional else None
    typed_mask = None if typed_rows is None else pa.array(typed_rows)
    columns_out = [
        SourceColumn(
            name=n,
            header_cells=[c for c in header[p] if c.strip()],
            number=p,
            values=pd.Series(rows.data[p] if mask is None else rows.data[p].filter(mask), dtype="str"),
            pandas_profile=None if typed_mask is None else profile(pd.Series(columns[p].filter(typed_mask),
                                                                             dtype="str")),
        )
        for n, p in zip(unique, keep_positions)
    ]
    patient_index = keep_positions.index(patient_position)
    raw_ids = columns_out[patient_index].values.str.strip()
    steps = batch.patient_id if batch.patient_id is not None else table.patient_id
    row_numbers = rows.start + np.flatnonzero(rows.keep) + 1
    ids = _apply_patient_rule(steps, raw_ids, loaded.recipe.tcia_name, row_numbers,
                              where.with_(column=batch.patient_column))
    cast_column = _cast_column(batch, joined, normalized, keep_positions, unique, where)
    warnings += _cell_warnings(grid, columns_out, row_numbers, where)
    if not rows.keep.any():
        warnings.append(Warning_("empty_batch", "the batch has no data rows: nothing is written from it", where))
    return BatchData(
        number=number,
        chain=source.chain,
        sheet_name=grid.sheet_name,
        downloaded_md5=source.downloaded_md5,
        columns=columns_out,
        patient_column=unique[patient_index],
        patient_ids=ids.reset_index(drop=True),
        row_numbers=row_numbers,
        cast_column=cast_column,
        rows_read=rows.rows_read,
        rows_skipped=rows.skipped,
        source_columns=len(columns),
        columns_dropped=dropped,
        warnings=warnings,
    )
