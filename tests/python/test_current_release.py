"""Several releases side by side, and idc_current_clinical pointing at the newest one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _dbt(tmp: Path, version: int, *extra: str) -> None:
    index = subprocess.run([sys.executable, "-m", "curation.index_path"], capture_output=True,
                           text=True, check=True).stdout.strip()
    env = {**os.environ, "DBT_PROFILES_DIR": str(REPO), "IDC_DUCKDB_PATH": str(tmp / "idc.duckdb"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "IDC_INDEX_PARQUET": index, "DBT_TARGET": "duckdb"}
    subprocess.run(
        [str(BIN / "dbt"), "build", "--full-refresh", "--exclude", "resource_type:test",
         "--select", "resource_type:seed", "+table_metadata", "+column_metadata",
         "--vars", f"{{idc_version: {version}}}", "--target-path", str(tmp / "target"),
         "--log-path", str(tmp / "logs"), *extra],
        cwd=REPO, env=env, check=True, capture_output=True,
    )


def _views(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(
            "select view_name, sql from duckdb_views() where schema_name = 'idc_current_clinical'"
        ).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    subprocess.run([str(BIN / "curate"), "--first-release"], cwd=REPO, check=True, capture_output=True)
    tmp = tmp_path_factory.mktemp("releases")
    _dbt(tmp, 21)
    _dbt(tmp, 22)
    _dbt(tmp, 21)  # rebuilding an older release must not move idc_current_clinical
    return tmp


def test_releases_side_by_side(two_releases: Path) -> None:
    with duckdb.connect(str(two_releases / "idc.duckdb"), read_only=True) as con:
        counts = dict(con.sql(
            "select table_schema, count(*) from information_schema.tables "
            "where table_schema like 'idc_v%_clinical' group by 1").fetchall())
    assert set(counts) == {"idc_v21_clinical", "idc_v22_clinical"}
    assert counts["idc_v21_clinical"] == counts["idc_v22_clinical"]


def test_current_points_at_newest(two_releases: Path) -> None:
    views = _views(two_releases / "idc.duckdb")
    assert {"prostatex_findings", "table_metadata", "column_metadata"} <= set(views)
    assert all("idc_v22_clinical" in sql for sql in views.values()), views
    with duckdb.connect(str(two_releases / "idc.duckdb"), read_only=True) as con:
        n = con.sql("select count(*) from idc_current_clinical.prostatex_findings").fetchall()[0][0]
        tables = con.sql("select count(*) from idc_current_clinical.table_metadata").fetchall()[0][0]
    assert n == 538
    assert tables == len(views) - 2
