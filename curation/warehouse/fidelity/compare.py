"""Every published table compared with the build: exact, explained, or what differs.

A published table is compared when its collection has a recipe (the collection is the
longest known collection id the table name starts with; ``table_metadata`` and
``column_metadata`` belong to the whole dataset and are always compared); otherwise it is
skipped. The known differences (``curation.warehouse.fidelity.known``) are applied to the published
columns first, giving the expected columns; what still differs from the build is
unexplained. Kinds of difference: a table not built, a column missing, extra, of another
type, or out of order (columns outside a longest common order of the columns both have).

An entry of the known differences is stale when the difference it explains does not occur
(the build has the published name, type or column after all), or names a table or column
the published schemas do not have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from curation.warehouse.fidelity.known import KnownDifferences, TableChange
from curation.warehouse.fidelity.published import Column, Schemas

DATASET_TABLES = ("table_metadata", "column_metadata")

Status = Literal["exact", "explained", "differs", "skipped"]


@dataclass(frozen=True)
class Difference:
    text: str
    rule: str | None = None  # None: no known difference explains it


@dataclass
class TableResult:
    table: str
    collection: str | None
    built_as: str | None = None
    differences: list[Difference] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def unexplained(self) -> list[Difference]:
        return [d for d in self.differences if d.rule is None]

    @property
    def status(self) -> Status:
        if self.skipped:
            return "skipped"
        if self.unexplained or self.stale:
            return "differs"
        return "explained" if self.differences else "exact"


@dataclass
class Report:
    results: list[TableResult]
    orphans: list[str]  # known-difference entries for tables the published schemas lack

    @property
    def compared(self) -> list[TableResult]:
        return [r for r in self.results if not r.skipped]

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.orphans and all(r.status != "differs" for r in self.results)


def collection_of(table: str, collections: set[str]) -> str | None:
    """The longest collection id that ``table`` starts with (``<collection_id>_...``)."""
    matches = [c for c in collections if table.startswith(c + "_")]
    return max(matches, key=len) if matches else None


def compare_release(published: Schemas, built: Schemas, known: KnownDifferences,
                    recipe_collections: set[str], known_collections: set[str] = frozenset()) -> Report:
    """Compare every published table (``known_collections``: every collection id there is,
    so that a table is not taken for a shorter id's; recipe collections are added)."""
    collections = set(known_collections) | set(recipe_collections)
    results = []
    for table, columns in published.items():
        collection = None if table in DATASET_TABLES else collection_of(table, collections)
        if table not in DATASET_TABLES and collection not in recipe_collections:
            results.append(TableResult(table, collection, skipped=True))
            continue
        results.append(compare_table(table, columns, built, known.tables.get(table), collection))
    orphans = [f"{t}: not a published table" for t in known.tables if t not in published]
    return Report(results, orphans)


def _find(name: str, built: Schemas) -> str | None:
    if name in built:
        return name
    return next((t for t in built if t.lower() == name.lower()), None)


def compare_table(table: str, published: list[Column], built: Schemas, change: TableChange | None,
                  collection: str | None = None) -> TableResult:
    result = TableResult(table, collection)
    target = table
    if change and change.not_built:
        found = _find(table, built)
        if found is None:
            result.differences.append(Difference("table not built", change.rule))
            return result
        result.stale.append(f"not_built: the table is built (as {found})")
    elif change and change.built_as:
        if _find(table, built) is not None:
            result.stale.append(f"built_as {change.built_as}: the table is built under its published name")
        else:
            target = change.built_as
            result.differences.append(Difference(f"table built as {target}", change.rule))
    found = _find(target, built)
    if found is None:
        result.differences.append(Difference("table not built" if target == table
                                             else f"table not built (nor as {target})"))
        return result
    result.built_as = found
    if found != target:
        result.differences.append(Difference(f"table built as {found} (letter case)"))
    expected = _apply_changes(published, built[found], change, result)
    _diff_columns(published, expected, built[found], result)
    return result


@dataclass(frozen=True)
class _Expected:
    path: str
    type: str
    published: Column  # the published column it comes from
    added: bool = False  # a known added column: no published position


def _within(path: str, column: str) -> bool:
    """``path`` is ``column`` or one of its RECORD fields."""
    return path == column or path.startswith(column + ".")


def _rename(path: str, old: str, new: str) -> str:
    return new + path[len(old):] if _within(path, old) else path


def _apply_changes(published: list[Column], built: list[Column], change: TableChange | None,
                   result: TableResult) -> list[_Expected]:
    """The published columns as the known differences say they are built; each applied change
    is recorded as an explained difference, each change that does not apply as stale."""
    expected = [_Expected(c.path, c.type, c) for c in published]
    if change is None:
        return expected
    published_paths = {c.path for c in published}
    built_types = {c.path: c.type for c in built}
    for column, edit in change.columns.items():
        if column not in published_paths:
            result.stale.append(f"columns.{column}: not a published column")
            continue
        if edit.not_built:
            if column in built_types:
                result.stale.append(f"columns.{column}: not_built, but the build has it")
                continue
            expected = [e for e in expected if not _within(e.path, column)]
            result.differences.append(Difference(f"column {column} not built", edit.rule))
            continue
        if edit.built_as:
            if column in built_types:
                result.stale.append(f"columns.{column}: built_as {edit.built_as}, but the build has "
                                    f"{column}")
                continue
            expected = [_Expected(_rename(e.path, column, edit.built_as), e.type, e.published, e.added)
                        for e in expected]
            result.differences.append(Difference(f"renamed {column} -> {edit.built_as}", edit.rule))
        if edit.type:
            path = edit.built_as or column
            old = next(e.type for e in expected if e.path == path)
            if built_types.get(path) == old:
                result.stale.append(f"columns.{column}: type {edit.type}, but the build has {old}")
                continue
            expected = [_Expected(e.path, edit.type, e.published) if e.path == path else e
                        for e in expected]
            result.differences.append(Difference(f"type of {path}: published {old}, built {edit.type}",
                                                 edit.rule))
    for column, add in change.added.items():
        if column in published_paths:
            result.stale.append(f"added.{column}: a published column")
        elif column not in built_types:
            result.stale.append(f"added.{column}: the build does not have it")
        else:
            expected.append(_Expected(column, add.type, Column(column, add.type), added=True))
            result.differences.append(Difference(f"added column {column} ({add.type})", add.rule))
    return expected


def _siblings(paths: list[str], parent: str) -> list[str]:
    return [p for p in paths if p.rpartition(".")[0] == parent]


def _common_order(a: list[str], b: list[str]) -> set[str]:
    """The names of a longest common subsequence of ``a`` and ``b``."""
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = (lengths[i + 1][j + 1] + 1 if a[i] == b[j]
                             else max(lengths[i + 1][j], lengths[i][j + 1]))
    kept, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _diff_columns(published: list[Column], expected: list[_Expected], built: list[Column],
                  result: TableResult) -> None:
    want = {e.path: e for e in expected}
    have = {c.path: c.type for c in built}
    for e in expected:
        if e.path not in have and e.path.rpartition(".")[0] not in want.keys() - have.keys():
            result.differences.append(Difference(f"missing column {e.path} ({e.type})"))
    for c in built:
        if c.path not in want and c.parent not in have.keys() - want.keys():
            result.differences.append(Difference(f"extra column {c.path} ({c.type})"))
    for e in expected:
        if e.path in have and have[e.path] != e.type:
            result.differences.append(Difference(f"type of {e.path}: published {e.type}, "
                                                 f"built {have[e.path]}"))
    published_order = [e.path for e in expected if not e.added]
    built_order = [c.path for c in built]
    for parent in dict.fromkeys(p.rpartition(".")[0] for p in published_order):
        mine = [p for p in _siblings(published_order, parent) if p in have]
        theirs = [p for p in _siblings(built_order, parent) if p in want and not want[p].added]
        kept = _common_order(mine, theirs)
        for path in mine:
            if path not in kept:
                original = _siblings([c.path for c in published], want[path].published.parent)
                result.differences.append(Difference(
                    f"position of {path}: published {original.index(want[path].published.path) + 1}, "
                    f"built {_siblings(built_order, parent).index(path) + 1}"))
