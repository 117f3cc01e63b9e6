"""Applying a table's dictionaries to its curated columns: labels, types, coded values, and
what disagrees. This is the matching side of ``curation.dictionaries``, with
``curation.dictionaries.match`` (which variable describes which column).

A data column matches a dictionary variable by its block's ``match_by`` rule and
``columns`` map (``curation.dictionaries.match``; default: the variable name normalizes to
the column's name, IDC's header rule ``A0E2`` -> ``a0e2``, or is the column's original header).
A matched column gets the variable's label, options and partial flag, and the block's
``closed`` flag, as fields of the ``CuratedColumn`` itself (``closed`` only where there is a
value set to close); column_metadata (``curation.metadata``), the seed properties' ``meta``
(``curation.seed_writer``, read by the release-wide dbt tests
``clinical_values_in_open_dictionaries`` / ``clinical_values_in_closed_dictionaries``) and the
quality gate read those fields.

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

from curation import column_types
from curation.dictionaries.load import load_dictionary
from curation.dictionaries.match import Matcher
from curation.dictionaries.parsed import Variable
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import Where
from curation.naming import RESERVED_NAMES
from curation.recipe import LoadedRecipe, Table
from curation.report import Warning_
from curation.table_builder import CuratedColumn, CuratedTable

MAX_LISTED = 10


def canonical(value: str) -> str:
    """A value as compared with codes: trimmed, and ``1.0`` the same as ``1`` (by its digits:
    ``curation.column_types.code_text``)."""
    return column_types.code_text(value)


def unknown_values(column: CuratedColumn) -> Counter:
    """Observed values (with their row counts) that are not among the column's value set."""
    codes = {canonical(c) for c in column.value_set}
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


def describe(column: CuratedColumn, variable: Variable, spec: DictionarySpec) -> None:
    """Give ``column`` what ``variable`` of the block ``spec`` says: its label (when it has
    one), options, partial flag, and the block's ``closed`` flag where there is a value set."""
    column.label = variable.label or column.label
    column.options = tuple(variable.options)
    column.options_partial = variable.partial
    column.closed = spec.closed and bool(column.value_set)


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
    for column in curated.columns:
        if column.name in RESERVED_NAMES:
            continue
        match = matcher.find(column)
        if match is None:
            if not column.case_col:  # the patient column is described by dicom_patient_id
                undescribed.append(column.name)
            continue
        variable, spec = match
        used.add(variable.name.lower())
        describe(column, variable, spec)
        here = where.with_(column=column.name)
        if spec.use_types and not column.case_col and not retype(column, variable.sql_type,
                                                                  loaded.recipe.type_mode):
            warnings.append(Warning_(
                "dictionary_type_mismatch",
                f"the dictionary types {variable.name!r} as {variable.data_type!r}, but not every value "
                f"fits: kept {column.sql_type}", here))
        unknown = unknown_values(column) if column.value_set else Counter()
        if unknown:
            listed = [f"{v!r} ({n} row{'s' if n > 1 else ''})" for v, n in unknown.most_common()]
            warnings.append(Warning_(
                "value_not_in_dictionary",
                f"{len(unknown)} value(s) in {sum(unknown.values())} row(s) not in the dictionary: "
                f"{_listing(listed)}", here))
    if undescribed:
        warnings.append(Warning_("column_not_in_dictionary",
                                 f"{len(undescribed)} column(s) not in the dictionary: {_listing(undescribed)}", where))
    absent = list(dict.fromkeys(v.name for v, _ in entries if v.name.lower() not in used))
    if absent:
        warnings.append(Warning_("variable_not_in_data",
                                 f"{len(absent)} dictionary variable(s) with no column: {_listing(absent)}", where))
    return curated
