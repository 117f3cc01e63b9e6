"""Reading one batch: from its file chain to named columns, patient ids and an account of rows.

The batch reader orchestrates: it opens the file chain (``curation.sources``), reads the sheet
or file into a grid (``curation.readers``), applies the batch's layout (``curation.layout``:
header, kept rows and columns, the account of the others), and hands on the kept columns,
each as one pandas string Series (Arrow-backed), with the patient ids the patient-id rule
makes (``curation.patient_ids``) and the warnings about cells written NULL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from curation import bigquery_limits, text_bytes
from curation.column_types import BatchProfile, profile
from curation.errors import CurationError, Reason, Where
from curation.layout import Layout, apply_layout, pandas_rows
from curation.naming import RESERVED_NAMES
from curation.patient_ids import apply_rule
from curation.readers import read_grid
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


def _open(loaded: LoadedRecipe, table: Table, number: int):
    """The batch's source, its grid and where it is (the sheet read, for a workbook)."""
    batch: Batch = table.batches[number]
    where = Where(recipe=loaded.name, table=loaded.recipe.table_name(table), batch=number,
                  file=batch.data_file)
    workbook = batch.file_format not in ("csv", "tsv")
    # a workbook on disk is opened by its reader from the path: its bytes are not read here
    source = open_chain(loaded.source_root, batch.files, where, by_path=workbook)
    if workbook:
        where = where.with_(sheet=batch.sheet)
    data = source.path if source.data is None else source.data
    grid = read_grid(data, batch.file_format, sheet=batch.sheet, delimiter=batch.delimiter,
                     encoding=batch.encoding, where=where, quotechar=batch.quotechar,
                     ragged_rows=batch.ragged_rows, engine=batch.engine)
    source.check_unchanged(where)  # the md5 kept is of the file the reader read
    if grid.sheet_name is not None:
        where = where.with_(sheet=grid.sheet_name)
    return source, grid, where


def _cast_column(batch: Batch, layout: Layout, where: Where) -> str:
    """Curated name of the column IDC casts to integer-or-text: ``idc_cast_column``, or the
    first kept column."""
    if batch.idc_cast_column is None:
        return layout.selection.names[0]
    name = layout.kept_name(batch.idc_cast_column, "idc_cast_column", where)
    if name is None:
        raise CurationError(Reason.RECIPE_INVALID, "idc_cast_column names a column that is not kept "
                            "(skip_columns, or neither header nor values)",
                            where.with_(column=batch.idc_cast_column))
    return name


def _cell_warnings(grid, columns: list[SourceColumn], row_numbers: np.ndarray, where: Where) -> list[Warning_]:
    """Cells written NULL although the file holds something there, counted with the first one:
    whitespace-only cells (any format), and in workbooks Excel error cells and formulas saved
    without a cached value (``curation.workbook_inspect``)."""
    warnings = []
    count, first = 0, None
    for column in columns:
        values = pa.array(column.values, type=pa.large_string(), from_pandas=True)
        if text_bytes.plain_edges(values):
            continue  # no cell can be whitespace only
        spaces = pc.utf8_is_space(values)  # non-empty, whitespace only (what trimming empties)
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




def _source_columns(loaded: LoadedRecipe, table: Table, batch: Batch, layout: Layout) -> list[SourceColumn]:
    """The kept columns' cells; in IDC's conventional typing, each with its profile over the rows
    IDC's pandas reading types it by (``curation.layout.pandas_rows``)."""
    conventional = loaded.recipe.type_mode == "idc" and table.idc_path == "conventional"
    typed_rows = pandas_rows(batch, batch.file_format, layout.columns, layout.n_rows,
                             layout.rows) if conventional else None
    typed = None if typed_rows is None else _selected_rows(typed_rows)
    return [
        SourceColumn(
            name=name,
            header_cells=[c for c in layout.header.cells[position] if c.strip()],
            number=position,
            values=pd.Series(cells, dtype="str"),
            pandas_profile=None if typed is None else profile(typed(layout.columns[position]), dates=False,
                                                                 blank_is_text=True),
        )
        for name, position, cells in layout.kept()
    ]


def _selected_rows(mask: np.ndarray):
    """A function giving a column's cells in the rows ``mask`` selects: a slice (no copy) when
    they are one run of rows, as they are in a file without blank lines, else a filter."""
    chosen = np.flatnonzero(mask)
    if len(chosen) and chosen[-1] - chosen[0] + 1 == len(chosen):
        start, length = int(chosen[0]), len(chosen)
        return lambda column: column.slice(start, length)
    arrow_mask = pa.array(mask)
    return lambda column: column.filter(arrow_mask)


def read_batch(loaded: LoadedRecipe, table: Table, number: int) -> BatchData:
    """One batch: file -> grid -> layout (header, kept rows, kept columns) -> patient ids, with an account."""
    batch: Batch = table.batches[number]
    source, grid, where = _open(loaded, table, number)
    layout = apply_layout(batch, grid, patient_column=batch.patient_column,
                          blank_patient_ids=batch.blank_patient_ids, idc_version=loaded.idc_version, where=where)
    names = layout.selection.names
    bigquery_limits.check_table(where.table, [*RESERVED_NAMES, *names], where)  # before any column is built
    columns = _source_columns(loaded, table, batch, layout)
    patient_name = layout.patient_name
    raw_ids = next(c.values for c in columns if c.name == patient_name).str.strip()
    steps = batch.patient_id if batch.patient_id is not None else table.patient_id
    row_numbers = layout.rows.numbers
    ids = _apply_patient_rule(steps, raw_ids, loaded.recipe.tcia_name, row_numbers,
                              where.with_(column=batch.patient_column))
    cast_column = _cast_column(batch, layout, where)
    warnings = layout.warnings + _cell_warnings(grid, columns, row_numbers, where)
    if not layout.rows.keep.any():
        warnings.append(Warning_("empty_batch", "the batch has no data rows: nothing is written from it", where))
    return BatchData(
        number=number,
        chain=source.chain,
        sheet_name=grid.sheet_name,
        downloaded_md5=source.downloaded_md5,
        columns=columns,
        patient_column=patient_name,
        patient_ids=ids.reset_index(drop=True),
        row_numbers=row_numbers,
        cast_column=cast_column,
        rows_read=layout.rows.rows_read,
        rows_skipped=layout.rows.skipped,
        source_columns=len(layout.columns),
        columns_dropped=layout.selection.dropped,
        warnings=warnings,
    )
