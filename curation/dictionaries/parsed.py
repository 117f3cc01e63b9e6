"""A dictionary as read: variables with labels, types and options (what every reader returns).

The readers (``curation.dictionaries.formats``) build it; ``curation.dictionaries.match``
and ``curation.dictionaries.apply`` match its variables to curated columns. ``sql_type_of``
says what a dictionary's type word means for a column; ``curation.column_types`` alone
decides whether the values fit it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curation.column_types import NUMBER, ColumnType
from curation.errors import CurationError, Reason, Where

_INT = re.compile(r"[+-]?\d+")

# Words dictionaries use for a variable's type, mapped to what the curated column should be.
# NUMBER is INTEGER or FLOAT, as the values decide. Anything else says nothing about the type.
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    ColumnType.INTEGER: ("yyyy", "integer", "int", "year", "yesno", "truefalse", "slider"),
    NUMBER: ("#", "number", "numeric", "num", "float", "decimal", "real", "calc"),
    ColumnType.STRING: ("char", "character", "text", "alpha", "string", "$", "notes", "varchar"),
    ColumnType.DATE: ("date_ymd", "iso date", "yyyy-mm-dd"),
}


@dataclass(frozen=True)
class Option:
    """One coded value: the code as it appears in the data, and what it means."""

    code: str
    description: str


@dataclass
class Variable:
    """One variable (column) of a dictionary, in dictionary order.

    ``data_type`` is the dictionary's own word for the type (``List``, ``#``, ``Numeric``,
    ``Char, 23``, ``radio``); ``sql_type`` what that says about the curated column (INTEGER,
    NUMBER, STRING, DATE) or None when it says nothing. ``partial`` options list special
    codes of an otherwise free column (missing, not applicable): other values are expected,
    so they are not reported as outside the dictionary. ``row`` is the 1-based row (or
    paragraph) where the variable starts, ``sheet`` the sheet (or document section).
    """

    name: str
    label: str
    data_type: str | None = None
    options: list[Option] = field(default_factory=list)
    form: str | None = None
    sheet: str | None = None
    row: int | None = None
    description: str | None = None
    derived: bool = False
    value_format: str | None = None  # a SAS display format the dictionary gives (``best8.``): not a code
    partial: bool = False  # the options are special codes only (``-999 - N/A`` beside "Continuous numeric")

    @property
    def sql_type(self) -> str | None:
        """Partial options (special codes of a free column) say nothing about the type."""
        return sql_type_of(self.data_type, [] if self.partial else self.options)


@dataclass
class Dictionary:
    """A parsed dictionary: its variables in order, and the titles of its forms (if any)."""

    kind: str
    source: str
    variables: list[Variable]
    form_titles: dict[str, str] = field(default_factory=dict)
    problems: dict[str, CurationError] = field(default_factory=dict)  # form -> why it cannot be read

    @property
    def forms(self) -> list[str]:
        return list(dict.fromkeys(v.form for v in self.variables if v.form is not None))

    def select(self, form: str | None, where: Where) -> list[Variable]:
        """The variables of one form (all of them when ``form`` is None)."""
        if form is None:
            return list(self.variables)
        if form in self.problems:
            raise self.problems[form]
        chosen = [v for v in self.variables if v.form == form]
        if not chosen:
            raise CurationError(
                Reason.DICTIONARY_INVALID,
                f"the {self.kind} dictionary has no form {form!r}; its forms are {self.forms}",
                where,
            )
        return chosen


def sql_type_of(data_type: str | None, options: list[Option]) -> str | None:
    """What a dictionary's type word (and, for coded variables, its codes) says about the column."""
    word = (data_type or "").strip().lower()
    for sql_type, words in _TYPE_WORDS.items():
        if word in words or any(word.startswith(w + ",") or word.startswith(w + " ") for w in words):
            return sql_type
    codes = [o.code for o in options if not is_sas_missing(o.code)]
    if codes and all(_INT.fullmatch(c) for c in codes):
        return ColumnType.INTEGER
    return None


def is_sas_missing(code: str) -> bool:
    """SAS special missing values: ``.``, ``.A`` ... ``.Z``, ``._``."""
    return re.fullmatch(r"\.[A-Za-z_]?", code) is not None


def check_unique(variables: list[Variable], where: Where) -> None:
    """Two variables of one form (or sheet) with the same name are an error."""
    seen: dict[tuple[str | None, str], Variable] = {}
    for variable in variables:
        key = (variable.form, variable.name.lower())
        if key in seen:
            first = seen[key]
            raise CurationError(
                Reason.DICTIONARY_DUPLICATE_VARIABLE,
                f"variable {variable.name!r} is defined twice (first at row {first.row})",
                where.with_(sheet=variable.sheet, row=variable.row),
            )
        seen[key] = variable
