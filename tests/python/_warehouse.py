"""A release built once per pytest session into a temporary folder, for the tests that need a
real warehouse (the coverage report, the docs site, the metrics): the bundled sources curated,
the DICOM corpus converted, and `dbt build` (models and seeds, no data tests) on DuckDB.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
IDC_VERSION = 22


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


def built_warehouse(tmp_path_factory) -> Warehouse:
    """The warehouse of this session, built on first use."""
    warehouse = Warehouse(tmp_path_factory.getbasetemp() / "warehouse")
    done = warehouse.root / ".built"
    if done.exists():
        return warehouse
    warehouse.root.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BIN / "curate"), "--idc-version", str(IDC_VERSION), "--first-release"],
                   cwd=REPO, check=True, capture_output=True)
    subprocess.run([str(BIN / "curate"), "dicom", "data/dicom", "--out", str(warehouse.root / "dicom")],
                   cwd=REPO, check=True, capture_output=True)
    warehouse.dbt("build", "--full-refresh", "--exclude", "resource_type:test")
    done.touch()
    return warehouse
