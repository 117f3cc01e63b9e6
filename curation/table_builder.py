"""Stacking a table's batches into one curated table with typed columns and provenance."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from curation.batch_reader import BatchData, read_batch
from curation.column_types import Kind, decide_type, format_text, profile
from curation.errors import CurationError, Reason, Where
from curation.recipe import LoadedRecipe, Table
from curation.report import TableReport


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
    name: str
    sql_type: str
    values: pd.Series  # seed text; NULL is missing (None or NaN, by dtype)
    provenance: list[Provenance]
    case_col: bool = False
    label: str | None = None


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
        return pd.DataFrame({c.name: c.values for c in self.columns})


def _column_order(batches: list[BatchData]) -> list[str]:
    order: dict[str, None] = {}
    for batch in batches:
        for column in batch.columns:
            order.setdefault(column.name)
    return list(order)


def _stack(name: str, batches: list[BatchData]) -> tuple[pd.Series, list, list[Provenance]]:
    parts, profiles, provenance = [], [], []
    for batch in batches:
        match = next((c for c in batch.columns if c.name == name), None)
        if match is None:
            parts.append(pd.Series([""] * len(batch.patient_ids), dtype="str"))
            continue
        parts.append(match.values)
        profiles.append(profile(match.values))
        provenance.append(Provenance(batch.number, batch.data_file, batch.sheet_name,
                                     tuple(match.header_cells), match.number))
    return pd.concat(parts, ignore_index=True), profiles, provenance


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


def build_table(loaded: LoadedRecipe, table: Table) -> CuratedTable:
    recipe = loaded.recipe
    batches = [read_batch(loaded, table, n) for n in range(len(table.batches))]
    _check_patient_types(loaded, table, batches)
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
        CuratedColumn("dicom_patient_id", "STRING", ids, all_batches,
                      label="DICOM PatientID of the patient's images"),
        CuratedColumn("source_batch", "INTEGER", batch_numbers.astype(str).astype(object), all_batches,
                      label="source batch the row came from (0 when there is one)"),
    ]
    for name in _column_order(batches):
        stacked, profiles, provenance = _stack(name, batches)
        sql_type = decide_type(profiles, len(provenance) < len(batches), recipe.type_mode)
        columns.append(CuratedColumn(
            name=name,
            sql_type=sql_type,
            values=format_text(stacked, sql_type, profiles),
            provenance=provenance,
            case_col=name in patient_names,
        ))
    report.rows_written = len(ids)
    report.columns_written = len(columns)
    return CuratedTable(recipe.collection_id, report.table_name, table.description, columns, batches, report)
