"""Matching a dictionary to a curated table: labels, types, coded values and what disagrees.

A data column matches a dictionary variable by its block's ``match_by`` rule and
``columns`` map (``curation.dictionaries.match``; default: the variable name normalizes to
the column's name, IDC's header rule ``A0E2`` -> ``a0e2``, or is the column's original header).
A matched column becomes a ``CodedColumn``: it carries the variable, so that column_metadata
takes its label and options (``curation.metadata``) and its seed properties carry the codes
and the closed flag as ``meta`` (``curation.seed_writer``), which the release-wide dbt tests
``clinical_values_in_open_dictionaries`` / ``clinical_values_in_closed_dictionaries`` read.

Reported as warnings in the table's report (errors only with ``--strict``):
  * ``value_not_in_dictionary``: per coded column, the observed values the dictionary does
    not list, with their row counts;
  * ``column_not_in_dictionary``: data columns the dictionary does not describe;
  * ``variable_not_in_data``: dictionary variables no column matches;
  * ``dictionary_type_mismatch``: the dictionary's type does not fit the values (the column
    keeps the type its values give).

Types: under ``type_mode: idc`` a dictionary never changes a column's type (IDC publishes
the types its reading gives); under ``inferred`` its type is taken where every value fits
(``use_types``). Whether a value fits is ``curation.column_types``' decision, not this module's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields

from curation import column_types
from curation.dbt_contract import META_DICTIONARY_CLOSED, META_DICTIONARY_CODES
from curation.dictionaries.load import load_dictionary
from curation.dictionaries.match import Matcher
from curation.dictionaries.model import Variable
from curation.dictionaries.spec import DictionarySpec
from curation.errors import Where
from curation.naming import RESERVED_NAMES
from curation.recipe import LoadedRecipe, Table
from curation.report import Warning_
from curation.table_builder import CuratedColumn, CuratedTable

MAX_LISTED = 10


@dataclass
class CodedColumn(CuratedColumn):
    """A curated column described by a dictionary variable."""

    variable: Variable | None = None
    closed: bool = False

    @property
    def codes(self) -> list[str]:
        return [o.code for o in self.variable.options] if self.variable else []

    @property
    def checked_codes(self) -> list[str]:
        """The codes values must be among: none when the options are special codes only (partial)."""
        return [] if self.variable is None or self.variable.partial else self.codes


def dictionary_values(column: CuratedColumn) -> list[dict] | None:
    """column_metadata ``values`` from the dictionary, in its order; None when it lists none."""
    if not isinstance(column, CodedColumn) or not column.codes:
        return None
    return [{"option_code": o.code, "option_description": o.description or None} for o in column.variable.options]


def values_closed(column: CuratedColumn) -> bool:
    """Whether values outside the dictionary stop the run (the recipe's ``closed: true``)."""
    return isinstance(column, CodedColumn) and column.closed and bool(column.checked_codes)


def values_meta(column: CuratedColumn) -> dict:
    """The seed column ``meta`` of a dictionary-coded column: its codes and whether the
    dictionary is closed (values outside it fail the dbt test instead of warning); empty
    for other columns."""
    if not isinstance(column, CodedColumn) or not column.checked_codes:
        return {}
    return {META_DICTIONARY_CODES: column.checked_codes, META_DICTIONARY_CLOSED: column.closed}


def canonical(value: str) -> str:
    """A value as compared with codes: trimmed, and ``1.0`` the same as ``1`` (by its digits:
    ``curation.column_types.code_text``)."""
    return column_types.code_text(value)


def unknown_values(column: CodedColumn) -> Counter:
    """Observed values (with their row counts) that are not among the column's codes."""
    codes = {canonical(c) for c in column.codes}
    unknown: Counter = Counter()
    for value, n in column.values.dropna().value_counts().items():  # distinct values only
        if canonical(value) not in codes:
            unknown[canonical(value)] += int(n)
    return unknown


def retype(column: CuratedColumn, target: str | None, type_mode: str) -> bool:
    """Give ``column`` the dictionary's type (``type_mode: inferred`` only; ``curation.column_types``
    decides whether every value fits); False when one does not. Under ``idc`` the dictionary
    never changes a published type."""
    if type_mode == "idc":
        return True
    decided = column_types.retype(column.values, column.sql_type, target)
    if decided is None:
        return False
    column.sql_type, column.values = decided
    return True


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")


def _variables(loaded: LoadedRecipe, table: Table, where: Where) -> list[tuple[Variable, DictionarySpec]]:
    chosen = []
    for spec in table.dictionary:
        dictionary = load_dictionary(loaded.source_root, spec, where)
        chosen.extend((v, spec) for v in dictionary.select(spec.form, where.with_(file=spec.files[-1])))
    return chosen


def apply_dictionary(loaded: LoadedRecipe, table: Table, curated: CuratedTable) -> CuratedTable:
    """Describe ``curated`` by its recipe table's dictionary (in place); returns it."""
    if not table.dictionary:
        return curated
    where = Where(recipe=loaded.name, table=curated.table_name)
    entries = _variables(loaded, table, where)
    matcher = Matcher(entries, [c.name for c in curated.columns], where)
    used: set[str] = set()
    undescribed: list[str] = []
    warnings = curated.report.warnings
    for position, column in enumerate(curated.columns):
        if column.name in RESERVED_NAMES:
            continue
        match = matcher.find(column)
        if match is None:
            if not column.case_col:  # the patient column is described by dicom_patient_id
                undescribed.append(column.name)
            continue
        variable, spec = match
        used.add(variable.name.lower())
        coded = CodedColumn(**{f.name: getattr(column, f.name) for f in fields(column)},
                            variable=variable, closed=spec.closed)
        coded.label = variable.label or column.label
        here = where.with_(column=column.name)
        if spec.use_types and not column.case_col and not retype(coded, variable.sql_type,
                                                                  loaded.recipe.type_mode):
            warnings.append(Warning_(
                "dictionary_type_mismatch",
                f"the dictionary types {variable.name!r} as {variable.data_type!r}, but not every value "
                f"fits: kept {coded.sql_type}", here))
        unknown = unknown_values(coded) if coded.checked_codes else Counter()
        if unknown:
            listed = [f"{v!r} ({n} row{'s' if n > 1 else ''})" for v, n in unknown.most_common()]
            warnings.append(Warning_(
                "value_not_in_dictionary",
                f"{len(unknown)} value(s) in {sum(unknown.values())} row(s) not in the dictionary: "
                f"{_listing(listed)}", here))
        curated.columns[position] = coded
    if undescribed:
        warnings.append(Warning_("column_not_in_dictionary",
                                 f"{len(undescribed)} column(s) not in the dictionary: {_listing(undescribed)}", where))
    absent = list(dict.fromkeys(v.name for v, _ in entries if v.name.lower() not in used))
    if absent:
        warnings.append(Warning_("variable_not_in_data",
                                 f"{len(absent)} dictionary variable(s) with no column: {_listing(absent)}", where))
    return curated
