"""scripts/seed_load_bench.py measures what it says: each repeat's dbt run "into an empty
database" gets a database path of its own (dbt-duckdb keeps the database of a path open across
the dbt runs of one process, so a file deleted under it still holds the tables of the run
before), and the run "replacing the tables" loads over that same database."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from helpers import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("seed_load_bench", REPO / "scripts" / "seed_load_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_repeat_loads_into_a_database_of_its_own(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture) -> None:
    bench = _bench()
    databases: list[tuple[Path, bool]] = []

    def dbt_seed(threads: int) -> dict[str, tuple[float, float]]:
        database = Path(os.environ["IDC_DUCKDB_PATH"])
        databases.append((database, database.exists()))
        database.touch()
        return {"t": (2.0, 2.0)}

    monkeypatch.setenv("IDC_DUCKDB_PATH", "unset")  # restored after the test
    monkeypatch.setattr(bench, "declared_seeds", lambda: {"t": (Path("clinical/t.csv"), {"a": "bigint"})})
    monkeypatch.setattr(bench, "seed_comments", lambda: {})
    monkeypatch.setattr(bench, "plain_copy", lambda *args, **kwargs: {"t": (1.0, 1.0)})
    monkeypatch.setattr(bench, "dbt_seed", dbt_seed)
    monkeypatch.setattr(sys, "argv", ["seed_load_bench.py", "--repeats", "3"])
    bench.main()
    empty, replacing = databases[0::2], databases[1::2]
    assert len(databases) == 6
    assert [exists for _, exists in empty] == [False] * 3
    assert len({database for database, _ in empty}) == 3
    assert [database for database, _ in replacing] == [database for database, _ in empty]
    assert all(exists for _, exists in replacing)
    assert "ratio 2.00" in capsys.readouterr().out
