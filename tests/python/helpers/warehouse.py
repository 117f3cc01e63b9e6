"""A release built once per pytest session into a temporary folder, for the tests that need a
real warehouse (the coverage report, the docs site, the metrics, the acceptance queries).

It is built the way README's "Adding a collection" says a user adds one: the bundled recipes
and sources plus one more collection, made here from real PatientIDs of an IDC collection that
no bundled recipe covers (so no test can assume which collections exist); then the DICOM
corpus is converted and `dbt build` runs every model, seed and data test on DuckDB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers import BIN, IDC_VERSION, REPO


@dataclass(frozen=True)
class Warehouse:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "idc.duckdb"

    @property
    def target(self) -> Path:
        return self.root / "target"

    def env(self) -> dict[str, str]:
        index = subprocess.run([sys.executable, "-m", "curation.index_path"], capture_output=True,
                               text=True, check=True).stdout.strip()
        return {**os.environ, "DBT_PROFILES_DIR": str(REPO), "DBT_TARGET": "duckdb",
                "IDC_DUCKDB_PATH": str(self.database), "IDC_DICOM_PARQUET_DIR": str(self.root / "dicom"),
                "IDC_INDEX_PARQUET": index, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "GX_ANALYTICS_ENABLED": "False"}

    def dbt(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(BIN / "dbt"), *args, "--vars", f"{{idc_version: {IDC_VERSION}}}",
             "--target-path", str(self.target), "--log-path", str(self.root / "logs")],
            cwd=REPO, env=self.env(), capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        return result


ADDED_TABLE = "{collection}_visits"


def _bundled_collections(recipes: Path) -> set[str]:
    import yaml

    return {yaml.safe_load(p.read_text(encoding="utf-8"))["collection_id"] for p in recipes.glob("*.yaml")}


def add_collection(recipes: Path, sources: Path, index: Path) -> tuple[str, list[str]]:
    """Add one collection as a user would (files under sources/<id>/, a recipe in recipes/):
    the first IDC collection of the index with no recipe here, three of its real PatientIDs."""
    import duckdb

    taken = _bundled_collections(recipes)
    collections = [r[0] for r in duckdb.sql(
        f"select collection_id from read_parquet('{index}') group by 1 "
        "having count(distinct PatientID) >= 3 order by 1").fetchall()]
    collection = next(c for c in collections if c not in taken)
    ids = [r[0] for r in duckdb.sql(
        f"select distinct PatientID from read_parquet('{index}') where collection_id = '{collection}' "
        "order by 1 limit 3").fetchall()]
    folder = sources / collection
    folder.mkdir(parents=True)
    lines = ["Patient ID,Visit,Age (years),Note"] + [f"{p},{n + 1},{50 + n},{'' if n else 'first'}"
                                                     for n, p in enumerate(ids)]
    (folder / "visits.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (recipes / f"{collection}.yaml").write_text(
        f"collection_id: {collection}\n"
        "tables:\n"
        "  - name: visits\n"
        "    batches:\n"
        "      - files: [visits.csv]\n"
        "        patient_column: Patient ID\n", encoding="utf-8")
    return collection, ids


def built_warehouse(tmp_path_factory) -> Warehouse:
    """The warehouse of this session, built on first use."""
    warehouse = Warehouse(tmp_path_factory.getbasetemp() / "warehouse")
    done = warehouse.root / ".built"
    if done.exists():
        return warehouse
    warehouse.root.mkdir(parents=True, exist_ok=True)
    recipes, sources = warehouse.root / "recipes", warehouse.root / "sources"
    shutil.copytree(REPO / "recipes", recipes)
    shutil.copy(REPO / "releases.yml", warehouse.root / "releases.yml")  # beside the recipes, as in a clone
    shutil.copytree(REPO / "data" / "sources", sources)
    index = Path(warehouse.env()["IDC_INDEX_PARQUET"])
    collection, _ = add_collection(recipes, sources, index)
    (warehouse.root / "added_collection").write_text(collection, encoding="utf-8")
    subprocess.run([str(BIN / "curate"), "--idc-version", str(IDC_VERSION), "--first-release",
                    "--recipes", str(recipes), "--sources", str(sources)],
                   cwd=REPO, check=True, capture_output=True)
    subprocess.run([str(BIN / "curate"), "dicom", "data/dicom", "--out", str(warehouse.root / "dicom")],
                   cwd=REPO, check=True, capture_output=True)
    build = warehouse.dbt("build", "--full-refresh")
    (warehouse.root / "build.log").write_text(build.stdout, encoding="utf-8")
    done.touch()
    return warehouse
