"""Rows: which rows after the header are data, which of them are kept, and why the others are not.

Every row after the header is read, and either kept or skipped for one reason of
``SkipReason``, in this order (steps 3 to 5 of ``curation.layout``; row numbers are sheet
rows of the turned sheet):

3. ``skip_rows_after_header`` rows right below the header;
4. the cut (``data_end``): the data end at ``last_data_row``, before the first fully blank row
   (``stop_at_blank_row``), or before the first row whose first non-blank cell matches
   ``stop_at``, whichever comes first; every row from there on is cut;
5. ``skip_rows``; then fully blank rows; then the rows ``row_filter`` does not keep (all in
   ``select_rows``); then rows with data but a blank patient cell (``drop_blank_patients``):
   an error, or skipped with a warning (``blank_patient_ids``).

Each decision is a boolean mask over whole columns (Arrow kernels), never a loop over cells.
``pandas_rows`` answers a different question: which rows IDC's pandas reading types a column by.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation import recipe_regex, text_bytes
from curation.errors import CurationError, Reason, Where
from curation.layout.header import Header
from curation.layout.options import LayoutOptions
from curation.report import Warning_


class SkipReason(str, Enum):
    """Why a row after the header was not written (keys of TableReport.rows_skipped)."""

    AFTER_HEADER = "skip_rows_after_header"
    AFTER_LAST_ROW = "after last_data_row"
    TRAILING_NOTES = "trailing notes"
    DECLARED = "skip_rows"
    BLANK = "blank row"
    FILTERED = "row_filter"
    BLANK_PATIENT = "blank patient id"


def blank_cells(column: pa.Array) -> np.ndarray:
    """Which cells of a column are blank (empty or whitespace only): an empty cell by its
    length, a whitespace-only one by ``utf8_is_space``, which holds for the characters
    ``utf8_trim_whitespace`` removes (no trimmed copy of the column is made), and runs only
    when some cell may be one (``text_bytes.plain_edges``)."""
    empty = text_bytes.lengths(column) == 0
    if text_bytes.plain_edges(column):
        return empty
    return empty | pc.utf8_is_space(column).to_numpy(zero_copy_only=False)


@dataclass
class Rows:
    """Which data rows of a batch are kept, and why the others are not."""

    start: int  # 0-based index of the first data row (after the header and its skips)
    rows_read: int  # every row after the header
    data: list[pa.Array]  # each column's cells from ``start`` on
    blanks: list[np.ndarray]  # per column: which of those cells are blank
    keep: np.ndarray
    skipped: Counter  # reason (``SkipReason`` value) -> number of rows

    @property
    def numbers(self) -> np.ndarray:
        """1-based sheet row (sheet column, when pivoted) of each kept row."""
        return self.start + np.flatnonzero(self.keep) + 1


def data_end(options: LayoutOptions, data: list, blank_rows: np.ndarray) -> tuple[int, SkipReason | None]:
    """Number of data-region rows before the cut, and the reason the rows after it are cut.

    ``data`` holds the columns of the data region (the rows after the header and the rows
    skipped after it, as Arrow arrays); ``blank_rows`` is their fully-blank row mask.
    Row numbers in the recipe are sheet rows: ``last_data_row`` counts from the sheet's top.
    A ``stop_at`` regex past its time bound raises ``RegexTimeout`` naming the sheet row.
    """
    region = len(blank_rows)
    end, reason = region, None
    offset = options.first_data_row - 1  # sheet rows before the region
    if options.last_data_row is not None and options.last_data_row - offset < end:
        end, reason = max(options.last_data_row - offset, 0), SkipReason.AFTER_LAST_ROW
    if options.stop_at_blank_row:
        hits = np.flatnonzero(blank_rows[:end])
        if hits.size:
            end, reason = int(hits[0]), SkipReason.TRAILING_NOTES
    if options.stop_at is not None and end:
        texts = [c.slice(0, end).to_pylist() for c in data]
        for index in range(end):
            if blank_rows[index]:
                continue
            first = next(t[index] for t in texts if t[index] and not t[index].isspace())
            try:
                hit = recipe_regex.match(options.stop_at, first.strip())
            except recipe_regex.RegexTimeout as exc:
                exc.row = offset + index + 1  # the sheet row it ran on
                raise
            if hit:
                end, reason = index, SkipReason.TRAILING_NOTES
                break
    return end, reason


def select_rows(options: LayoutOptions, columns: list[pa.Array], n_rows: int, header: Header,
                where: Where) -> Rows:
    """Steps 3 to 5 but the blank patient ids: every row after the header, kept or skipped for a reason."""
    last_header = options.header_rows[-1]
    start = min(last_header + options.skip_rows_after_header, n_rows)
    skipped: Counter = Counter()
    if start > last_header:
        skipped[SkipReason.AFTER_HEADER.value] += start - last_header
    region = n_rows - start
    data = [col.slice(start) for col in columns]
    blanks = [blank_cells(col) for col in data]
    blank_row = np.logical_and.reduce(blanks) if blanks else np.ones(region, dtype=bool)
    try:
        end, cut_reason = data_end(options, data, blank_row)
    except recipe_regex.RegexTimeout as exc:
        raise CurationError(Reason.RECIPE_INVALID, f"stop_at: {exc}", where.with_(row=exc.row)) from None
    keep = np.zeros(region, dtype=bool)
    keep[:end] = True
    if cut_reason is not None and end < region:
        skipped[cut_reason.value] += region - end
    for row in options.skip_rows:
        index = row - 1 - start
        if 0 <= index < region and keep[index]:
            keep[index] = False
            skipped[SkipReason.DECLARED.value] += 1
    dropped_blank = keep & blank_row
    if dropped_blank.any():
        skipped[SkipReason.BLANK.value] += int(dropped_blank.sum())
        keep &= ~blank_row
    if options.row_filter is not None:
        position = header.find_column(options.row_filter.column, "row_filter", where)
        matches = pc.is_in(pc.utf8_trim_whitespace(data[position]),
                           value_set=pa.array(sorted(options.row_filter.values), type=pa.large_string()))
        matches = matches.to_numpy(zero_copy_only=False)
        skipped[SkipReason.FILTERED.value] += int((keep & ~matches).sum())
        keep &= matches
    return Rows(start, n_rows - last_header, data, blanks, keep, skipped)


def drop_blank_patients(rows: Rows, patient_position: int, blank_patient_ids: str, patient_column: str | int,
                        where: Where, warnings: list[Warning_]) -> None:
    """The end of step 5: kept rows with a blank patient cell stop the run (``blank_patient_ids: error``),
    or are skipped with a warning (``skip``); ``rows`` changes in place."""
    blank_patient = rows.keep & rows.blanks[patient_position] if rows.blanks else rows.keep
    if not blank_patient.any():
        return
    count = int(blank_patient.sum())
    first_row = rows.start + int(np.argmax(blank_patient)) + 1
    if blank_patient_ids == "error":
        raise CurationError(
            Reason.EMPTY_PATIENT_ID,
            f"{count} row(s) have an empty patient id; the first is row {first_row} "
            "(set blank_patient_ids: skip to drop such rows with a warning)",
            where.with_(row=first_row, column=patient_column),
        )
    rows.skipped[SkipReason.BLANK_PATIENT.value] += count
    rows.keep &= ~blank_patient
    warnings.append(Warning_(
        "blank_patient_id",
        f"{count} row(s) with data have a blank patient id and are not written; the first is row {first_row}",
        where.with_(row=first_row, column=patient_column),
    ))


def pandas_rows(options: LayoutOptions, file_format: str, columns: list[pa.Array], n_rows: int,
                rows: Rows | None = None) -> np.ndarray | None:
    """The rows whose cells type a column in IDC's conventional reading (None: the kept rows).

    IDC reads the whole sheet or file with pandas, its first row as the header, and types the
    columns then: rows it removes afterwards (lower header rows, ``skipRows``, rows past
    ``maxRow``) still count. pandas leaves out trailing empty rows of a workbook and empty
    lines of a CSV. Pivoted sheets are typed after turning: their kept rows. ``rows``: the
    batch's ``select_rows`` of these columns, whose blank cells are not looked for again.
    """
    if options.pivot or n_rows < 2:
        return None
    if not columns:
        blank_row = np.ones(n_rows, bool)
    elif rows is not None and len(rows.blanks) == len(columns):
        above = [blank_cells(col.slice(0, rows.start)) for col in columns]  # the header rows
        blank_row = np.concatenate([np.logical_and.reduce(above), np.logical_and.reduce(rows.blanks)])
    else:
        blank_row = np.logical_and.reduce([blank_cells(col) for col in columns])
    rows = ~blank_row if file_format in ("csv", "tsv") else np.arange(n_rows) <= (
        np.flatnonzero(~blank_row).max(initial=0))
    rows[0] = False
    return rows
