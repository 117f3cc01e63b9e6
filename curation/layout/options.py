"""Layout options: where a sheet's header and data are, and which rows and columns to keep.

``LayoutOptions`` is the part of a recipe batch that describes the shape of the sheet; the
functions below apply it to a grid of cell texts held column by column (``Grid``), so that
every step is a whole-column operation and no Python loop runs per cell.

Order of the steps, which is also the order a reader of the recipe should think in:

1. ``pivot``: rows and columns trade places first; every option below then counts rows and
   columns of the transposed sheet (row n is the sheet's column n).
2. ``header_rows``: the header; every row above it is ignored (not data).
3. the data region starts after the header and ``skip_rows_after_header`` rows; it ends at
   ``last_data_row``, or before the first fully blank row (``stop_at_blank_row``), or before
   the first row whose first non-blank cell matches ``stop_at`` (trailing notes).
4. ``skip_rows`` drops given rows, blank rows are dropped, ``row_filter`` keeps the rows whose
   column equals a value, rows whose patient cell is blank are dropped with a warning.
5. ``skip_columns`` drops given columns; a column with neither header nor values is dropped.

Every data-region row is accounted for as written or skipped with one of the reasons in
``SkipReason``.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from curation import recipe_regex


class SkipReason(str, Enum):
    """Why a row after the header was not written (keys of TableReport.rows_skipped)."""

    AFTER_HEADER = "skip_rows_after_header"
    AFTER_LAST_ROW = "after last_data_row"
    TRAILING_NOTES = "trailing notes"
    DECLARED = "skip_rows"
    BLANK = "blank row"
    FILTERED = "row_filter"
    BLANK_PATIENT = "blank patient id"


class RowFilter(BaseModel):
    """Keep only the rows whose ``column`` equals ``equals`` (or one of a list of values)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    column: str | int = Field(description="header as in the file, curated name, or 1-based position")
    equals: str | list[str] = Field(description="value(s) to keep, compared with the cell's trimmed text")

    @property
    def values(self) -> set[str]:
        return {self.equals} if isinstance(self.equals, str) else set(self.equals)


class LayoutOptions(BaseModel):
    """Recipe fields that say where the header and the data are in a sheet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header_rows: list[int] = Field(
        default_factory=lambda: [1],
        min_length=1,
        description="1-based row numbers of the header; several are joined with '_'",
    )
    pivot: bool = Field(False, description="attributes in rows, patients in columns: transpose first")
    skip_rows_after_header: int = Field(0, ge=0, description="rows between the header and the data")
    skip_rows: list[int] = Field(default_factory=list, description="1-based data rows to drop")
    skip_columns: list[str | int] = Field(
        default_factory=list, description="columns to drop: header as in the file, curated name, or 1-based position"
    )
    last_data_row: int | None = Field(None, ge=1, description="1-based number of the last data row")
    stop_at_blank_row: bool = Field(False, description="the data end before the first fully blank row")
    stop_at: str | None = Field(
        None, description="regex: the data end before the first row whose first non-blank cell matches"
    )
    row_filter: RowFilter | None = None

    @field_validator("header_rows")
    @classmethod
    def _rows_positive_increasing(cls, rows: list[int]) -> list[int]:
        if any(r < 1 for r in rows):
            raise ValueError("header rows are 1-based spreadsheet row numbers")
        if rows != sorted(set(rows)):
            raise ValueError("header rows must be increasing and distinct")
        return rows

    @field_validator("skip_rows")
    @classmethod
    def _skip_rows_positive(cls, rows: list[int]) -> list[int]:
        if any(r < 1 for r in rows):
            raise ValueError("skip_rows are 1-based spreadsheet row numbers")
        return rows

    @field_validator("skip_columns")
    @classmethod
    def _skip_columns_positive(cls, columns: list[str | int]) -> list[str | int]:
        if any(isinstance(c, int) and c < 1 for c in columns):
            raise ValueError("a column position is 1-based")
        return columns

    @field_validator("stop_at")
    @classmethod
    def _regex_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                recipe_regex.compile_pattern(pattern)
            except ValueError as exc:
                raise ValueError(f"stop_at: {exc}") from None
        return pattern

    @property
    def first_data_row(self) -> int:
        """1-based row number of the first data row."""
        return self.header_rows[-1] + self.skip_rows_after_header + 1


def data_end(options: LayoutOptions, data: list, blank_rows: np.ndarray) -> tuple[int, SkipReason | None]:
    """Number of data-region rows before the cut, and the reason the rows after it are cut.

    ``data`` holds the columns of the data region (the rows after the header and the rows
    skipped after it, as Arrow arrays); ``blank_rows`` is their fully-blank row mask.
    Row numbers in the recipe are sheet rows: ``last_data_row`` counts from the sheet's top.
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


def fill_merged(header: list[list[str]], merged: list[tuple[tuple[int, int], tuple[int, int]]],
                header_rows: list[int], pivot: bool) -> None:
    """Repeat a merged header cell's text across the columns it spans (in place).

    ``header[c]`` is the list of header cells of column c (one per header row);
    ``merged`` holds 0-based inclusive ((row, col), (row, col)) ranges of the sheet. A merge
    spanning several header rows keeps its text in its top row only, so that joining the
    rows does not repeat it.
    """
    row_index = {r - 1: i for i, r in enumerate(header_rows)}
    for (r0, c0), (r1, c1) in merged:
        if pivot:
            (r0, c0), (r1, c1) = (c0, r0), (c1, r1)
        if r0 not in row_index or c0 >= len(header):
            continue
        level = row_index[r0]
        text = header[c0][level]
        for c in range(c0 + 1, min(c1, len(header) - 1) + 1):
            if not header[c][level].strip():
                header[c][level] = text
