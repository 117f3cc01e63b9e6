"""The quality gate: Great Expectations checks the curated tables before any seed is written.

One expectation suite per table, generated from the table's column_metadata rows:
  * the table has rows, and exactly the documented columns in the documented order;
  * dicom_patient_id and source_batch are never NULL;
  * every value's text parses as the column's type (what dbt will load it as);
  * where column_metadata lists values from a provided dictionary that the recipe closes
    (``dictionary: {closed: true}``), values are among them; rows that do not say
    (``values_closed`` absent, e.g. made by hand) are checked too. Values outside an open
    dictionary are warnings of the curator and of the dbt test instead.
A failure stops the run with a report naming each failed expectation, table and column.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass

import pandas as pd

from curation.errors import CurationError, Reason, Where

TYPE_PATTERNS = {
    "INTEGER": r"^[+-]?\d+$",
    "FLOAT": r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|nan)$",
    "BOOLEAN": r"^(?:true|false)$",
    "DATE": r"^\d{4}-\d{2}-\d{2}$",
}
NOT_NULL = ("dicom_patient_id", "source_batch")


@dataclass(frozen=True)
class Failure:
    table: str
    expectation: str
    column: str | None
    detail: str

    def __str__(self) -> str:
        column = f" column {self.column!r}" if self.column else ""
        return f"{self.table}:{column} {self.expectation} failed ({self.detail})"


def _expectations(columns: list[dict]):
    import great_expectations.expectations as gxe

    yield gxe.ExpectTableRowCountToBeBetween(min_value=1)
    yield gxe.ExpectTableColumnsToMatchOrderedList(column_list=[c["column"] for c in columns])
    for column in columns:
        name = column["column"]
        if name in NOT_NULL:
            yield gxe.ExpectColumnValuesToNotBeNull(column=name)
        pattern = TYPE_PATTERNS.get(column["data_type"])
        if pattern:
            yield gxe.ExpectColumnValuesToMatchRegex(column=name, regex=pattern)
        codes = [v["option_code"] for v in json.loads(column["values"])]
        if column["values_source"] == "provided dictionary" and codes and column.get("values_closed", True):
            yield gxe.ExpectColumnValuesToBeInSet(column=name, value_set=codes)


def _detail(result) -> str:
    outcome = result.result or {}
    if "observed_value" in outcome:
        return f"observed {outcome['observed_value']!r}"
    unexpected = outcome.get("partial_unexpected_list")
    count = outcome.get("unexpected_count")
    return f"{count} unexpected value(s), e.g. {unexpected[:5]!r}" if unexpected else "see report"


def validate(frames: dict[str, pd.DataFrame], column_rows: dict[str, list[dict]]) -> list[Failure]:
    """Validate each table's frame against the suite made from its column_metadata rows."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("curated")
    failures: list[Failure] = []
    for table_name, frame in frames.items():
        asset = source.add_dataframe_asset(name=table_name)
        batch = asset.add_batch_definition_whole_dataframe(f"{table_name}_all")
        suite = context.suites.add(gx.ExpectationSuite(name=f"{table_name}_suite"))
        for expectation in _expectations(column_rows[table_name]):
            suite.add_expectation(expectation)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{table_name}_validation", data=batch, suite=suite))
        outcome = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        for result in outcome.results:
            if not result.success:
                config = result.expectation_config
                failures.append(Failure(table_name, config.type, config.kwargs.get("column"), _detail(result)))
    return failures


def check(frames: dict[str, pd.DataFrame], column_rows: dict[str, list[dict]]) -> None:
    """Raise a CurationError listing every failed expectation; return quietly when all pass."""
    failures = validate(frames, column_rows)
    if failures:
        listing = "\n  ".join(str(f) for f in failures)
        raise CurationError(
            Reason.QUALITY_GATE,
            f"{len(failures)} expectation(s) failed; nothing was written:\n  {listing}",
            Where(table=failures[0].table, column=failures[0].column),
        )
