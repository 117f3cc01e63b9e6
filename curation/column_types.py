"""Column types: one SQL type per column, decided over all of a table's batches.

Two modes, chosen per recipe (``type_mode``):

``idc`` (default) reproduces the types IDC publishes, because users' queries depend on them:
  * in each batch a column is read as text when any cell is blank or not a number/boolean
    (so ``NA`` or one empty cell makes the column STRING);
  * a boolean or integer column missing from some batch becomes STRING;
  * a column with decimals in some batch is FLOAT, unless every value is whole (STRING);
  * dates stay STRING (IDC's pandas reading gives no DATE columns);
  * otherwise whole numbers INTEGER, decimals FLOAT, TRUE/FALSE BOOLEAN, the rest STRING.

``inferred`` is what a new collection should use: blanks are NULL and do not decide the type;
a column is INTEGER when every non-blank value is a whole number (``12`` or ``12.0``) that
fits in 64 bits, FLOAT when every one is numeric, BOOLEAN when every one is TRUE/FALSE (any
case), DATE when every one is a valid ISO date ``YYYY-MM-DD`` (Excel date cells read as
such), otherwise STRING. Mixed columns: INTEGER with FLOAT (in one batch or across batches)
gives FLOAT; any other mix (numbers with words, dates with numbers, booleans with 0/1, dates
with date-times) gives STRING, so no value is ever lost or changed to fit a type.

What counts as a number: optional sign, digits with an optional decimal point, optional
exponent (``-1``, ``+2``, ``007``, ``1.``, ``.5``, ``1e-3``). ``NA``, ``nan``, ``inf``,
``Infinity``, ``1,5``, ``12 mm`` and ``<5`` are text in both modes. Whole numbers too long
for a 64-bit integer are codes, typed STRING. Date-times (``2020-01-31 08:30:00``) and
other date spellings (``31/01/2020``: day and month order is ambiguous) are STRING.

Types are named as in BigQuery's column_metadata: INTEGER, FLOAT, BOOLEAN, DATE, STRING.
The work is done with Arrow compute kernels on whole columns.
"""

from __future__ import annotations

from enum import Enum

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_INT_RE = r"^[+-]?\d+$"
_NUMBER_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_BOOL_WORDS = pa.array(["TRUE", "FALSE"])
_INT64_DIGITS = 19
_SAMPLE = 64


class Kind(str, Enum):
    """What the values of one column look like in one batch."""

    EMPTY = "empty"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    WHOLE_FLOAT = "whole_float"
    FLOAT = "float"
    DATE = "date"
    STRING = "string"


class BatchProfile:
    """A column's kind in one batch, and whether that batch had blank cells."""

    __slots__ = ("kind", "has_blank")

    def __init__(self, kind: Kind, has_blank: bool):
        self.kind = kind
        self.has_blank = has_blank

    def __repr__(self) -> str:
        return f"BatchProfile({self.kind.value}, has_blank={self.has_blank})"


def _arrow(values: pd.Series) -> pa.Array:
    array = pa.array(values, from_pandas=True)
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.large_string())
    return pc.fill_null(array, "")


def _all(mask: pa.Array) -> bool:
    return bool(pc.all(mask).as_py()) if len(mask) else True


def _all_match(present: pa.Array, pattern: str) -> bool:
    """Whether every value matches; a sample of the first values is tried first, since most
    columns fail a kind on their first values and the whole-column kernel is then skipped."""
    if len(present) > _SAMPLE and not _all(pc.match_substring_regex(present.slice(0, _SAMPLE), pattern)):
        return False
    return _all(pc.match_substring_regex(present, pattern))


def _unsigned(present: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(present, r"^\+", "")


def _fits_int64(present: pa.Array) -> bool:
    """Whether every integer text (sign and digits) fits in a signed 64-bit integer."""
    digits = pc.utf8_length(pc.utf8_ltrim(pc.utf8_ltrim(present, "+-"), "0"))
    if _all(pc.less(digits, _INT64_DIGITS)):
        return True
    long = pc.filter(present, pc.greater_equal(digits, _INT64_DIGITS)).to_pylist()
    return all(-(2**63) <= int(v) < 2**63 for v in long)


def _valid_iso_dates(present: pa.Array) -> bool:
    if not _all_match(present, _DATE_RE):
        return False
    parsed = pc.strptime(present, format="%Y-%m-%d", unit="s", error_is_null=True)
    if parsed.null_count:
        return False
    # strptime rolls 2012-02-30 over to March: a real date prints back as it was written
    return _all(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), pc.cast(present, pa.string())))


def is_blank(series: pd.Series) -> pd.Series:
    return series.str.strip() == ""


def profile(values: pd.Series) -> BatchProfile:
    """Classify one batch's values of a column (a Series of str, blanks as "")."""
    trimmed = pc.utf8_trim_whitespace(_arrow(values))
    blank = pc.equal(trimmed, "")
    has_blank = bool(pc.any(blank).as_py()) if len(blank) else False
    present = pc.filter(trimmed, pc.invert(blank)) if has_blank else trimmed
    if len(present) == 0:
        return BatchProfile(Kind.EMPTY, has_blank)
    head = present.slice(0, _SAMPLE)
    if _all(pc.is_in(pc.utf8_upper(head), value_set=_BOOL_WORDS)) and _all(
            pc.is_in(pc.utf8_upper(present), value_set=_BOOL_WORDS)):
        return BatchProfile(Kind.BOOLEAN, has_blank)
    if _all_match(present, _INT_RE):
        if _fits_int64(present):
            return BatchProfile(Kind.INTEGER, has_blank)
        return BatchProfile(Kind.STRING, has_blank)  # codes too long for any SQL integer
    if _all_match(present, _NUMBER_RE):
        numbers = pc.cast(_unsigned(present), pa.float64())
        if not _all(pc.is_finite(numbers)):  # 1e999
            return BatchProfile(Kind.STRING, has_blank)
        whole = _all(pc.equal(pc.floor(numbers), numbers)) and _all(pc.less(pc.abs(numbers), 2.0**63))
        return BatchProfile(Kind.WHOLE_FLOAT if whole else Kind.FLOAT, has_blank)
    if _valid_iso_dates(present):
        return BatchProfile(Kind.DATE, has_blank)
    return BatchProfile(Kind.STRING, has_blank)


def _idc_type(profiles: list[BatchProfile], missing_somewhere: bool) -> str:
    kinds = set()
    for p in profiles:
        # IDC reads blanks as "" text, so a blank makes the whole batch column text.
        kinds.add(Kind.STRING if p.has_blank or p.kind in (Kind.EMPTY, Kind.DATE) else p.kind)
    if Kind.STRING in kinds:
        return "STRING"
    if kinds == {Kind.BOOLEAN}:
        return "STRING" if missing_somewhere else "BOOLEAN"
    if Kind.BOOLEAN in kinds:
        return "STRING"
    if kinds == {Kind.INTEGER}:
        return "STRING" if missing_somewhere else "INTEGER"
    if Kind.FLOAT in kinds:
        return "FLOAT"
    # Only integers and whole decimals: IDC turns them into integers written as text.
    return "STRING"


def _inferred_type(profiles: list[BatchProfile]) -> str:
    kinds = {p.kind for p in profiles if p.kind is not Kind.EMPTY}
    if not kinds:
        return "STRING"
    if kinds <= {Kind.INTEGER, Kind.WHOLE_FLOAT}:
        return "INTEGER"
    if kinds <= {Kind.INTEGER, Kind.WHOLE_FLOAT, Kind.FLOAT}:
        return "FLOAT"
    if len(kinds) == 1:
        return {Kind.BOOLEAN: "BOOLEAN", Kind.DATE: "DATE"}.get(kinds.pop(), "STRING")
    return "STRING"


def decide_type(profiles: list[BatchProfile], missing_somewhere: bool, mode: str) -> str:
    """The SQL type of a column from its profiles in the batches that have it."""
    if mode == "idc":
        return _idc_type(profiles, missing_somewhere)
    return _inferred_type(profiles)


def _integer_text(trimmed: pa.Array) -> pa.Array:
    """Canonical integer text of integer or whole-decimal texts ("+007" -> "7", "12.0" -> "12")."""
    unsigned = _unsigned(trimmed)
    is_int = pc.match_substring_regex(unsigned, _INT_RE)
    direct = pc.cast(pc.if_else(is_int, unsigned, "0"), pa.int64())
    if _all(is_int):
        return pc.cast(direct, pa.string())
    via_float = pc.cast(pc.cast(pc.if_else(is_int, "0", unsigned), pa.float64()), pa.int64())
    return pc.cast(pc.if_else(is_int, direct, via_float), pa.string())


def format_values(values: pd.Series, sql_type: str, profiles: list[BatchProfile]) -> pd.Series:
    """Seed text for each value of a typed column, as Python objects; blanks become None (NULL)."""
    text = format_text(values, sql_type, profiles)
    return pd.Series(text.to_numpy(dtype=object, na_value=None), dtype=object, index=values.index)


def format_text(values: pd.Series, sql_type: str, profiles: list[BatchProfile]) -> pd.Series:
    """As ``format_values``, but Arrow-backed (pandas ``str`` dtype, NULL as missing): what the
    table builder keeps, since a Python object per cell would double the peak memory."""
    original = _arrow(values)
    trimmed = pc.utf8_trim_whitespace(original)
    blank = pc.equal(trimmed, "")
    if sql_type == "INTEGER" or (
        # idc mode: whole decimals become integers written as text, unless a blank made the
        # batch text (then IDC kept the text as it was).
        sql_type == "STRING" and profiles and all(
            p.kind in (Kind.INTEGER, Kind.WHOLE_FLOAT, Kind.EMPTY) and not p.has_blank for p in profiles
        ) and any(p.kind is Kind.WHOLE_FLOAT for p in profiles)
    ):
        out = _integer_text(pc.if_else(blank, "0", trimmed))
    elif sql_type == "BOOLEAN":
        out = pc.utf8_lower(trimmed)
    elif sql_type in ("FLOAT", "DATE"):
        out = trimmed
    else:
        out = original
    out = pc.if_else(blank, pa.scalar(None, out.type), out)
    return pd.Series(out, dtype="str", index=values.index)
