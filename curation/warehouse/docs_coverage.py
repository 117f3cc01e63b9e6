"""Which of the project's models and seeds, and which of their columns, have no description.

Reads the artifacts `dbt docs generate` writes: manifest.json (what the YAML describes) and
catalog.json (the columns each relation really has in the warehouse), so a column that exists
but is not in any YAML counts as undocumented too.

    python -m curation.warehouse.docs_coverage target          # lists gaps; exit 1 when there are any
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PROJECT = "idc_clinical"
RESOURCE_TYPES = ("model", "seed")


@dataclass(frozen=True)
class Gap:
    node: str  # e.g. model.idc_clinical.dicom_all
    column: str | None  # None: the model or seed itself has no description

    def __str__(self) -> str:
        return self.node if self.column is None else f"{self.node}.{self.column}"

    @property
    def name(self) -> str:
        return self.node.split(".")[-1]


def load(target: Path) -> tuple[dict, dict]:
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    return manifest, catalog


def gaps(manifest: dict, catalog: dict) -> list[Gap]:
    """Every project model/seed without a description, and every column (as the warehouse has
    it, or as the YAML lists it when the relation is not in the catalog) without one."""
    found: list[Gap] = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] not in RESOURCE_TYPES or node["package_name"] != PROJECT:
            continue
        if not (node.get("description") or "").strip():
            found.append(Gap(uid, None))
        described = {name.lower(): (col.get("description") or "").strip()
                     for name, col in node.get("columns", {}).items()}
        in_catalog = catalog.get("nodes", {}).get(uid) or catalog.get("sources", {}).get(uid)
        columns = list(in_catalog["columns"]) if in_catalog else list(node.get("columns", {}))
        for column in columns:
            if not described.get(column.lower()):
                found.append(Gap(uid, column))
    return sorted(found, key=lambda gap: (gap.node, gap.column or ""))


def summary(found: list[Gap]) -> dict[str, int]:
    """Number of gaps per model/seed name."""
    counts: dict[str, int] = defaultdict(int)
    for gap in found:
        counts[gap.name] += 1
    return dict(sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "target")
    found = gaps(*load(target))
    for name, n in summary(found).items():
        print(f"{name}: {n} undescribed")
    for gap in found:
        print(f"  {gap}")
    print(f"{len(found)} gaps" if found else "every model, seed and column is described")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
