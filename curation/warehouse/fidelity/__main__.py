"""``python -m curation.warehouse.fidelity`` (``make fidelity``): compare a built warehouse with IDC's
published schemas and print the report; exit status 1 when a difference is unexplained or a
known difference is stale."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

import duckdb

from curation.errors import CurationError, Reason, Where
from curation.warehouse.fidelity import known as known_module
from curation.warehouse.fidelity import published as published_module
from curation.warehouse.fidelity.compare import Report, compare_release
from curation.warehouse.fidelity.render import render
from curation.warehouse.fidelity.warehouse import built_schemas
from curation.recipe import load_recipes


def index_collections() -> set[str]:
    """Every collection id of IDC's series index (idc-index-data): a published table belongs
    to the longest id it starts with."""
    from idc_index_data import IDC_INDEX_PARQUET_FILEPATH

    return {r[0] for r in duckdb.sql(
        f"select distinct collection_id from read_parquet('{IDC_INDEX_PARQUET_FILEPATH}')").fetchall()}


def recipe_collections(recipes: Path, sources: Path) -> set[str]:
    paths = sorted(recipes.glob("*.yaml")) + sorted(recipes.glob("*.yml")) if recipes.is_dir() else [recipes]
    return {r.recipe.collection_id for r in load_recipes(paths, sources)}


def check(database: Path, idc_version: int, recipes: set[str], published: Path = published_module.DEFAULT_PATH,
          known: Path = known_module.DEFAULT_PATH) -> tuple[Report, known_module.KnownDifferences]:
    if not database.exists():
        raise CurationError(Reason.FILE_MISSING, "no built warehouse: run `make build` first",
                            Where(file=str(database)))
    differences = known_module.load_known(known)
    with duckdb.connect(str(database), read_only=True) as con:
        built = built_schemas(con, f"idc_v{idc_version}_clinical")
    if not built:
        raise CurationError(Reason.FILE_MISSING, f"no schema idc_v{idc_version}_clinical in the warehouse: "
                            f"run `make build IDC_VERSION={idc_version}`", Where(file=str(database)))
    report = compare_release(published_module.load_published(published), built, differences, recipes,
                             index_collections())
    return report, differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m curation.warehouse.fidelity", description=__doc__)
    parser.add_argument("--database", type=Path,
                        default=Path(os.environ.get("IDC_DUCKDB_PATH", "build/idc.duckdb")))
    parser.add_argument("--idc-version", type=int, default=22)
    parser.add_argument("--recipes", type=Path, default=Path("recipes"),
                        help="only tables of these recipes' collections are compared")
    parser.add_argument("--sources", type=Path, default=Path("data/sources"))
    parser.add_argument("--published", type=Path, default=published_module.DEFAULT_PATH)
    parser.add_argument("--known", type=Path, default=known_module.DEFAULT_PATH)
    parser.add_argument("--skipped", action="store_true", help="also list the tables skipped")
    args = parser.parse_args(argv)
    try:
        report, differences = check(args.database, args.idc_version, recipe_collections(args.recipes, args.sources),
                                    args.published, args.known)
    except CurationError as exc:
        print(f"fidelity: {exc}", file=sys.stderr)
        return 2
    print("\n".join(textwrap.wrap(f"{args.published.name} vs idc_v{args.idc_version}_clinical of "
                                   f"{args.database}", 80, break_on_hyphens=False)))
    print("\n".join(render(report, differences, skipped=args.skipped)), flush=True)
    if not report.ok:
        print(textwrap.fill(f"fidelity: unexplained differences or stale entries: fix the build, or "
                            f"record a difference that IDC's rules for this release cause in "
                            f"{args.known}", 80, break_on_hyphens=False, break_long_words=False),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
