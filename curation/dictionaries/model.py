"""The one model every dictionary reader returns: variables with labels, types and options."""

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


_SAS_FORMAT = re.compile(r"\$[A-Za-z]*\d*\.\d*|[A-Za-z]*\d+\.\d*|\d+")
_IDENTIFIER_WITH_UNDERSCORE = re.compile(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*")


def is_sas_format(text: str) -> bool:
    """A SAS display format written where an option would be (``best32.``, ``$char20.``,
    ``mmddyy10.``, ``$F16.``, ``8.``, or ``8`` as a number cell): says how to print, not a code."""
    text = text.strip()
    return bool(text) and text != "." and _SAS_FORMAT.fullmatch(text) is not None


def split_names(cell: str) -> list[str]:
    """The variable name(s) of one name cell.

    Two identifiers in one cell (``A0E4_YYYY A0E4_DAYS``) are two variables sharing the row's
    label and options; any other name is one name, its whitespace collapsed (a name wrapped
    onto a new line, ``a0e4\nd``, is matched without the space by ``curation.dictionaries.apply``).
    """
    tokens = cell.split()
    if len(tokens) > 1 and all(_IDENTIFIER_WITH_UNDERSCORE.fullmatch(t) for t in tokens):
        return tokens
    return [" ".join(tokens)] if tokens else []


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


def find_header(rows: list[list[str]], required: tuple[str, ...], optional: tuple[str, ...],
                where: Where, search_rows: int = 10) -> tuple[int, dict[str, int]]:
    """The 0-based header row (the first of ``search_rows`` holding the first required
    column) and the position of every required and present optional column, matched
    case-insensitively; a missing required column is an error naming the sheet and row."""
    wanted = {name.lower(): name for name in required + optional}
    for index, row in enumerate(rows[:search_rows]):
        cells = [c.strip().lower() for c in row]
        if required[0].lower() not in cells:
            continue
        positions = {wanted[c]: i for i, c in reversed(list(enumerate(cells))) if c in wanted}
        missing = [name for name in required if name not in positions]
        if missing:
            raise CurationError(
                Reason.DICTIONARY_COLUMN_MISSING,
                f"the dictionary header lacks column(s) {missing}; it has {[c for c in row if c.strip()]}",
                where.with_(row=index + 1),
            )
        return index, positions
    raise CurationError(
        Reason.DICTIONARY_COLUMN_MISSING,
        f"no header row with column {required[0]!r} in the first {search_rows} rows "
        f"(required columns: {list(required)})",
        where.with_(row=1),
    )
