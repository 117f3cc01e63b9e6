"""The cheap tests the typing kernels run first give what the exact kernels give, for any text.

* ``text_bytes``: lengths and first bytes as Arrow and Python count them; a column it calls
  plain has nothing to trim and no whitespace-only value (whatever the whitespace: ASCII,
  Unicode, in sliced, chunked or NULL-holding arrays);
* ``column_types``: the number test by Arrow's cast (regex only for a plus sign or a value
  that is not finite), the boolean test by exact spellings, the leading-zero and plain
  integer tests by first bytes, and the profile that stops at a blank (``blank_is_text``)
  decide as the regexes and the full profile do.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from curation import column_types as ct
from curation import text_bytes

# whitespace of every kind, printable ASCII, and bytes of multi-byte characters
TEXT = st.text(alphabet=list(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000ab1é!~\x7f\x00"), max_size=6)
NUMBERISH = st.text(alphabet=list("0123456789+-.eE naifINFty\t\xa0\u0661"), max_size=7)
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
LEADING_ZERO = re.compile(r"[+-]?0\d", re.ASCII)


@st.composite
def arrays(draw, texts=TEXT):
    """A large_string or string array, maybe sliced, maybe with NULLs, maybe chunked."""
    values = draw(st.lists(st.one_of(texts, st.none()) if draw(st.booleans()) else texts, max_size=12))
    array = pa.array(values, type=draw(st.sampled_from([pa.large_string(), pa.string()])))
    start = draw(st.integers(0, len(values)))
    array = array.slice(start, draw(st.integers(0, len(values) - start)))
    if draw(st.booleans()) and len(array) > 1:
        cut = draw(st.integers(0, len(array)))
        array = pa.chunked_array([array.slice(0, cut), array.slice(cut)])
    return array


def _python(array) -> list[str | None]:
    return array.to_pylist()


@settings(max_examples=400, deadline=None)
@given(arrays())
def test_text_bytes_read_the_values(array):
    values = _python(array)
    lengths = text_bytes.lengths(array)
    first = text_bytes.first_bytes(array)
    for value, length, byte in zip(values, lengths, first):
        if value is None:
            continue
        data = value.encode("utf-8")
        assert length == len(data)
        assert byte == (data[0] if data else 0)
    if text_bytes.plain_edges(array):
        assert pc.utf8_trim_whitespace(array).to_pylist() == values
        assert not pc.any(pc.utf8_is_space(array)).as_py()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab1!~", max_size=4), max_size=8))
def test_printable_columns_are_plain(values):
    assert text_bytes.plain_edges(pa.array(values, type=pa.large_string()))


def _reference_numbers(values: list[str]):
    """The rule by its words: every value a number text, with a finite value (else None)."""
    if not all(NUMBER.fullmatch(v) for v in values):
        return None
    return [float(v) for v in values]


@settings(max_examples=500, deadline=None)
@given(st.lists(NUMBERISH.filter(lambda v: v.strip() == v and v), min_size=1, max_size=10))
def test_number_test_by_cast_is_the_regex(values):
    array = pa.array(values, type=pa.large_string())
    numbers = ct._number_values(array)
    expected = _reference_numbers(values)
    if expected is None:
        assert numbers is None
    else:
        assert numbers is not None
        assert [x if math.isfinite(x) else repr(x) for x in numbers.to_pylist()] == [
            x if math.isfinite(x) else repr(x) for x in expected]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.none(), NUMBERISH), min_size=1, max_size=10))
def test_float_seed_text_conforms_as_the_regex_says(values):
    expected = [v is None or (bool(NUMBER.fullmatch(v)) and math.isfinite(float(v))) for v in values]
    for array in (pa.array(values, type=pa.large_string()),
                  pa.chunked_array([pa.array(values[:1], type=pa.large_string()),
                                    pa.array(values[1:], type=pa.large_string())])):
        assert ct.conforms(array, ct.FLOAT).to_pylist() == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=list("tTrRuUeEfFaAlLsSſı x"), min_size=1, max_size=6), min_size=1, max_size=8))
def test_boolean_test_is_the_upper_case_test(values):
    array = pa.array(values, type=pa.large_string())
    expected = pc.all(pc.is_in(pc.utf8_upper(array), value_set=pa.array(["TRUE", "FALSE"]))).as_py()
    assert ct._all_booleans(array) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBERISH, max_size=10))
def test_leading_zeros_are_found_as_the_regexes_say(values):
    trimmed = [pc.utf8_trim_whitespace(pa.array([v])).to_pylist()[0] for v in values]
    expected = [bool(LEADING_ZERO.match(t)) and bool(NUMBER.fullmatch(t.removeprefix("+"))) for t in trimmed]
    assert ct.leading_zeros(pd.Series(values, dtype="str")).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=list("0123456789 -a"), max_size=20), max_size=8))
def test_plain_integers_are_canonical_digits(values):
    expected = all(v.isascii() and v.isdigit() and (v == "0" or not v.startswith("0")) and len(v) < 19
                   for v in values)
    assert ct._plain_integers(pa.array(values, type=pa.large_string())) == expected


CELLS = st.one_of(NUMBERISH, st.sampled_from(["", " ", "TRUE", "false", "007", "1.0", "2020-01-31", "x"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=3), st.booleans())
def test_a_blank_batch_profiled_as_text_types_as_the_full_profile(batches, missing):
    """``blank_is_text`` (idc mode) stops at a blank: the same types and seed text."""
    full = [ct.profile(pd.Series(b, dtype="str"), dates=False) for b in batches]
    fast = [ct.profile(pd.Series(b, dtype="str"), dates=False, blank_is_text=True) for b in batches]
    for f, p in zip(fast, full):
        assert f.has_blank == p.has_blank
        if not p.has_blank:
            assert (f.kind, f.padded) == (p.kind, p.padded)
    sql_type = ct.decide_type(full, missing, "idc")
    assert ct.decide_type(fast, missing, "idc") == sql_type
    stacked = pd.Series([v for b in batches for v in b], dtype="str")
    assert ct.format_text(stacked, sql_type, fast).tolist() == ct.format_text(stacked, sql_type, full).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TEXT, NUMBERISH), max_size=10), st.sampled_from(list(ct.ColumnType)))
def test_seed_text_is_the_trimmed_text_with_blanks_null(values, sql_type):
    """``format_text`` of a type a column's values fit: blanks NULL, the rest trimmed (STRING:
    as written), whether or not the column has anything to trim."""
    series = pd.Series(values, dtype="str")
    if sql_type != ct.STRING and ct.misfit(series, sql_type) is not None:
        return
    out = ct.format_text(series, sql_type, []).tolist()
    trimmed = pc.utf8_trim_whitespace(pa.array(values, type=pa.large_string())).to_pylist()
    for value, text, got in zip(values, trimmed, out):
        if text == "":
            assert got is None or (isinstance(got, float) and np.isnan(got))
        elif sql_type == ct.STRING:
            assert got == value
        elif sql_type in (ct.FLOAT, ct.DATE):
            assert got == text
