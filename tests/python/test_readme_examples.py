"""The README's examples work as written on the bundled release: every ```sql block returns
rows on the session's warehouse, and the ```python snippet runs with the pinned duckdb."""

from __future__ import annotations

import re
import subprocess
import sys

import duckdb
import pytest

from helpers.warehouse import IDC_VERSION, REPO, built_warehouse

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def _blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README) if lang == language]


SQL = _blocks("sql")
PYTHON = _blocks("python")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return built_warehouse(tmp_path_factory)


def test_the_readme_has_examples():
    assert len(SQL) >= 4 and len(PYTHON) >= 1
    assert all(f"idc_v{IDC_VERSION}" in block for block in SQL)


@pytest.mark.parametrize("sql", SQL, ids=[f"sql{n}" for n in range(len(SQL))])
def test_readme_sql_block_returns_rows(warehouse, sql: str):
    with duckdb.connect(str(warehouse.database), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    assert rows, sql


@pytest.mark.parametrize("code", PYTHON, ids=[f"python{n}" for n in range(len(PYTHON))])
def test_readme_python_snippet_runs(warehouse, code: str):
    """Run from a folder where build/idc.duckdb is the session's warehouse, as the README means."""
    assert '"build/idc.duckdb"' in code
    root = warehouse.root / "readme"
    (root / "build").mkdir(parents=True, exist_ok=True)
    link = root / "build" / "idc.duckdb"
    if not link.exists():
        link.symlink_to(warehouse.database)
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "prostatex_findings" in result.stdout and re.search(r"\[\(\d+,\)\]", result.stdout)
