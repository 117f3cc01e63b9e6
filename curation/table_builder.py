"""Stacking a table's batches into one curated table with typed columns and provenance.

Every column's type comes from ``curation.column_types`` (``type_column``), or from the
recipe's ``column_types`` (checked there too: every value must fit); nothing here decides one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from curation.batch_reader import BatchData, read_batch
from curation.column_types import (
    NUMERIC_TYPES,
    ColumnType,
    Kind,
    TypedColumn,
    leading_zeros,
    misfit,
    override,
    profile,
    type_column,
)
from curation.dbt_contract import PATIENT_ID, SOURCE_BATCH
from curation.dictionaries.parsed import Option
from curation.errors import CurationError, Reason, Where
from curation.naming import RESERVED_NAMES
from curation.recipe import LoadedRecipe, Table
from curation.report import TableReport, Warning_


@dataclass(frozen=True)
class Provenance:
    """Where one column came from in one batch."""

    batch: int
    file: str
    sheet_name: str | None
    header_cells: tuple[str, ...]
    column_number: int


@dataclass
class CuratedColumn:
    """One curated column: its type and seed text, where it came from, and what it means.

    ``label``, ``options``, ``options_partial`` and ``closed`` are what a data dictionary says
    (``curation.dictionaries.apply`` sets them; without a dictionary they keep their
    defaults): ``options`` are the coded values (code -> description) in dictionary order,
    empty when it lists none; ``options_partial`` says they are only special codes of an
    otherwise free column (missing, not applicable), so other values are expected; ``closed``
    that a value outside ``value_set`` stops the run (quality gate) and fails the dbt test.
    Everything downstream (column_metadata, seed properties, the gate) reads these fields;
    ``column_label`` is the label published, with the original headers as fallback.
    """

    name: str
    sql_type: ColumnType
    values: pd.Series  # seed text; NULL is missing (None or NaN, by dtype)
    provenance: list[Provenance]
    case_col: bool = False
    label: str | None = None
    options: tuple[Option, ...] = ()
    options_partial: bool = False
    closed: bool = False

    @property
    def original_headers(self) -> list[str]:
        """The header cells the column had in its batches, each once, in order."""
        return list(dict.fromkeys(cell for p in self.provenance for cell in p.header_cells))

    @property
    def column_label(self) -> str:
        """The label published (column_metadata, the seed's docs): ``label``, else the original
        headers joined by `` / ``, else the name."""
        return self.label or " / ".join(self.original_headers) or self.name

    @property
    def value_set(self) -> list[str]:
        """The codes every value is expected among: none when the dictionary lists no options
        or only special codes (partial)."""
        return [] if self.options_partial else [o.code for o in self.options]


@dataclass
class CuratedTable:
    collection_id: str
    table_name: str
    description: str
    columns: list[CuratedColumn]
    batches: list[BatchData]
    report: TableReport

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({c.name: c.values for c in self.columns}, copy=False)  # copy-on-write


def _column_order(batches: list[BatchData]) -> list[str]:
    order: dict[str, None] = {}
    for batch in batches:
        for column in batch.columns:
            order.setdefault(column.name)
    return list(order)


def _stack(name: str, batches: list[BatchData], idc: bool = False) -> tuple[pd.Series, list, list[Provenance]]:
    """The column stacked over the batches, its profile in each batch that has it (``idc``:
    as ``idc`` mode types, without the checks that cannot change its types: see
    ``column_types.profile``) and its provenance."""
    parts, profiles, provenance = [], [], []
    for batch in batches:
        match = next((c for c in batch.columns if c.name == name), None)
        if match is None:
            parts.append(pd.Series([""] * len(batch.patient_ids), dtype="str"))
            continue
        parts.append(match.values)
        profiles.append(profile(match.values, dates=not idc, blank_is_text=idc) if match.pandas_profile is None
                        else match.pandas_profile)
        provenance.append(Provenance(batch.number, batch.data_file, batch.sheet_name,
                                     tuple(match.header_cells), match.number))
    stacked = parts[0].reset_index(drop=True) if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return stacked, profiles, provenance


_PATIENT_KIND = {Kind.WHOLE_FLOAT: Kind.INTEGER}


def _check_patient_types(loaded: LoadedRecipe, table: Table, batches: list[BatchData]) -> None:
    """Batches that share a patient-id rule must agree on the patient column's kind of value.

    Whole numbers in one batch and text in another usually mean the ids were written
    differently (``7`` against ``P-007``), and one rule cannot turn both into the DICOM
    PatientID. A batch whose ids are written differently declares its own ``patient_id`` rule.
    """
    groups: dict[str, dict[int, Kind]] = {}
    for batch, spec in zip(batches, table.batches):
        values = next(c.values for c in batch.columns if c.name == batch.patient_column)
        kind = profile(values).kind
        if kind is Kind.EMPTY:
            continue
        steps = spec.patient_id if spec.patient_id is not None else table.patient_id
        rule = repr([step.model_dump() for step in steps])
        groups.setdefault(rule, {})[batch.number] = _PATIENT_KIND.get(kind, kind)
    for kinds in groups.values():
        if len(set(kinds.values())) > 1:
            described = ", ".join(f"batch {n}: {k.value}" for n, k in kinds.items())
            raise CurationError(
                Reason.PATIENT_TYPE_MISMATCH,
                f"the batches disagree on the patient column's type ({described}) under one patient-id "
                "rule; make the ids agree, or give the odd batch its own patient_id rule",
                Where(recipe=loaded.name, table=loaded.recipe.table_name(table)),
            )


def _locate(batches: list[BatchData], position: int, where: Where) -> Where:
    """The batch, file, sheet and source row of a position in a stacked column."""
    for batch in batches:
        if position < len(batch.row_numbers):
            return where.with_(batch=batch.number, file=batch.data_file, sheet=batch.sheet_name,
                               row=int(batch.row_numbers[position]))
        position -= len(batch.row_numbers)
    return where  # pragma: no cover - positions come from the stacked batches


def _check_overrides(table: Table, names: list[str], where: Where) -> None:
    unknown = [n for n in table.column_types if n not in names or n in RESERVED_NAMES]
    if unknown:
        raise CurationError(
            Reason.RECIPE_INVALID,
            f"column_types names {unknown}, not column(s) of the table ({' and '.join(RESERVED_NAMES)} "
            f"have fixed types); its columns are {names}",
            where.with_(column=unknown[0]))


def _typed(table: Table, name: str, stacked: pd.Series, profiles: list, missing: bool, mode: str,
           cast: bool, batches: list[BatchData], where: Where) -> TypedColumn:
    """The column's type and seed text: the recipe's override when it sets one, else the type mode's."""
    wanted = table.column_types.get(name)
    if wanted is None:
        return type_column(stacked, profiles, missing, mode, table.idc_path, cast)
    bad = misfit(stacked, wanted)
    if bad is not None:
        raise CurationError(
            Reason.COLUMN_TYPE_MISFIT,
            f"column_types sets {name!r} to {wanted}, but the value {stacked.iloc[bad].strip()!r} does not "
            f"fit it (a value is never altered to fit a type): fix the value, or choose another type",
            _locate(batches, bad, where.with_(column=name)))
    return TypedColumn(wanted, override(stacked, wanted), np.zeros(len(stacked), dtype=bool))


def _report_nulled(typed: TypedColumn, name: str, batches: list[BatchData], where: Where,
                   report: TableReport) -> None:
    """IDC's ACRIN path reads text such as ``NA`` as NULL: never silently."""
    count = int(typed.nulled.sum())
    if count:
        first = _locate(batches, int(np.argmax(typed.nulled)), where.with_(column=name))
        report.warnings.append(Warning_(
            "idc_null_text",
            f"{count} cell(s) hold text that IDC's ACRIN reading takes as NULL (pandas' NA tokens such "
            f"as 'NA'); they are written NULL in this {typed.sql_type} column; the first is row {first.row}",
            first))


def _report_unpadded(typed: TypedColumn, name: str, stacked: pd.Series, batches: list[BatchData], where: Where,
                     report: TableReport) -> None:
    """IDC's types make a column of codes like ``007`` INTEGER (7): never silently."""
    if typed.sql_type not in NUMERIC_TYPES:
        return
    padded = leading_zeros(stacked)
    if padded.any():
        first = _locate(batches, int(np.argmax(padded)), where.with_(column=name))
        report.warnings.append(Warning_(
            "leading_zeros_dropped",
            f"{int(padded.sum())} value(s) written with leading zeros (e.g. 007) lose them in this "
            f"{typed.sql_type} column, as in IDC's published type; the first is row {first.row} "
            "(column_types: {column: STRING} keeps them)", first))


def build_table(loaded: LoadedRecipe, table: Table) -> CuratedTable:
    recipe = loaded.recipe
    batches = [read_batch(loaded, table, n) for n in range(len(table.batches))]
    _check_patient_types(loaded, table, batches)
    where = Where(recipe=loaded.name, table=recipe.table_name(table))
    names = _column_order(batches)
    _check_overrides(table, names, where)
    report = TableReport(table_name=recipe.table_name(table), batches=len(batches))
    for b in batches:
        report.rows_read += b.rows_read
        report.rows_skipped.update(b.rows_skipped)
        report.source_columns += b.source_columns
        report.source_columns_kept += len(b.columns)
        report.columns_dropped.update(b.columns_dropped)
        report.warnings.extend(b.warnings)

    all_batches = [Provenance(b.number, b.data_file, b.sheet_name, (), -1) for b in batches]
    ids = pd.concat([b.patient_ids for b in batches], ignore_index=True).astype(object)
    batch_numbers = pd.concat(
        [pd.Series([b.number] * len(b.patient_ids), dtype="int64") for b in batches], ignore_index=True
    )
    patient_names = {b.patient_column for b in batches}
    columns = [
        CuratedColumn(PATIENT_ID.name, PATIENT_ID.sql_type, ids, all_batches, label=PATIENT_ID.label),
        CuratedColumn(SOURCE_BATCH.name, SOURCE_BATCH.sql_type, batch_numbers.astype(str).astype(object),
                      all_batches, label=SOURCE_BATCH.label),
    ]
    cast_names = {b.cast_column for b in batches}
    for name in names:
        stacked, profiles, provenance = _stack(name, batches, idc=recipe.type_mode == "idc")
        typed = _typed(table, name, stacked, profiles, len(provenance) < len(batches), recipe.type_mode,
                       name in cast_names, batches, where)
        _report_nulled(typed, name, batches, where, report)
        _report_unpadded(typed, name, stacked, batches, where, report)
        columns.append(CuratedColumn(
            name=name,
            sql_type=typed.sql_type,
            values=typed.values,
            provenance=provenance,
            case_col=name in patient_names,
        ))
    report.rows_written = len(ids)
    report.columns_written = len(columns)
    return CuratedTable(recipe.collection_id, report.table_name, table.description, columns, batches, report)
