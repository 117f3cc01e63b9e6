"""The quality gate: every curated table is checked before any seed is written.

The checks are generated from the table's column_metadata rows and named after the Great
Expectations expectation types they correspond to (so reports read the same as a GX suite):
  * ``expect_table_row_count_to_be_between``: the table has rows;
  * ``expect_table_columns_to_match_ordered_list``: exactly the documented columns, in order;
  * ``expect_column_values_to_not_be_null``: the columns the curator adds (dicom_patient_id
    and source_batch: ``curation.dbt_contract.NOT_NULL``);
  * ``expect_column_values_to_match_regex``: every value's text is what the curator writes
    for the column's type, which dbt loads as that type (``curation.column_types.conforms``
    decides; the gate keeps no patterns of its own);
  * ``expect_column_values_to_be_in_set``: where column_metadata lists values from a provided
    dictionary that the recipe closes (``dictionary: {closed: true}``), values are among them;
    rows that do not say (``values_closed`` absent, e.g. made by hand) are checked too. Values
    outside an open dictionary are warnings of the curator and of the dbt test instead.
They run as Arrow compute kernels over whole columns: linear in rows and columns, with no
per-table fixed cost (a Great Expectations suite per table cost ~120 ms per table plus time
quadratic in columns; see scripts/bench.py). A failure stops the run with a report naming
each failed check, table and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from curation import text_bytes
from curation.column_types import ColumnType, conforms
from curation.dbt_contract import NOT_NULL
from curation.errors import CurationError, Reason, Where
from curation.metadata import PROVIDED_DICTIONARY

# the types whose text is checked (any text is a STRING)
CHECKED_TYPES = tuple(t.value for t in ColumnType if t is not ColumnType.STRING)


@dataclass(frozen=True)
class Failure:
    table: str
    expectation: str
    column: str | None
    detail: str

    def __str__(self) -> str:
        column = f" column {self.column!r}" if self.column else ""
        return f"{self.table}:{column} {self.expectation} failed ({self.detail})"


def _text(series: pd.Series) -> pa.Array:
    array = pa.array(series.astype(object).where(series.notna(), None).tolist(), type=pa.large_string()) \
        if series.dtype == object else pa.array(series, from_pandas=True)
    if not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.large_string())
    return array


def _sample(values: pa.Array, mask: pa.Array) -> str:
    bad = pc.filter(values, mask)
    return f"{len(bad)} unexpected value(s), e.g. {bad.slice(0, 5).to_pylist()!r}"


def _type_failures(table_name: str, typed: dict[str, list[tuple[str, pa.Array]]]) -> list[Failure]:
    """The type check, one ``conforms`` call per type over all its columns at once (the per-call
    cost of a kernel, not the cells, dominates a wide table); columns are looked at one by one
    only when some value of their type fails."""
    failures = []
    for data_type, named in typed.items():
        together = pa.chunked_array([chunk for _, values in named for chunk in text_bytes.chunks(values)],
                                    type=pa.large_string())
        if pc.all(conforms(together, data_type)).as_py() is not False:
            continue  # no failing value (NULL conforms)
        for name, values in named:
            bad = pc.invert(conforms(values, data_type))
            if pc.any(bad).as_py():
                failures.append(Failure(table_name, "expect_column_values_to_match_regex", name,
                                        _sample(values, bad)))
    return failures


def _check_table(table_name: str, frame: pd.DataFrame, columns: list[dict]) -> list[Failure]:
    failures = []
    if len(frame) < 1:
        failures.append(Failure(table_name, "expect_table_row_count_to_be_between", None, "observed 0"))
    documented = [c["column"] for c in columns]
    if list(frame.columns) != documented:
        failures.append(Failure(table_name, "expect_table_columns_to_match_ordered_list", None,
                                f"observed {list(frame.columns)!r}"))
    present = set(frame.columns)
    typed: dict[str, list[tuple[str, pa.Array]]] = {}
    by_column: dict[str, list[Failure]] = {}
    for column in columns:
        name = column["column"]
        if name not in present:
            continue
        values = _text(frame[name])
        found = by_column.setdefault(name, [])
        if name in NOT_NULL and values.null_count:
            found.append(Failure(table_name, "expect_column_values_to_not_be_null", name,
                                 f"{values.null_count} unexpected value(s), e.g. [None]"))
        if column["data_type"] in CHECKED_TYPES:
            typed.setdefault(column["data_type"], []).append((name, values))
            found.append(None)  # the type check's place, filled below
        if column["values_source"] != PROVIDED_DICTIONARY or not column.get("values_closed", True):
            continue
        codes = [v["option_code"] for v in json.loads(column["values"])]
        if codes:
            nulls = pc.is_null(values)
            outside = pc.and_not(pc.invert(pc.is_in(values, value_set=pa.array(codes, pa.large_string()))), nulls)
            if pc.any(outside).as_py():
                found.append(Failure(table_name, "expect_column_values_to_be_in_set", name,
                                     _sample(values, outside)))
    typed_failures = {f.column: f for f in _type_failures(table_name, typed)}
    for name, found in by_column.items():  # in column order, each column's checks in their order
        failures += [f if f is not None else typed_failures.get(name)
                     for f in found if f is not None or name in typed_failures]
    return failures


def validate(frames: dict[str, pd.DataFrame], column_rows: dict[str, list[dict]],
             on_table: Callable[[str], None] | None = None) -> list[Failure]:
    """Check each table's frame against the checks made from its column_metadata rows."""
    failures: list[Failure] = []
    for table_name, frame in frames.items():
        failures += _check_table(table_name, frame, column_rows[table_name])
        if on_table:
            on_table(table_name)
    return failures


def check(frames: dict[str, pd.DataFrame], column_rows: dict[str, list[dict]],
          on_table: Callable[[str], None] | None = None) -> None:
    """Raise a CurationError listing every failed expectation; return quietly when all pass.
    ``on_table`` hears each table's name once it is checked (progress)."""
    failures = validate(frames, column_rows, on_table)
    if failures:
        listing = "\n  ".join(str(f) for f in failures)
        raise CurationError(
            Reason.QUALITY_GATE,
            f"{len(failures)} expectation(s) failed; nothing was written:\n  {listing}",
            Where(table=failures[0].table, column=failures[0].column),
        )
