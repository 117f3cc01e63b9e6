"""Column types: one SQL type per column, decided over all of a table's batches.

This module is the only place that decides and converts a column's type: the table builder
asks it for every column (``type_column``), the recipe's ``column_types`` overrides are
checked by it (``misfit``), dictionaries ask it whether their type fits (``retype``) and how a
value compares with their codes (``code_text``), and the quality gate asks it whether a
seed's text is what it writes for the column's type (``conforms``). Types are named as in
BigQuery's column_metadata (``ColumnType``): INTEGER, FLOAT, BOOLEAN, DATE, STRING; each
target's name for them is in one map here: ``SEED_TYPES`` (the seeds' dbt ``column_types``),
``DUCKDB_TYPES``, ``BIGQUERY_TYPES`` (standard SQL) and ``ZETASQL_TYPES`` (type kinds).

Two modes, chosen per recipe (``type_mode``):

``idc`` (default) reproduces the types IDC publishes, because users' queries depend on them.
IDC types a table along one of two code paths (the table's ``idc_path``):

``conventional`` (pandas reading every cell as text-or-number, blanks kept as ``""``):
  * a batch's column is profiled over the rows pandas saw, the whole sheet after its first
    row (``curation.layout.pandas_rows``): rows IDC removes afterwards (lower header
    rows, ``skipRows``, rows past ``maxRow``) still vote, trailing empty rows do not;
  * in each batch a column is read as text when any cell is blank or not a number/boolean
    (so ``NA`` or one empty cell makes the column STRING);
  * a boolean or integer column missing from some batch becomes STRING;
  * a column with decimals in some batch is FLOAT, unless every value is whole (STRING,
    written as integer text: ``1.0`` -> ``1``);
  * the column at IDC's ``patientIdRow`` (the batch's ``idc_cast_column``, by default its
    first kept column) is cast to integer-or-text before typing: STRING in every batch,
    whatever it holds; its text is kept as it is;
  * dates stay STRING (IDC's pandas reading gives no DATE columns), TRUE/FALSE columns too
    (the conventional path never publishes BOOLEAN);
  * otherwise whole numbers INTEGER, decimals FLOAT, the rest STRING.

``acrin`` (ACRIN case-report forms): IDC reads each form CSV with pandas' default NA
handling, stacks the batches, recasts all-whole float columns to nullable integers, writes a
CSV and loads it with BigQuery's schema auto-detection. So:
  * NULL (and not voting) are blank cells and pandas' default NA tokens, matched against the
    whole cell text, case-sensitively and without trimming (pandas 2.x/3.x list):
    ``''``, ``#N/A``, ``#N/A N/A``, ``#NA``, ``-1.#IND``, ``-1.#QNAN``, ``-NaN``, ``-nan``,
    ``1.#IND``, ``1.#QNAN``, ``<NA>``, ``N/A``, ``NA``, ``NULL``, ``NaN``, ``None``, ``n/a``,
    ``nan``, ``null`` (``' NA'`` is text). A cell of blanks only is taken as blank here too;
  * a column missing from a batch is NULL there and does not vote;
  * over the remaining values: every one a whole number (``7``, ``007``, ``1.0``) that fits
    in 64 bits INTEGER; every one a number FLOAT; every one true/false (any case, as pandas
    reads booleans) BOOLEAN; every one an ISO date ``YYYY-MM-DD`` DATE (BigQuery detects
    dates only in that form); a column with no value at all STRING; any other mix STRING;
  * every row votes: BigQuery's documentation says auto-detection samples up to 500 rows,
    but the published ``acrin_nsclc_fdg_pet_F1`` (1541 rows) has ``f1e33`` INTEGER, whose
    only value is in row 1216; so no sample window is applied;
  * limits, all absent from the corpus: BigQuery would detect date-times
    (``2020-01-31 08:30:00``) as TIMESTAMP and times as TIME; they are STRING here (this
    project has no such types). ``inf``/``Infinity`` (a float to pandas) and integers beyond
    64 bits are STRING here, as in every mode;
  * a cell holding an NA token as text (``NA``, ``N/A``, ``null`` ...) is NULL in IDC's table.
    Nothing is dropped silently: in a STRING column the text is kept; in any other column the
    cell is written NULL, as IDC does, and the table builder reports a warning
    (``idc_null_text``) with the count and the first row.

``inferred`` is what a new collection should use: blanks are NULL and do not decide the type;
a column is INTEGER when every non-blank value is a whole number (``12`` or ``12.0``) that
fits in 64 bits, FLOAT when every one is numeric, BOOLEAN when every one is TRUE/FALSE (any
case), DATE when every one is a valid ISO date ``YYYY-MM-DD`` (Excel date cells read as
such), otherwise STRING. Mixed columns: INTEGER with FLOAT (in one batch or across batches)
gives FLOAT; any other mix (numbers with words, dates with numbers, booleans with 0/1, dates
with date-times) gives STRING, so no value is ever lost or changed to fit a type.

What counts as a number: optional sign, digits with an optional decimal point, optional
exponent (``-1``, ``+2``, ``007``, ``1.``, ``.5``, ``1e-3``). A number is whole by its digits
(``12``, ``12.0``), never by float64 (``12345678901234567.5`` is not whole) and never in
scientific notation (``1e3`` is FLOAT, its text kept); whole decimals become integer text by
their digits (``12345678901234567.0`` -> ``12345678901234567``). Codes written with leading
zeros (``007``; ``BatchProfile.padded``) keep their text: ``inferred`` types them STRING, a
STRING column keeps them as written, and they never fit a recipe's INTEGER or FLOAT; on IDC's
paths a column of them is INTEGER where IDC published it so, and the table builder warns
(``leading_zeros_dropped``). ``NA``, ``nan``, ``inf``,
``Infinity``, ``1,5``, ``12 mm`` and ``<5`` are text in every mode. Whole numbers too long
for a 64-bit integer are codes, typed STRING. Date-times (``2020-01-31 08:30:00``) and
other date spellings (``31/01/2020``: day and month order is ambiguous) are STRING.

A recipe's ``column_types`` sets a column's type in any mode; every value must fit it
(``misfit`` finds the first that does not, with the same kernels as the inference). A
dictionary's type is used only under ``inferred`` (``retype``); under ``idc`` it never
changes a published type. A column without any value is never given a dictionary's type.

The work is done with Arrow compute kernels on whole columns.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Final, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from curation import text_bytes


class ColumnType(StrEnum):
    """The type of a curated column, named as BigQuery's API and IDC's column_metadata name it."""

    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    STRING = "STRING"


INTEGER, FLOAT, BOOLEAN, DATE, STRING = ColumnType
NUMERIC_TYPES: Final = (INTEGER, FLOAT)
# A dictionary's type meaning INTEGER or FLOAT, as the values decide (``retype``).
NUMBER: Final = "NUMBER"

# Each target's name of each type, defined once.
SEED_TYPES: Final[dict[ColumnType, str]] = {  # dbt seed ``column_types``: one YAML for both targets
    STRING: "string",
    INTEGER: "int64",
    BOOLEAN: "bool",
    DATE: "date",
    FLOAT: "{{ 'float64' if target.type == 'bigquery' else 'double' }}",  # DOUBLE vs FLOAT64
}
DUCKDB_TYPES: Final[dict[ColumnType, str]] = {
    STRING: "VARCHAR", INTEGER: "BIGINT", FLOAT: "DOUBLE", BOOLEAN: "BOOLEAN", DATE: "DATE"}
BIGQUERY_TYPES: Final[dict[ColumnType, str]] = {  # GoogleSQL (standard) names
    STRING: "STRING", INTEGER: "INT64", FLOAT: "FLOAT64", BOOLEAN: "BOOL", DATE: "DATE"}
ZETASQL_TYPES: Final[dict[ColumnType, str]] = {  # zetasql.TypeKind names
    STRING: "TYPE_STRING", INTEGER: "TYPE_INT64", FLOAT: "TYPE_DOUBLE", BOOLEAN: "TYPE_BOOL", DATE: "TYPE_DATE"}

TypeMode = Literal["idc", "inferred"]
IdcPath = Literal["conventional", "acrin"]

_INT_RE = r"^[+-]?\d+$"
_NUMBER_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_LEADING_ZERO_RE = r"^[+-]?0\d"
_WHOLE_DECIMAL_RE = r"^[+-]?\d+\.0*$"  # whole by its text: no exponent, only zeros after the point
_BOOL_WORDS = pa.array(["TRUE", "FALSE"])
# every spelling of them in any case (true, True, tRUE...): all that upper-case to them in ASCII
_BOOL_SPELLINGS = pa.array(sorted("".join(spelling) for word in ("true", "false")
                                  for spelling in itertools.product(*((c, c.upper()) for c in word))))
_BOOL_TEXTS = pa.array(["true", "false"], type=pa.large_string())  # a BOOLEAN column's seed text
_INT64_DIGITS = 19
_SAMPLE = 64
# pandas' default NA tokens (read_csv with keep_default_na=True), besides the empty cell
PANDAS_NA_TOKENS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
                    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")


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
    """A column's kind in one batch, whether that batch had blank cells, and whether some of
    its whole numbers are written with leading zeros (``007``: codes, which a number loses)."""

    __slots__ = ("kind", "has_blank", "padded")

    def __init__(self, kind: Kind, has_blank: bool, padded: bool = False):
        self.kind = kind
        self.has_blank = has_blank
        self.padded = padded

    def __repr__(self) -> str:
        return f"BatchProfile({self.kind.value}, has_blank={self.has_blank}, padded={self.padded})"


def _arrow(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The values as an Arrow string array, NULL as "" (chunked when they are: the kernels take
    chunked arrays, and combining the chunks would copy every value)."""
    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray) and array.num_chunks == 1:
        array = array.chunk(0)
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.large_string())
    return pc.fill_null(array, "") if array.null_count else array


def _trim(texts: pa.Array) -> pa.Array:
    """``utf8_trim_whitespace``, without the copy when no value can change (``text_bytes``)."""
    return texts if text_bytes.plain_edges(texts) else pc.utf8_trim_whitespace(texts)


def _empty(texts: pa.Array) -> np.ndarray:
    """Per value: whether it is the empty text (``texts`` has no NULL)."""
    return text_bytes.lengths(texts) == 0


def _all(mask: pa.Array) -> bool:
    return bool(pc.all(mask).as_py()) if len(mask) else True


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py()) if len(mask) else False


def _all_match(present: pa.Array, pattern: str) -> bool:
    """Whether every value matches; a sample of the first values is tried first, since most
    columns fail a kind on their first values and the whole-column kernel is then skipped."""
    if len(present) > _SAMPLE and not _all(pc.match_substring_regex(present.slice(0, _SAMPLE), pattern)):
        return False
    return _all(pc.match_substring_regex(present, pattern))


def _integer_texts(texts: pa.Array) -> pa.Array:
    """Per value: whether it matches ``_INT_RE`` (sign and digits). Digits only (the common
    case) is decided by a byte check, much cheaper than the regex, which runs only when some
    value is not digits only (a sign, a blank, a word)."""
    digits = pc.ascii_is_decimal(texts)  # non-empty and ASCII digits only, as \d+ in RE2
    if _all(digits) and not digits.null_count:
        return digits
    return pc.match_substring_regex(texts, _INT_RE)


def _all_integer_texts(present: pa.Array) -> bool:
    """Whether every value matches ``_INT_RE``: a sample first (most columns fail on their
    first values), then the byte check of ``_integer_texts``, the regex only when needed."""
    if len(present) > _SAMPLE and not _all(pc.match_substring_regex(present.slice(0, _SAMPLE), _INT_RE)):
        return False
    return _all(_integer_texts(present))


def _plain_integers(texts: pa.Array | pa.ChunkedArray) -> bool:
    """Whether every text is digits only, without a leading zero (``0`` itself is plain) and
    shorter than 19 characters: its canonical integer text (``_integer_text``) is itself."""
    if not len(texts):
        return True
    digits = pc.ascii_is_decimal(texts)
    if digits.null_count or not _all(digits):
        return False
    lengths = text_bytes.lengths(texts)
    if lengths.max() >= _INT64_DIGITS:
        return False
    return not ((text_bytes.first_bytes(texts) == ord("0")) & (lengths > 1)).any()


_ZERO_OR_SIGN = np.frombuffer(b"0+-", dtype=np.uint8)


def _may_lead_with_zero(texts: pa.Array) -> np.ndarray:
    """Positions of the values that start with ``0``, ``+`` or ``-``, as every match of
    ``_LEADING_ZERO_RE`` does (a byte test that rules most values out before the regex)."""
    return np.flatnonzero(np.isin(text_bytes.first_bytes(texts), _ZERO_OR_SIGN))


def _signed(texts: pa.Array) -> bool:
    """Whether some value starts with a plus."""
    return bool((text_bytes.first_bytes(texts) == ord("+")).any())


def _unsigned(present: pa.Array) -> pa.Array:
    if not _signed(present):  # the regex only when a value starts with a plus
        return present
    return pc.replace_substring_regex(present, r"^\+", "")


def _fits_int64(present: pa.Array) -> bool:
    """Whether every integer text (sign and digits) fits in a signed 64-bit integer."""
    if not len(present) or text_bytes.lengths(present).max() < _INT64_DIGITS:
        return True  # fewer characters than 19 means fewer digits
    digits = pc.utf8_length(pc.utf8_ltrim(pc.utf8_ltrim(present, "+-"), "0"))
    if _all(pc.less(digits, _INT64_DIGITS)):
        return True
    long = pc.filter(present, pc.greater_equal(digits, _INT64_DIGITS)).to_pylist()
    return all(-(2**63) <= int(v) < 2**63 for v in long)


def _any_match(present: pa.Array, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(present, pattern)).as_py()) if len(present) else False


def _any_leading_zero(present: pa.Array) -> bool:
    """Whether some value matches ``_LEADING_ZERO_RE``; the regex runs only on the values
    that start with a zero (after an optional sign)."""
    candidates = _may_lead_with_zero(present)
    return bool(len(candidates)) and _any_match(present.take(pa.array(candidates)), _LEADING_ZERO_RE)


def _whole_by_text(present: pa.Array) -> bool:
    """Whether every number text is a whole number by its digits (``12``, ``12.0``, ``12.``; not
    ``1e3`` nor ``12345678901234567.5``, which float64 would call whole) that fits in 64 bits."""
    whole = pc.or_(pc.match_substring_regex(present, _INT_RE), pc.match_substring_regex(present, _WHOLE_DECIMAL_RE))
    if not _all(whole):
        return False
    return _fits_int64(pc.replace_substring_regex(present, r"\.0*$", ""))


def leading_zeros(values: pd.Series) -> np.ndarray:
    """Which values are numbers written with leading zeros (``007``, ``-01.5``): codes a
    numeric type loses the zeros of."""
    trimmed = _trim(_arrow(values))
    out = np.zeros(len(trimmed), dtype=bool)
    where = _may_lead_with_zero(trimmed)
    if len(where):  # the regexes only on the values that start with a zero
        some = trimmed.take(pa.array(where))
        padded = pc.and_(pc.match_substring_regex(some, _LEADING_ZERO_RE),
                         pc.match_substring_regex(_unsigned(some), _NUMBER_RE))
        out[where] = padded.to_numpy(zero_copy_only=False)
    return out


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


def _all_booleans(present: pa.Array) -> bool:
    """Whether every value is TRUE or FALSE in any case (``utf8_upper`` of it is): the exact
    spellings (``true``, ``False``...) are looked up first, without an upper-cased copy."""
    head = present.slice(0, _SAMPLE)
    if not _all(pc.is_in(pc.utf8_upper(head), value_set=_BOOL_WORDS)):
        return False
    return _all(pc.is_in(present, value_set=_BOOL_SPELLINGS)) or _all(
        pc.is_in(pc.utf8_upper(present), value_set=_BOOL_WORDS))


def _number_values(present: pa.Array) -> pa.Array | None:
    """The float64 of every value when each is a number text (``_NUMBER_RE``) with a finite
    value; None when some value is not a number text; the values with some non-finite
    (``1e999``) otherwise.

    Arrow's cast from text reads every number text (a sign, digits with an optional point,
    an optional exponent) and besides them only ``nan``, ``inf`` and ``infinity`` in any case,
    signed, which are not finite: so when the cast reads every value and every one is finite,
    every value is a number text, and the regex need not run. A value with a plus sign, or a
    non-finite one, is decided by the regex."""
    if len(present) > _SAMPLE and not _all(pc.match_substring_regex(present.slice(0, _SAMPLE), _NUMBER_RE)):
        return None  # most columns fail on their first values
    if not _signed(present):
        try:
            numbers = pc.cast(present, pa.float64())
        except pa.ArrowInvalid:
            return None  # some value is not even nan or inf
        if _all(pc.is_finite(numbers)):
            return numbers
    if not _all(pc.match_substring_regex(present, _NUMBER_RE)):
        return None
    return pc.cast(_unsigned(present), pa.float64())


def _castable(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray | None:
    """The float64 of every text when Arrow's cast reads each (a number text, or nan or inf:
    see ``_number_values``) and none starts with a plus (decided by the regex); else None."""
    if _signed(texts):
        return None
    try:
        return pc.cast(texts, pa.float64())
    except pa.ArrowInvalid:
        return None


def _kind(present: pa.Array, dates: bool = True) -> Kind:
    """The kind of a column's non-blank, trimmed values (``dates=False``: ISO dates are not
    looked for, and such a column is STRING)."""
    if len(present) == 0:
        return Kind.EMPTY
    if _all_booleans(present):
        return Kind.BOOLEAN
    if _all_integer_texts(present):
        if not _fits_int64(present):
            return Kind.STRING  # codes too long for SQL integers
        return Kind.INTEGER
    numbers = _number_values(present)
    if numbers is not None:
        if not _all(pc.is_finite(numbers)):  # 1e999
            return Kind.STRING
        # a whole number by its text is a whole float64 too: a fraction rules the texts out
        if not _all(pc.equal(pc.trunc(numbers), numbers)):
            return Kind.FLOAT
        return Kind.WHOLE_FLOAT if _whole_by_text(present) else Kind.FLOAT
    if dates and _valid_iso_dates(present):
        return Kind.DATE
    return Kind.STRING


def profile(values: pd.Series | pa.Array, dates: bool = True, blank_is_text: bool = False) -> BatchProfile:
    """Classify one batch's values of a column (a Series of str, or an Arrow string array;
    blanks as "").

    ``dates=False`` skips the ISO-date check (a date column is then STRING): for the
    profiles of ``idc`` mode, where a DATE profile types the column exactly as a STRING one
    (``_idc_type``; the ACRIN path types from the values, not from profiles), so the check
    cannot change anything there. ``blank_is_text`` (``idc`` mode too): a batch with a blank
    cell is profiled STRING without looking at its values, since IDC reads such a batch's
    column as text whatever it holds (``_idc_type``), and its seed text is then kept as
    written (``format_text``).
    """
    trimmed = _trim(_arrow(values))
    blank = _empty(trimmed)
    has_blank = bool(blank.any())
    if has_blank and blank_is_text:
        return BatchProfile(Kind.STRING, True)
    present = trimmed.filter(pa.array(~blank)) if has_blank else trimmed
    kind = _kind(present, dates)
    padded = kind in (Kind.INTEGER, Kind.WHOLE_FLOAT) and _any_leading_zero(present)
    return BatchProfile(kind, has_blank, padded)


def _idc_type(profiles: list[BatchProfile], missing_somewhere: bool) -> ColumnType:
    """IDC's conventional path."""
    kinds = set()
    for p in profiles:
        # IDC reads blanks as "" text, so a blank makes the whole batch column text.
        kinds.add(Kind.STRING if p.has_blank or p.kind in (Kind.EMPTY, Kind.DATE) else p.kind)
    if Kind.STRING in kinds or Kind.BOOLEAN in kinds:
        return STRING  # TRUE/FALSE columns are written as text: never BOOLEAN on this path
    if kinds == {Kind.INTEGER}:
        return STRING if missing_somewhere else INTEGER
    if Kind.FLOAT in kinds:
        return FLOAT
    # Only integers and whole decimals: IDC turns them into integers written as text.
    return STRING


def _inferred_type(profiles: list[BatchProfile]) -> ColumnType:
    if any(p.padded for p in profiles):
        return STRING  # codes with leading zeros keep them
    kinds = {p.kind for p in profiles if p.kind is not Kind.EMPTY}
    if not kinds:
        return STRING
    if kinds <= {Kind.INTEGER, Kind.WHOLE_FLOAT}:
        return INTEGER
    if kinds <= {Kind.INTEGER, Kind.WHOLE_FLOAT, Kind.FLOAT}:
        return FLOAT
    if len(kinds) == 1:
        return {Kind.BOOLEAN: BOOLEAN, Kind.DATE: DATE}.get(kinds.pop(), STRING)
    return STRING


def decide_type(profiles: list[BatchProfile], missing_somewhere: bool, mode: str) -> ColumnType:
    """The SQL type of a column from its profiles in the batches that have it (``idc``: the
    conventional path, without the cast column rule; ``type_column`` has every rule)."""
    if mode == "idc":
        return _idc_type(profiles, missing_somewhere)
    return _inferred_type(profiles)


_ACRIN_TYPES = {Kind.INTEGER: INTEGER, Kind.WHOLE_FLOAT: INTEGER, Kind.FLOAT: FLOAT,
                Kind.BOOLEAN: BOOLEAN, Kind.DATE: DATE}


def pandas_na_text(values: pd.Series) -> np.ndarray:
    """Which cells pandas' default NA handling reads as NULL although they hold text (``NA``)."""
    return pc.is_in(_arrow(values), value_set=pa.array(PANDAS_NA_TOKENS, type=pa.large_string())).to_numpy(
        zero_copy_only=False)


def _acrin_type(values: pd.Series, na_text: np.ndarray) -> ColumnType:
    """IDC's ACRIN path: pandas' default NA reading, whole floats recast, BigQuery auto-detection."""
    trimmed = pc.utf8_trim_whitespace(_arrow(values))
    absent = pc.or_(pc.equal(trimmed, ""), pa.array(na_text))
    if _all(absent):
        return STRING  # no value at all
    return _ACRIN_TYPES.get(_kind(pc.filter(trimmed, pc.invert(absent))), STRING)


@dataclass(frozen=True)
class TypedColumn:
    """A column's SQL type and its seed text; ``nulled`` marks the cells written NULL although
    they hold text (IDC's ACRIN path reads ``NA`` and the like as NULL)."""

    sql_type: ColumnType
    values: pd.Series
    nulled: np.ndarray


def type_column(values: pd.Series, profiles: list[BatchProfile], missing_somewhere: bool, mode: str,
                path: str = "conventional", cast: bool = False) -> TypedColumn:
    """The type and seed text of one stacked column (``values``: every batch's cells, ``""`` in
    the batches without it; ``profiles``: one per batch that has it). ``cast``: some batch's
    ``idc_cast_column`` is this column (conventional path)."""
    none = np.zeros(len(values), dtype=bool)
    if mode == "idc" and path == "acrin":
        na_text = pandas_na_text(values)
        sql_type = _acrin_type(values, na_text)
        if sql_type == STRING or not na_text.any():
            return TypedColumn(sql_type, format_text(values, sql_type, []), none)
        cleaned = values.where(~na_text, "")
        return TypedColumn(sql_type, format_text(cleaned, sql_type, []), na_text)
    if mode == "idc" and cast:
        return TypedColumn(STRING, format_text(values, STRING, []), none)
    sql_type = decide_type(profiles, missing_somewhere, mode)
    return TypedColumn(sql_type, format_text(values, sql_type, profiles), none)


def _within_int64(texts: pa.Array, candidates: pa.Array) -> pa.Array:
    """``candidates`` (integer texts: sign and digits) narrowed to those within 64 bits; only
    texts of 19 digits or more are looked at one by one."""
    if not len(texts) or (pc.max(pc.binary_length(texts)).as_py() or 0) < _INT64_DIGITS:
        return candidates  # fewer characters than 19 means fewer digits
    digits = pc.utf8_length(pc.utf8_ltrim(pc.utf8_ltrim(texts, "+-"), "0")).to_numpy(zero_copy_only=False)
    ok = np.asarray(candidates.to_numpy(zero_copy_only=False)).copy()
    for i in np.flatnonzero(ok & (digits >= _INT64_DIGITS)):
        ok[i] = -(2**63) <= int(texts[i].as_py()) < 2**63
    return pa.array(ok)


def _real_dates(texts: pa.Array) -> pa.Array:
    """Per value: whether it is a valid ISO date ``YYYY-MM-DD`` (2012-02-30 is not)."""
    dated = pc.match_substring_regex(texts, _DATE_RE)
    parsed = pc.strptime(pc.if_else(dated, texts, "1970-01-01"), format="%Y-%m-%d", unit="s",
                         error_is_null=True)
    # strptime rolls 2012-02-30 over to March: a real date prints back as it was written
    real = pc.equal(pc.fill_null(pc.strftime(parsed, format="%Y-%m-%d"), ""), pc.cast(texts, pa.string()))
    return pc.and_(dated, real)


def _fit_mask(trimmed: pa.Array, sql_type: str) -> pa.Array:
    """Per value: whether it fits ``sql_type`` (blanks fit every type), by the rules above."""
    blank = pc.equal(trimmed, "")
    if sql_type == STRING:
        return pc.or_(blank, pc.invert(blank))
    if sql_type == BOOLEAN:
        return pc.or_(blank, pc.is_in(pc.utf8_upper(trimmed), value_set=_BOOL_WORDS))
    if sql_type == DATE:
        return pc.or_(blank, _real_dates(trimmed))
    unsigned = _unsigned(trimmed)
    is_int = pc.match_substring_regex(unsigned, _INT_RE)
    # a code written with leading zeros (007) is not a number: it would lose them
    padded = pc.match_substring_regex(trimmed, _LEADING_ZERO_RE)
    int_ok = _within_int64(trimmed, pc.and_not(is_int, padded))
    is_number = pc.and_not(pc.and_(pc.match_substring_regex(unsigned, _NUMBER_RE), pc.invert(is_int)), padded)
    numbers = pc.cast(pc.if_else(is_number, unsigned, "0"), pa.float64())
    decimal_ok = pc.and_(is_number, pc.is_finite(numbers))
    if sql_type == INTEGER:  # whole by its digits, and within 64 bits
        whole_text = pc.match_substring_regex(unsigned, _WHOLE_DECIMAL_RE)
        integer_part = pc.replace_substring_regex(pc.if_else(whole_text, unsigned, "0"), r"\.0*$", "")
        decimal_ok = pc.and_(decimal_ok, _within_int64(integer_part, whole_text))
    return pc.or_(pc.or_(blank, int_ok), decimal_ok)


def conforms(values: pa.Array | pa.ChunkedArray, sql_type: str) -> pa.Array | pa.ChunkedArray:
    """Per value of a seed column (text, NULL for a missing value): whether it is NULL or the
    text this module writes for a value of ``sql_type`` (``format_text``), which dbt loads as
    that type on DuckDB and BigQuery. INTEGER: an integer within 64 bits in its canonical
    text (``-7``; not ``+7``, ``007`` nor ``7.0``); FLOAT: a finite number (``1.5``, ``01.5``,
    ``1e-3``; not ``inf``); BOOLEAN: ``true`` or ``false``; DATE: a valid ISO date; STRING:
    any text. Surrounding blanks conform to STRING only. What the quality gate checks."""
    if not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.large_string())
    text = pc.fill_null(values, "")
    if sql_type == STRING:
        ok = pc.invert(pc.is_null(text))  # all true
    elif sql_type == BOOLEAN:
        ok = pc.is_in(text, value_set=_BOOL_TEXTS)
    elif sql_type == DATE:
        ok = _real_dates(text)
    elif sql_type == INTEGER and _plain_integers(pc.drop_null(values)):
        ok = pc.is_valid(values)  # every value digits only, in its canonical text, within 64 bits
    elif sql_type == INTEGER:
        ok = _within_int64(text, _integer_texts(text))
        ok = pc.and_(ok, pc.equal(_integer_text(pc.if_else(ok, text, "0")), text))
    elif sql_type == FLOAT and (numbers := _castable(values)) is not None:
        ok = pc.fill_null(pc.is_finite(numbers), True)  # every value a number text or nan/inf (not finite)
    elif sql_type == FLOAT:
        number = pc.match_substring_regex(text, _NUMBER_RE)
        ok = pc.and_(number, pc.is_finite(pc.cast(pc.if_else(number, _unsigned(text), "0"), pa.float64())))
    else:
        raise ValueError(f"not a column type: {sql_type!r}")
    return pc.or_(pc.is_null(values), ok)


def code_text(value: str) -> str:
    """A value as compared with a dictionary's codes: trimmed, and a whole number by its
    integer text, by its digits (``1.0``, ``+1`` and ``001`` are ``1``), never through a float
    (``12345678901234567891`` stays itself)."""
    text = str(value).strip()
    if not (re.match(_INT_RE, text) or re.match(_WHOLE_DECIMAL_RE, text)):
        return text
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-").split(".")[0].lstrip("0")
    return sign + digits if digits else "0"


def misfit(values: pd.Series, sql_type: str) -> int | None:
    """Position of the first value that does not fit ``sql_type``; None when all fit."""
    fits = _fit_mask(pc.utf8_trim_whitespace(_arrow(values)), sql_type).to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(~fits)
    return int(bad[0]) if len(bad) else None


def override(values: pd.Series, sql_type: str) -> pd.Series:
    """Seed text of a column given ``sql_type`` by the recipe (every value fits: see ``misfit``)."""
    return format_text(values, sql_type, [])


def retype(values: pd.Series, sql_type: str, target: str | None) -> tuple[ColumnType, pd.Series] | None:
    """A dictionary's type for a column typed ``sql_type`` (``type_mode: inferred`` only).

    ``target`` is INTEGER, NUMBER (INTEGER or FLOAT, as the values decide), DATE or STRING.
    Returns the new type and seed text, the column as it is when the dictionary changes
    nothing (no type, the same type, a BOOLEAN column, a column without any value), or None
    when some value does not fit.
    """
    unchanged = (sql_type, values)
    present = values.dropna()
    if target is None or target == sql_type or sql_type == BOOLEAN or (present.str.strip() == "").all():
        return unchanged
    if target == NUMBER:
        if sql_type in NUMERIC_TYPES:
            return unchanged
        target = INTEGER if misfit(present, INTEGER) is None else FLOAT
    target = ColumnType(target)
    if target == STRING:
        return STRING, values
    if misfit(present, target) is not None:
        return None
    return target, format_text(values, target, [])


def _integer_text(trimmed: pa.Array) -> pa.Array:
    """Canonical integer text of integer or whole-decimal texts ("+007" -> "7", "12.0" -> "12"),
    by their digits: "12345678901234567.0" -> "12345678901234567" (never through a float)."""
    unsigned = _unsigned(trimmed)
    if pc.any(pc.match_substring(unsigned, ".")).as_py():  # the regex only when a point is there
        unsigned = pc.replace_substring_regex(unsigned, r"^([+-]?\d+)\.0*$", r"\1")
    return pc.cast(pc.cast(unsigned, pa.int64()), pa.string())


def format_values(values: pd.Series, sql_type: str, profiles: list[BatchProfile]) -> pd.Series:
    """Seed text for each value of a typed column, as Python objects; blanks become None (NULL)."""
    text = format_text(values, sql_type, profiles)
    return pd.Series(text.to_numpy(dtype=object, na_value=None), dtype=object, index=values.index)


def format_text(values: pd.Series, sql_type: str, profiles: list[BatchProfile]) -> pd.Series:
    """As ``format_values``, but Arrow-backed (pandas ``str`` dtype, NULL as missing): what the
    table builder keeps, since a Python object per cell would double the peak memory."""
    original = _arrow(values)
    integer_text = sql_type == INTEGER or (
        # idc mode: whole decimals become integers written as text, unless a blank made the
        # batch text (then IDC kept the text as it was).
        sql_type == STRING and profiles and all(
            p.kind in (Kind.INTEGER, Kind.WHOLE_FLOAT, Kind.EMPTY) and not p.has_blank and not p.padded
            for p in profiles
        ) and any(p.kind is Kind.WHOLE_FLOAT for p in profiles)
    )
    if text_bytes.plain_edges(original):  # nothing to trim, no whitespace-only cell
        trimmed = original
        blank = _empty(original)
    elif sql_type == STRING and not integer_text:  # kept as written: blank cells found without a trimmed copy
        trimmed = None
        blank = _empty(original) | pc.utf8_is_space(original).to_numpy(zero_copy_only=False)
    else:
        trimmed = pc.utf8_trim_whitespace(original)
        blank = _empty(trimmed)
    any_blank = bool(blank.any())
    if any_blank:
        blank = pa.array(blank)
    if integer_text:
        filled = pc.if_else(blank, "0", trimmed) if any_blank else trimmed
        out = filled if _plain_integers(filled) else _integer_text(filled)
    elif sql_type == BOOLEAN:
        out = pc.utf8_lower(trimmed)
    elif sql_type in (FLOAT, DATE):
        out = trimmed
    else:
        out = original
    if any_blank:
        out = pc.if_else(blank, pa.scalar(None, out.type), out)
    return pd.Series(out, dtype="str", index=values.index)
