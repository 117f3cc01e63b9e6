"""The sheet turned when pivoted, and its header: header rows, merged cells, carry-right, names.

``turn`` makes a pivoted sheet's rows its columns, before anything else is counted.
``read_header`` takes the ``header_rows`` cells of every column, top to bottom, and fills the
blanks the way IDC's reading (pandas, blanks kept as "") names them:

- a merged cell of the lowest header row repeats across the columns it spans (IDC would leave
  those columns unnamed; the repeats then get ``_2``, ``_3`` from ``curation.naming``);
- when the header has several rows and starts at the sheet's first row (not pivoted), that
  first row is carried right: each blank or merged cell takes the text on its left. IDC's
  reading fills only the sheet's first row (whose blank cells pandas names ``Unnamed: n``);
- a blank cell of any other upper row, or of a pivoted sheet's header, stays blank, and a
  merged cell there keeps its text in its first column only.

The cells of each column are then joined with ``_`` and normalized by IDC's naming rule of
the release (``curation.naming``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from curation.errors import CurationError, Reason, Where
from curation.layout.options import LayoutOptions
from curation.naming import join_header_cells, normalize_header
from curation.readers import Grid, MergedRange


def turn(grid: Grid, pivot: bool) -> tuple[list[pa.Array], int]:
    """The sheet's columns and its number of rows; rows and columns trade places when ``pivot``
    (pivoted sheets are small, so Python lists do)."""
    if not pivot:
        return grid.columns, grid.n_rows
    rows = zip(*(c.to_pylist() for c in grid.columns))
    return [pa.array(r, type=pa.large_string()) for r in rows], len(grid.columns)


def check_header_rows(options: LayoutOptions, n_rows: int, where: Where) -> None:
    """The lowest header row must be in the (turned) sheet."""
    last = options.header_rows[-1]
    if last > n_rows:
        what = "sheet column" if options.pivot else "row"
        raise CurationError(Reason.HEADER_OUT_OF_RANGE, f"header row {last} is past the last {what} ({n_rows})",
                            where.with_(row=last))


def carried_levels(options: LayoutOptions) -> int:
    """How many upper header rows are carried right: the sheet's first row, when it is an
    upper row of a header of several rows in a sheet that is not pivoted; else none."""
    rows = options.header_rows
    return 1 if not options.pivot and len(rows) > 1 and rows[0] == 1 else 0


def fill_merged(header: list[list[str]], merged: list[MergedRange], header_rows: list[int], pivot: bool,
                levels: set[int]) -> None:
    """Repeat a merged header cell's text across the blank cells of the columns it spans, for
    the header rows ``levels`` (0-based among ``header_rows``), in place.

    ``header[c]`` is the list of header cells of column c (one per header row); ``merged``
    holds 0-based inclusive ((row, col), (row, col)) ranges of the sheet (swapped when
    ``pivot``). A merge spanning several header rows fills its top row only, so that joining
    the rows does not repeat it.
    """
    row_index = {r - 1: i for i, r in enumerate(header_rows)}
    for (r0, c0), (r1, c1) in merged:
        if pivot:
            (r0, c0), (r1, c1) = (c0, r0), (c1, r1)
        if r0 not in row_index or row_index[r0] not in levels or c0 >= len(header):
            continue
        level = row_index[r0]
        text = header[c0][level]
        for c in range(c0 + 1, min(c1, len(header) - 1) + 1):
            if not header[c][level].strip():
                header[c][level] = text


def carry_right(header: list[list[str]], levels: int) -> None:
    """Blank cells of the first ``levels`` header rows take the text on their left, in place."""
    for level in range(levels):
        last = ""
        for cells in header:
            if cells[level].strip():
                last = cells[level]
            else:
                cells[level] = last


@dataclass
class Header:
    """The header of every column of the (turned) sheet, in sheet order."""

    cells: list[list[str]]  # per column, one cell per header row, blanks filled as above
    joined: list[str]  # the cells joined with '_' (the header "as in the file")
    normalized: list[str]  # IDC's column name of each; may be ""

    def find_column(self, wanted: str | int, what: str, where: Where) -> int:
        """0-based position of the column a recipe names by its header as in the file (the
        header rows joined with ``_``), its curated name, or its 1-based position; ``what``
        names the recipe key in the error when there is none."""
        joined = self.joined
        reason = Reason.PATIENT_COLUMN_MISSING if what == "patient" else Reason.COLUMN_MISSING
        if isinstance(wanted, int):
            if wanted > len(joined):
                raise CurationError(reason, f"{what} column position {wanted} is past the last column ({len(joined)})",
                                    where.with_(column=wanted))
            return wanted - 1
        for candidates in (joined, self.normalized, [j.strip() for j in joined]):
            if wanted in candidates:
                return candidates.index(wanted)
        raise CurationError(reason, f"no {what} column {wanted!r}; the headers are {joined}",
                            where.with_(column=wanted))


def read_header(options: LayoutOptions, columns: list[pa.Array], merged: list[MergedRange],
                idc_version: int) -> Header:
    """Every column's header cells, merged cells repeated and carried as the module says, and names."""
    rows = options.header_rows
    cells = [[column[r - 1].as_py() for r in rows] for column in columns]
    carried = carried_levels(options)
    fill_merged(cells, merged, rows, options.pivot, {*range(carried), len(rows) - 1})
    carry_right(cells, carried)
    joined = [join_header_cells(c, idc_version) for c in cells]
    return Header(cells, joined, [normalize_header(j) for j in joined])
