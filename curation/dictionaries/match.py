"""Which dictionary variable describes which curated column: the ``match_by`` rules.

Each dictionary block of a table says how its variables find their columns
(``DictionarySpec.match_by``, default ``name``):

``name``
    the curated column name is IDC's normalization of the variable name (``A0E2`` ->
    ``a0e2``, ``Age (Y)`` -> ``age_y``), also of the name without its whitespace (a name
    wrapped onto a new line, ``a0e4 d`` -> ``a0e4d``); or the column's joined original header
    is the name (case aside).
``header``
    the variable name is the text of the column's bottom header cell, case and runs of
    whitespace aside (``PR  [%] 2`` is ``PR [%] 2``): for dictionaries that name columns as
    the sheet shows them, where normalizing would merge or split names.
``map``
    only the explicit ``columns`` map.

``columns: {variable: column}`` (curated column names) wins over the rule in every mode. A
map naming a variable the dictionary does not have, or a column the table does not have,
is an error. Blocks are tried in order: the first block that matches a column describes it.
"""

from __future__ import annotations

from curation.dictionaries.parsed import Variable
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where
from curation.naming import join_header_cells, normalize_header
from curation.table_builder import CuratedColumn


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def _name_keys(variable: Variable) -> list[str]:
    name = variable.name.strip()
    return [normalize_header(name), normalize_header("".join(name.split())), name.lower()]


class Matcher:
    """Finds the (variable, block) describing a column, block by block in recipe order."""

    def __init__(self, entries: list[tuple[Variable, DictionarySpec]], columns: list[str], where: Where):
        self._blocks: list[tuple[DictionarySpec, dict[str, Variable], dict[str, Variable]]] = []
        specs = list({id(s): s for _, s in entries}.values())  # in order; specs are not hashable
        for spec in specs:
            variables = [v for v, s in entries if s is spec]
            explicit = self._explicit(spec, variables, columns, where)
            mapped = {id(v) for v in explicit.values()}
            keys: dict[str, Variable] = {}
            for variable in (v for v in variables if id(v) not in mapped):
                for key in (_name_keys(variable) if spec.match_by == "name" else [_squash(variable.name)]):
                    keys.setdefault(key, variable)
            self._blocks.append((spec, keys, explicit))

    @staticmethod
    def _explicit(spec: DictionarySpec, variables: list[Variable], columns: list[str],
                  where: Where) -> dict[str, Variable]:
        by_name = {}
        for variable in variables:
            by_name.setdefault(_squash(variable.name), variable)
        explicit = {}
        here = where.with_(file=spec.files[-1])
        for name, column in spec.columns.items():
            if _squash(name) not in by_name:
                raise CurationError(Reason.DICTIONARY_INVALID,
                                    f"columns: the dictionary has no variable {name!r}", here)
            if column not in columns:
                raise CurationError(Reason.DICTIONARY_INVALID,
                                    f"columns: {name!r} -> {column!r}, but the table has no column {column!r}",
                                    here.with_(column=column))
            explicit[column] = by_name[_squash(name)]
        return explicit

    def find(self, column: CuratedColumn) -> tuple[Variable, DictionarySpec] | None:
        for spec, keys, explicit in self._blocks:
            if column.name in explicit:
                return explicit[column.name], spec
            if spec.match_by == "map":
                continue
            if spec.match_by == "name":
                candidates = [column.name] + [join_header_cells(list(p.header_cells)).lower()
                                              for p in column.provenance]
            else:
                candidates = [_squash(next((c for c in reversed(p.header_cells) if c.strip()), ""))
                              for p in column.provenance]
            for candidate in candidates:
                if candidate and candidate in keys:
                    return keys[candidate], spec
        return None
