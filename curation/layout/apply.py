"""A batch's layout applied to its grid: the steps of ``curation.layout``, in their order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from curation.errors import Where
from curation.layout.columns import Selection, select_columns
from curation.layout.header import Header, check_header_rows, read_header, turn
from curation.layout.options import LayoutOptions
from curation.layout.rows import Rows, drop_blank_patients, select_rows
from curation.readers import Grid
from curation.report import Warning_


@dataclass
class Layout:
    """The sheet as its layout reads it: header, kept rows, kept columns, and their account."""

    columns: list[pa.Array]  # every column of the (turned) sheet, whole
    n_rows: int  # rows of the (turned) sheet
    header: Header
    rows: Rows
    selection: Selection
    patient_position: int  # 0-based position of the patient column in the sheet
    warnings: list[Warning_]

    @property
    def patient_name(self) -> str:
        """The patient column's curated name."""
        return self.selection.names[self.selection.positions.index(self.patient_position)]

    def kept(self) -> Iterator[tuple[str, int, pa.Array]]:
        """(curated name, sheet position, cells of the kept rows) of every kept column, in order."""
        mask = None if self.rows.keep.all() else pa.array(self.rows.keep)
        for name, position in zip(self.selection.names, self.selection.positions):
            data = self.rows.data[position]
            yield name, position, data if mask is None else data.filter(mask)

    def kept_name(self, wanted: str | int, what: str, where: Where) -> str | None:
        """Curated name of the column a recipe key names (``Header.find_column``); None when
        that column is not kept."""
        position = self.header.find_column(wanted, what, where)
        if position not in self.selection.positions:
            return None
        return self.selection.names[self.selection.positions.index(position)]


def apply_layout(options: LayoutOptions, grid: Grid, *, patient_column: str | int, blank_patient_ids: str,
                 idc_version: int, where: Where) -> Layout:
    """pivot -> header -> rows (skips, cut, skip_rows, blank rows, row_filter) -> blank patient
    ids -> columns; errors name the recipe key, the row or the column."""
    columns, n_rows = turn(grid, options.pivot)
    check_header_rows(options, n_rows, where)
    header = read_header(options, columns, grid.merged, idc_version)
    rows = select_rows(options, columns, n_rows, header, where)
    warnings: list[Warning_] = []
    patient_position = header.find_column(patient_column, "patient", where)
    drop_blank_patients(rows, patient_position, blank_patient_ids, patient_column, where, warnings)
    selection = select_columns(options, header, rows, patient_position, patient_column, where, warnings)
    return Layout(columns, n_rows, header, rows, selection, patient_position, warnings)
