"""``curation.dictionaries.apply``: what a matched variable gives its column (fields of the
``CuratedColumn`` itself), and which observed values are outside the column's value set."""

from __future__ import annotations

import pandas as pd
import pytest

from curation.dictionaries.apply import canonical, describe, unknown_values
from curation.dictionaries.parsed import Option, Variable
from curation.dictionaries.recipe_block import DictionarySpec
from curation.table_builder import CuratedColumn

CODES = [Option("1", "Yes"), Option("0", "No")]


def _column(values: list, label: str | None = "Smoker (header)") -> CuratedColumn:
    return CuratedColumn("smoker", "INTEGER", pd.Series(values, dtype=object), [], label=label)


def _block(closed: bool) -> DictionarySpec:
    return DictionarySpec(kind="sheet", files=["d.csv"], name_column="name", label_column="label", closed=closed)


def test_an_undescribed_column_has_no_options_value_set_or_closed_flag() -> None:
    column = _column(["1", "0"])
    assert (column.options, column.value_set, column.options_partial, column.closed) == ((), [], False, False)


@pytest.mark.parametrize("closed", [False, True])
def test_describe_gives_the_column_the_variables_label_options_and_the_blocks_closed_flag(closed: bool) -> None:
    column = _column(["1", "0"])
    describe(column, Variable("smoker", "Ever smoked", options=list(CODES)), _block(closed))
    assert column.label == "Ever smoked"
    assert column.options == tuple(CODES) and column.value_set == ["1", "0"]
    assert (column.options_partial, column.closed) == (False, closed)


def test_describe_keeps_the_header_label_when_the_variable_has_none() -> None:
    column = _column(["1"])
    describe(column, Variable("smoker", "", options=list(CODES)), _block(False))
    assert column.label == "Smoker (header)"


def test_partial_options_are_listed_but_form_no_value_set_and_cannot_be_closed() -> None:
    column = _column(["12", "-999"])
    describe(column, Variable("age", "Age", options=[Option("-999", "N/A")], partial=True), _block(True))
    assert column.options == (Option("-999", "N/A"),)
    assert (column.value_set, column.options_partial, column.closed) == ([], True, False)


def test_a_closed_block_closes_nothing_when_the_variable_lists_no_options() -> None:
    column = _column(["x"])
    describe(column, Variable("note", "Free note"), _block(True))
    assert (column.options, column.value_set, column.closed) == ((), [], False)


def test_describe_copies_the_options_so_a_later_change_to_the_variable_does_not_reach_the_column() -> None:
    variable = Variable("smoker", "Ever smoked", options=list(CODES))
    column = _column(["1"])
    describe(column, variable, _block(False))
    variable.options.append(Option("9", "Unknown"))
    assert column.value_set == ["1", "0"]


def test_unknown_values_counts_rows_outside_the_value_set_with_1_0_as_1() -> None:
    column = _column(["1", "1.0", " 0 ", "7", "7", "x", None])
    describe(column, Variable("smoker", "Ever smoked", options=list(CODES)), _block(False))
    assert dict(unknown_values(column)) == {"7": 2, "x": 1}


@pytest.mark.parametrize(("value", "expected"), [("1.0", "1"), (" 2 ", "2"), ("1.5", "1.5"), ("inf", "inf"),
                                                 ("A", "A"), ("-0.0", "0")])
def test_canonical_compares_whole_numbers_as_integers(value: str, expected: str) -> None:
    assert canonical(value) == expected
