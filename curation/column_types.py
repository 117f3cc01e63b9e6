"""Column types: one SQL type per column, decided over all of a table's batches.

Two modes, chosen per recipe (``type_mode``):

``idc`` (default) reproduces the types IDC publishes, because users' queries depend on them:
  * in each batch a column is read as text when any cell is blank or not a number/boolean
    (so ``NA`` or one empty cell makes the column STRING);
  * a boolean or integer column missing from some batch becomes STRING;
  * a column with decimals in some batch is FLOAT, unless every value is whole (STRING);
  * otherwise whole numbers INTEGER, decimals FLOAT, TRUE/FALSE BOOLEAN, the rest STRING.

``inferred`` is what a new collection should use: blanks are NULL and do not decide the type;
a column is INTEGER when every non-blank value is a whole number (``12`` or ``12.0``), FLOAT
when every one is numeric, BOOLEAN when every one is TRUE/FALSE-like, DATE when every one is
an ISO date, otherwise STRING. Mixed batches: INTEGER with FLOAT gives FLOAT; any other mix
gives STRING. The literal ``NA`` is text in both modes, so it keeps a column STRING.

Types are named as in BigQuery's column_metadata: INTEGER, FLOAT, BOOLEAN, DATE, STRING.
"""

from __future__ import annotations

from enum import Enum

import pandas as pd

_INT_RE = r"[+-]?\d+"
_DATE_RE = r"\d{4}-\d{2}-\d{2}"
_BOOL_WORDS = {"TRUE", "FALSE"}


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


def is_blank(series: pd.Series) -> pd.Series:
    return series.str.strip() == ""


def profile(values: pd.Series) -> BatchProfile:
    """Classify one batch's values of a column (a Series of str, blanks as "")."""
    blank = is_blank(values)
    present = values[~blank].str.strip()
    has_blank = bool(blank.any())
    if present.empty:
        return BatchProfile(Kind.EMPTY, has_blank)
    if present.str.upper().isin(_BOOL_WORDS).all():
        return BatchProfile(Kind.BOOLEAN, has_blank)
    if present.str.fullmatch(_INT_RE).all():
        return BatchProfile(Kind.INTEGER, has_blank)
    numbers = pd.to_numeric(present.where(~present.str.lower().isin(["nan", "inf", "-inf", "+inf"])),
                            errors="coerce")
    if numbers.notna().all():
        whole = bool((numbers % 1 == 0).all())
        return BatchProfile(Kind.WHOLE_FLOAT if whole else Kind.FLOAT, has_blank)
    if present.str.fullmatch(_DATE_RE).all() and pd.to_datetime(present, errors="coerce").notna().all():
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


def format_values(values: pd.Series, sql_type: str, profiles: list[BatchProfile]) -> pd.Series:
    """Seed text for each value of a typed column; blanks become None (NULL)."""
    blank = is_blank(values)
    out = values.astype(object)
    if sql_type == "INTEGER" or (
        sql_type == "STRING" and profiles and all(
            p.kind in (Kind.INTEGER, Kind.WHOLE_FLOAT, Kind.EMPTY) for p in profiles
        ) and any(p.kind is Kind.WHOLE_FLOAT for p in profiles)
    ):
        present = values[~blank].str.strip()
        as_int = pd.to_numeric(present).astype("int64").astype(str)
        out = out.copy()
        out[~blank] = as_int
    elif sql_type == "BOOLEAN":
        out = values.str.strip().str.lower().astype(object)
    elif sql_type in ("FLOAT", "DATE"):
        out = values.str.strip().astype(object)
    out[blank] = None
    return out
