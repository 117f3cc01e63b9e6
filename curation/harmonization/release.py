"""The curated release a mapping may name: its clinical tables and their columns.

Read from the seed properties `curate` writes (``seeds/curated/clinical/_clinical__seeds.yml``):
one entry per clinical table with its collection_id and its columns in table order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from curation.dbt_contract import CLINICAL_SEEDS_PROPERTIES
from curation.errors import CurationError, Reason, Where

SEED_PROPERTIES = CLINICAL_SEEDS_PROPERTIES


@dataclass(frozen=True)
class ReleaseTables:
    """table name -> (collection_id, columns)."""

    tables: dict[str, tuple[str, tuple[str, ...]]]

    @property
    def collections(self) -> set[str]:
        return {collection for collection, _ in self.tables.values()}


def load_release(clinical_seeds: Path) -> ReleaseTables:
    path = clinical_seeds / SEED_PROPERTIES
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CurationError(Reason.FILE_MISSING, f"cannot read the curated release ({exc}): run `make curate` first",
                            Where(file=str(path))) from exc
    tables = {}
    for seed in document.get("seeds", []):
        meta = (seed.get("config") or {}).get("meta") or {}
        tables[seed["name"]] = (meta.get("collection_id", ""), tuple(c["name"] for c in seed.get("columns", [])))
    return ReleaseTables(tables)
