"""Property tests (hypothesis) for the engine's fast paths and its naming and typing rules.

The fast paths (Arrow CSV reader, vectorised Excel cell texts, Arrow typing kernels) must give
exactly what the simple reference does, for any input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pandas as pd
import pyarrow as pa
from hypothesis import assume, given
from hypothesis import strategies as st

from curation.column_types import Kind, decide_type, format_values, profile
from curation.errors import CurationError, Where
from curation.naming import RESERVED_NAMES, normalize_header, unique_names
from curation.readers import Grid, cell_text, column_arrow, column_text, read_csv

WHERE = Where(recipe="p.yaml", file="p.csv")

finite = st.floats(allow_nan=False, allow_infinity=False)
cells = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), finite,
    st.floats(min_value=-1e6, max_value=1e6).map(lambda f: float(round(f))),
    st.text(max_size=6), st.dates(), st.datetimes(min_value=dt.datetime(1900, 1, 1)),
)


@given(st.lists(cells, max_size=40))
def test_column_fast_paths_equal_cell_text(values):
    expected = [cell_text(v) for v in values]
    assert column_text(tuple(values)) == expected
    assert column_arrow(tuple(values)).to_pylist() == expected


@given(st.lists(st.one_of(finite, st.just("")), min_size=1, max_size=40))
def test_numbers_with_blank_cells_equal_cell_text(values):
    assert column_arrow(tuple(values)).to_pylist() == [cell_text(v) for v in values]


field = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


@given(st.integers(1, 5).flatmap(lambda w: st.lists(st.lists(field, min_size=w, max_size=w), min_size=1, max_size=12)))
def test_arrow_csv_reader_equals_python_csv_module(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    expected = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assume(all(expected))  # a row of one empty field is written as a blank line
    try:
        grid = read_csv(data, ",", "utf-8", WHERE)
    except CurationError:
        return  # the exact reader reports a ragged file; nothing to compare
    assert grid.rows == Grid.from_rows(expected, None).rows


headers = st.lists(st.text(alphabet="Ab1 _-/()#é", max_size=8), min_size=1, max_size=12)


@given(headers)
def test_curated_names_are_sql_identifiers_unique_and_deterministic(raw):
    names = [normalize_header(h) or f"column_{i + 1}" for i, h in enumerate(raw)]
    unique, renamed = unique_names(names, set(RESERVED_NAMES))
    assert len(unique) == len(raw) == len(set(unique))
    assert not set(unique) & set(RESERVED_NAMES)
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", n) for n in unique)
    assert unique_names(names, set(RESERVED_NAMES)) == (unique, renamed)
    assert len(renamed) == sum(1 for a, b in zip(names, unique) if a != b)
    for old, new in renamed:
        assert re.fullmatch(re.escape(old) + r"(_\d+)+", new)


def _series(values):
    return pd.Series(values, dtype="str")


@given(st.lists(st.integers(-(2**63), 2**63 - 1).map(str), min_size=1, max_size=20),
       st.lists(st.just(""), max_size=3))
def test_inferred_integers(values, blanks):
    column = values + blanks
    p = profile(_series(column))
    assert p.kind is Kind.INTEGER
    assert decide_type([p], False, "inferred") == "INTEGER"
    out = format_values(_series(column), "INTEGER", [p]).tolist()
    assert out == [str(int(v)) for v in values] + [None] * len(blanks)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr), min_size=1, max_size=20))
def test_inferred_decimals_are_numbers_and_keep_their_text(values):
    p = profile(_series(values))
    assert p.kind in (Kind.FLOAT, Kind.WHOLE_FLOAT, Kind.STRING)
    if p.kind is Kind.STRING:  # only whole values past int64 (codes) may be text
        assert any(float(v).is_integer() and abs(float(v)) >= 2**63 for v in values)
        return
    sql_type = decide_type([p], False, "inferred")
    assert sql_type == ("INTEGER" if p.kind is Kind.WHOLE_FLOAT else "FLOAT")
    if sql_type == "FLOAT":
        assert format_values(_series(values), "FLOAT", [p]).tolist() == values


@given(st.lists(st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: d.isoformat()), min_size=1, max_size=20))
def test_iso_dates_are_date_in_inferred_mode_and_string_in_idc_mode(values):
    assume(all(len(v) == 10 for v in values))
    p = profile(_series(values))
    assert p.kind is Kind.DATE
    assert decide_type([p], False, "inferred") == "DATE"
    assert decide_type([p], False, "idc") == "STRING"


@given(st.lists(st.sampled_from(["TRUE", "FALSE", "true", "False", " TRUE "]), min_size=1, max_size=20))
def test_boolean_words(values):
    p = profile(_series(values))
    assert p.kind is Kind.BOOLEAN
    assert format_values(_series(values), "BOOLEAN", [p]).tolist() == [v.strip().lower() for v in values]


@given(st.lists(st.one_of(st.integers(0, 99).map(str), st.sampled_from(["NA", "x", "1,5", "Infinity", "nan"])),
                min_size=1, max_size=20))
def test_any_word_makes_a_column_text_and_text_is_kept(values):
    assume(any(not v.isdigit() for v in values))
    p = profile(_series(values))
    for mode in ("idc", "inferred"):
        assert decide_type([p], False, mode) == "STRING"
    assert format_values(_series(values), "STRING", [p]).tolist() == values


@given(st.lists(st.sampled_from([Kind.INTEGER, Kind.WHOLE_FLOAT, Kind.FLOAT, Kind.BOOLEAN, Kind.DATE,
                                 Kind.STRING, Kind.EMPTY]), min_size=1, max_size=4))
def test_one_type_per_column_and_mixes_documented(kinds):
    from curation.column_types import BatchProfile

    profiles = [BatchProfile(k, False) for k in kinds]
    present = {k for k in kinds if k is not Kind.EMPTY}
    got = decide_type(profiles, False, "inferred")
    if not present:
        assert got == "STRING"
    elif present <= {Kind.INTEGER, Kind.WHOLE_FLOAT}:
        assert got == "INTEGER"
    elif present <= {Kind.INTEGER, Kind.WHOLE_FLOAT, Kind.FLOAT}:
        assert got == "FLOAT"
    elif present == {Kind.BOOLEAN}:
        assert got == "BOOLEAN"
    elif present == {Kind.DATE}:
        assert got == "DATE"
    else:
        assert got == "STRING"


def test_arrow_grid_rows_round_trip():
    grid = Grid.from_rows([["a", "b"], ["c"]], None)
    assert grid.rows == [["a", "b"], ["c", ""]]
    assert all(isinstance(c, pa.Array) for c in grid.columns)


def test_large_decimal_is_positional_as_repr():
    """Found by the property test above: Arrow wrote 10000000000.5 as 1.00000000005e+10."""
    values = (10000000000.5, 123456789012.25, "", 0.5)
    assert column_arrow(values).to_pylist() == [cell_text(v) for v in values]
    assert column_arrow(values).to_pylist()[0] == "10000000000.5"
