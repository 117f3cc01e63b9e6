"""What changed between two releases' curated seeds: tables, columns, types and row counts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from curation.dbt_contract import COLUMN_METADATA_SEED, TABLE_METADATA_SEED, clinical_seed, metadata_seed
from curation.errors import CurationError, Reason, Where


@dataclass(frozen=True, order=True)
class Change:
    """One difference; ``kind`` is one of the KINDS below."""

    table: str
    kind: str
    column: str = ""
    old: str = ""
    new: str = ""


KINDS = ("table_added", "table_removed", "table_changed", "column_added", "column_removed",
         "column_retyped", "row_count")


def _read(path: Path) -> list[dict]:
    if not path.is_file():
        raise CurationError(Reason.PREVIOUS_RELEASE, "not a curated seed folder", Where(file=str(path)))
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _row_count(seeds: Path, table: str) -> int:
    with (seeds / clinical_seed(table)).open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def diff_releases(old: Path, new: Path) -> list[Change]:
    """Differences from the seeds in ``old`` to those in ``new`` (two curated seed folders)."""
    old_tables = {r["table_name"]: r for r in _read(old / metadata_seed(TABLE_METADATA_SEED))}
    new_tables = {r["table_name"]: r for r in _read(new / metadata_seed(TABLE_METADATA_SEED))}
    old_columns = {(r["table_name"], r["column"]): r["data_type"]
                   for r in _read(old / metadata_seed(COLUMN_METADATA_SEED))}
    new_columns = {(r["table_name"], r["column"]): r["data_type"]
                   for r in _read(new / metadata_seed(COLUMN_METADATA_SEED))}
    changes = [Change(t, "table_added") for t in new_tables.keys() - old_tables.keys()]
    changes += [Change(t, "table_removed") for t in old_tables.keys() - new_tables.keys()]
    for table in old_tables.keys() & new_tables.keys():
        before = old_tables[table]["post_process_src_updated_md5"]
        after = new_tables[table]["post_process_src_updated_md5"]
        if before != after:
            changes.append(Change(table, "table_changed", old=before, new=after))
        columns_before = {c: t for (tb, c), t in old_columns.items() if tb == table}
        columns_after = {c: t for (tb, c), t in new_columns.items() if tb == table}
        changes += [Change(table, "column_added", c, new=columns_after[c])
                    for c in columns_after.keys() - columns_before.keys()]
        changes += [Change(table, "column_removed", c, old=columns_before[c])
                    for c in columns_before.keys() - columns_after.keys()]
        changes += [Change(table, "column_retyped", c, columns_before[c], columns_after[c])
                    for c in columns_before.keys() & columns_after.keys()
                    if columns_before[c] != columns_after[c]]
        rows_before, rows_after = _row_count(old, table), _row_count(new, table)
        if rows_before != rows_after:
            changes.append(Change(table, "row_count", old=str(rows_before), new=str(rows_after)))
    return sorted(changes)
