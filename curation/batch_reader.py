"""Reading one batch: from its file chain to named columns, patient ids and an account of rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from curation.errors import CurationError, Reason, Where
from curation.naming import (
    RESERVED_NAMES,
    carry_right,
    join_header_cells,
    normalize_header,
    positional_name,
    unique_names,
)
from curation.patient_ids import apply_rule
from curation.readers import Grid, read_grid
from curation.recipe import Batch, LoadedRecipe, Table
from curation.report import Warning_
from curation.sources import open_chain


@dataclass
class SourceColumn:
    """One column of a batch: its curated name, where it came from, and its cell texts."""

    name: str
    header_cells: list[str]
    number: int  # 0-based position in the source sheet
    values: pd.Series


@dataclass
class BatchData:
    number: int
    chain: tuple[str, ...]
    sheet_name: str | None
    downloaded_md5: str
    columns: list[SourceColumn]
    patient_column: str
    patient_ids: pd.Series
    rows_read: int
    rows_skipped: Counter
    source_columns: int
    columns_dropped: Counter
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def data_file(self) -> str:
        return self.chain[-1]


def _rectangular(grid: Grid, is_csv: bool, where: Where) -> list[list[str]]:
    rows = grid.rows
    width = max((len(r) for r in rows), default=0)
    if is_csv and rows:
        expected = len(rows[0])
        for index, row in enumerate(rows):
            if row and len(row) != expected:
                raise CurationError(
                    Reason.RAGGED_ROWS,
                    f"row has {len(row)} fields where the first row has {expected}",
                    where.with_(row=index + 1),
                )
    return [r + [""] * (width - len(r)) for r in rows]


def _headers(rows: list[list[str]], header_rows: list[int]) -> list[list[str]]:
    """Header cells per column, with blank upper cells carried over from the left."""
    upper = [carry_right(rows[r - 1]) for r in header_rows[:-1]]
    lowest = rows[header_rows[-1] - 1]
    return [[row[c] for row in upper] + [lowest[c]] for c in range(len(lowest))]


def _find_patient_column(batch: Batch, names: list[str], cells: list[list[str]], where: Where) -> int:
    wanted = batch.patient_column
    if isinstance(wanted, int):
        if wanted > len(names):
            raise CurationError(
                Reason.PATIENT_COLUMN_MISSING,
                f"patient column position {wanted} is past the last column ({len(names)})",
                where.with_(column=wanted),
            )
        return wanted - 1
    joined = [join_header_cells(c) for c in cells]
    for candidates in (joined, names):
        if wanted in candidates:
            return candidates.index(wanted)
    raise CurationError(
        Reason.PATIENT_COLUMN_MISSING,
        f"no patient column {wanted!r}; the headers are {joined}",
        where.with_(column=wanted),
    )


def read_batch(loaded: LoadedRecipe, table: Table, number: int) -> BatchData:
    recipe = loaded.recipe
    batch = table.batches[number]
    where = Where(recipe=loaded.name, table=recipe.table_name(table), batch=number, file=batch.data_file)
    source = open_chain(loaded.source_root, batch.files, where)
    is_workbook = batch.file_format not in ("csv", "tsv")
    if is_workbook:
        where = where.with_(sheet=batch.sheet)
    grid = read_grid(source.data, batch.file_format, sheet=batch.sheet, delimiter=batch.delimiter,
                     encoding=batch.encoding, where=where)
    if grid.sheet_name is not None:
        where = where.with_(sheet=grid.sheet_name)
    last_header = batch.header_rows[-1]
    if last_header > len(grid.rows):
        raise CurationError(
            Reason.HEADER_OUT_OF_RANGE,
            f"header row {last_header} is past the last row ({len(grid.rows)})",
            where.with_(row=last_header),
        )
    rows = _rectangular(grid, not is_workbook, where)
    cells = _headers(rows, batch.header_rows)
    data = rows[last_header:]
    first_data_row = last_header + 1  # 1-based row number of data[0]
    frame = pd.DataFrame(data, columns=range(len(cells)), dtype="str") if data else pd.DataFrame(
        {c: pd.Series([], dtype="str") for c in range(len(cells))}
    )
    warnings: list[Warning_] = []
    skipped: Counter = Counter()
    blank_row = (frame.apply(lambda col: col.str.strip() == "")).all(axis=1) if len(frame) else pd.Series([], dtype=bool)
    if blank_row.any():
        skipped["blank row"] += int(blank_row.sum())
    kept = frame[~blank_row] if len(frame) else frame

    names, dropped = [], Counter()
    keep_positions = []
    for position, header in enumerate(cells):
        name = normalize_header(join_header_cells(header))
        column_blank = (kept[position].str.strip() == "").all() if len(kept) else True
        if not name and column_blank:
            dropped["no header and no values"] += 1
            continue
        if not name:
            name = positional_name(position + 1)
            warnings.append(Warning_("empty_header", f"column {position + 1} has no header: named {name!r}", where.with_(column=position + 1)))
        names.append(name)
        keep_positions.append(position)
    unique, renamed = unique_names(names, set(RESERVED_NAMES))
    for old, new in renamed:
        warnings.append(Warning_("duplicate_name", f"two headers normalize to {old!r}: one renamed {new!r}", where.with_(column=new)))

    patient_position = _find_patient_column(batch, [normalize_header(join_header_cells(c)) for c in cells], cells, where)
    if patient_position not in keep_positions:
        raise CurationError(Reason.PATIENT_COLUMN_MISSING, "the patient column is empty", where.with_(column=batch.patient_column))
    patient_name = unique[keep_positions.index(patient_position)]
    raw_ids = kept[patient_position].str.strip()
    empty = raw_ids == ""
    if empty.any():
        row = int(empty.idxmax()) + first_data_row
        raise CurationError(
            Reason.EMPTY_PATIENT_ID,
            f"{int(empty.sum())} row(s) have an empty patient id; the first is row {row}",
            where.with_(row=row, column=batch.patient_column),
        )
    steps = batch.patient_id if batch.patient_id is not None else table.patient_id
    try:
        ids = raw_ids.map(lambda v: apply_rule(steps, v, recipe.tcia_name))
    except ValueError as exc:
        raise CurationError(Reason.PATIENT_ID_RULE, str(exc), where.with_(column=batch.patient_column)) from exc

    columns = [
        SourceColumn(name=n, header_cells=[c for c in cells[p] if c.strip()], number=p,
                     values=kept[p].reset_index(drop=True))
        for n, p in zip(unique, keep_positions)
    ]
    if len(kept) == 0:
        warnings.append(Warning_("empty_batch", "the batch has no data rows", where))
    return BatchData(
        number=number,
        chain=source.chain,
        sheet_name=grid.sheet_name,
        downloaded_md5=source.downloaded_md5,
        columns=columns,
        patient_column=patient_name,
        patient_ids=ids.reset_index(drop=True).astype(object),
        rows_read=len(frame),
        rows_skipped=skipped,
        source_columns=len(cells),
        columns_dropped=dropped,
        warnings=warnings,
    )
