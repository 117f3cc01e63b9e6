"""``curation.metadata``: column_metadata rows take a column's label, options and closed flag
from the ``CuratedColumn`` itself (what ``curation.dictionaries.apply`` set), and the quality
gate checks exactly the closed value sets through them."""

from __future__ import annotations

import json

import pandas as pd

from curation import quality_gate
from curation.dictionaries.parsed import Option
from curation.metadata import column_metadata_rows
from curation.report import TableReport
from curation.table_builder import CuratedColumn, CuratedTable, Provenance


def _column(name: str, values: list, sql_type: str = "STRING", **described) -> CuratedColumn:
    provenance = [Provenance(0, "data.csv", None, (name.upper(),), 3)]
    return CuratedColumn(name, sql_type, pd.Series(values, dtype=object), provenance, **described)


def _table(*columns: CuratedColumn) -> CuratedTable:
    ids = [_column("dicom_patient_id", ["P1", "P2"]), _column("source_batch", ["0", "0"], "INTEGER")]
    return CuratedTable("demo", "demo_t", "demo", ids + list(columns), [], TableReport("demo_t"))


def _rows(table: CuratedTable) -> dict[str, dict]:
    return {r["column"]: r for r in column_metadata_rows(table)}


def test_a_column_with_options_lists_them_in_dictionary_order_as_provided() -> None:
    sex = _column("sex", ["2", "1"], label="Sex at birth", options=(Option("2", "Female"), Option("1", "")))
    row = _rows(_table(sex))["sex"]
    assert row["column_label"] == "Sex at birth"
    assert row["values_source"] == "provided dictionary"
    assert json.loads(row["values"]) == [{"option_code": "2", "option_description": "Female"},
                                         {"option_code": "1", "option_description": None}]


def test_a_column_without_options_lists_its_observed_values_and_its_header_as_label() -> None:
    row = _rows(_table(_column("site", ["b", "a"])))["site"]
    assert (row["column_label"], row["values_source"]) == ("SITE", "derived from inspection of values")
    assert [v["option_code"] for v in json.loads(row["values"])] == ["a", "b"]


def test_partial_options_are_listed_as_provided_but_the_gate_lets_other_values_pass() -> None:
    age = _column("age", ["61", "-999"], "INTEGER", options=(Option("-999", "N/A"),), options_partial=True)
    table = _table(age)
    row = _rows(table)["age"]
    assert (row["values_source"], row["values_closed"]) == ("provided dictionary", False)
    assert quality_gate.validate({table.table_name: table.frame}, {table.table_name: column_metadata_rows(table)}) == []


def test_the_gate_checks_a_closed_columns_value_set_and_not_an_open_one() -> None:
    def failures(closed: bool) -> list:
        sex = _column("sex", ["1", "7"], "INTEGER", options=(Option("1", "M"), Option("2", "F")), closed=closed)
        table = _table(sex)
        return quality_gate.validate({table.table_name: table.frame},
                                     {table.table_name: column_metadata_rows(table)})

    assert failures(False) == []
    [failure] = failures(True)
    assert (failure.column, failure.expectation) == ("sex", "expect_column_values_to_be_in_set")
    assert "7" in failure.detail


def test_the_published_label_is_the_label_else_the_headers_of_every_batch_once_else_the_name() -> None:
    def column(label: str | None, *headers: tuple[str, ...]) -> CuratedColumn:
        provenance = [Provenance(n, "data.csv", None, cells, 1) for n, cells in enumerate(headers)]
        return CuratedColumn("pr_2", "STRING", pd.Series(["a", "b"], dtype=object), provenance, label=label)

    table = _table(column(None, ("PR", "2"), ("PR", "% 2")), column("Progesterone", ("PR",)), column(None))
    described = column_metadata_rows(table)[2:]  # after dicom_patient_id and source_batch
    assert [(r["column_label"], json.loads(r["original_column_headers"])) for r in described] == [
        ("PR / 2 / % 2", ["PR", "2", "% 2"]), ("Progesterone", ["PR"]), ("pr_2", [])]
