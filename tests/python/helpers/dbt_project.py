"""A copy of the dbt project in a temporary folder, run on its own DuckDB file (test helper)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from helpers import BIN, REPO
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "macros", "models", "tests/dbt", "seeds/harmonization", "seeds/lookups")


class DbtProject:
    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "project"
        self.root.mkdir()
        for name in PROJECT_FILES:
            source = REPO / name
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source.is_dir() else shutil.copy)(source, self.root / name)
        self.seeds = self.root / "seeds" / "curated"
        self.database = tmp / "idc.duckdb"
        index = subprocess.run([sys.executable, "-m", "curation.index_path"], capture_output=True,
                               text=True, check=True).stdout.strip()
        self.env = {**os.environ, "DBT_PROFILES_DIR": str(self.root), "IDC_DUCKDB_PATH": str(self.database),
                    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "IDC_INDEX_PARQUET": index,
                    "DBT_TARGET": "duckdb"}

    def dbt(self, *args: str) -> dict[str, tuple[str, int | None]]:
        """Run dbt; node name -> (status, failures) from run_results.json."""
        done = subprocess.run([str(BIN / "dbt"), *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, check=False)
        path = self.root / "target" / "run_results.json"
        assert path.exists(), done.stdout + done.stderr
        results = json.loads(path.read_text())["results"]
        return {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in results}

    def load(self) -> None:
        """Seed the curated tables and build what the release-wide tests read."""
        for args in (("seed",), ("run", "--select", "+stg_clinical__tables +table_metadata +column_metadata")):
            results = self.dbt(*args)
            assert all(status == "success" for status, _ in results.values()), results

    def sql(self, query: str) -> list[dict]:
        with duckdb.connect(str(self.database)) as con:
            cursor = con.execute(query)
            if cursor.description is None:
                return []
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def failures(self, test: str) -> list[dict]:
        """The rows a test stored with --store-failures, sorted."""
        rows = self.sql(f'select * from idc_v22_dbt_test__audit."{test}"')
        return sorted(rows, key=lambda r: [str(v) for v in r.values()])
