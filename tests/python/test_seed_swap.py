"""The seed swap, the run lock and OS failures (issue 11, items 6 and 9).

* the new seeds replace the old in one atomic exchange; a run killed at any point leaves the
  old or the new seeds (never none), and its leftovers are removed by the next run and are
  not read by dbt (.dbtignore);
* a second run while one holds the lock stops at once: one line, "another run is in progress",
  earlier seeds unchanged;
* read-only file system, disk full and out of memory are one-line errors saying the earlier
  seeds are unchanged.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pathspec
import pytest

from helpers import REPO
from helpers.curate import curate_in_process, invoke_curate, snapshot
from helpers.files import csv_text, write_recipe
from curation import folder_swap, table_builder
from curation.errors import CurationError, Reason
from curation.pipeline import lock_path
from curation.run_lock import run_lock

RECIPE = """
    collection_id: demo
    tables:
      - name: visits
        batches:
          - files: [visits.csv]
            patient_column: pid
"""


@pytest.fixture
def project(tmp_path: Path):
    recipes, sources, out = tmp_path / "recipes", tmp_path / "sources", tmp_path / "seeds" / "curated"
    write_recipe(recipes, "demo.yaml", RECIPE)
    (sources / "demo").mkdir(parents=True)
    (sources / "demo" / "visits.csv").write_bytes(csv_text("pid,age", "P-1,61", "P-2,70"))
    curate_in_process(recipes, sources, out)
    return recipes, sources, out


def change_sources(sources: Path) -> None:
    (sources / "demo" / "visits.csv").write_bytes(csv_text("pid,age", "P-1,61", "P-2,70", "P-3,44"))


def others(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, lock_path(out).name))


def test_swap_is_one_exchange_and_leaves_nothing_behind(project, monkeypatch):
    recipes, sources, out = project
    calls = []
    real = folder_swap.exchange
    monkeypatch.setattr(folder_swap, "exchange", lambda a, b: calls.append((a, b)) or real(a, b))
    monkeypatch.setattr(folder_swap.os, "replace", lambda *a: pytest.fail(f"a second rename: {a}"))
    change_sources(sources)
    curate_in_process(recipes, sources, out)
    assert len(calls) == 1 and calls[0][1] == out.resolve()
    assert b"P-3" in (out / "clinical" / "demo_visits.csv").read_bytes()
    assert others(out) == []


def test_kill_after_the_exchange_leaves_new_seeds_and_the_next_run_cleans_up(project, monkeypatch):
    recipes, sources, out = project
    change_sources(sources)
    with monkeypatch.context() as m:  # killed while removing the old seeds
        m.setattr(folder_swap.shutil, "rmtree", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            curate_in_process(recipes, sources, out)
    new = snapshot(out)
    assert b"P-3" in new["clinical/demo_visits.csv"]
    assert [n.split("-")[0] for n in others(out)] == [".curated.tmp"]
    curate_in_process(recipes, sources, out)
    assert snapshot(out) == new and others(out) == []


def test_kill_between_fallback_renames_is_recovered(project, monkeypatch):
    """Where the exchange is unavailable, a kill between the two renames leaves the old seeds
    under .curated.old-<pid>; the next run puts them back before anything else."""
    recipes, sources, out = project
    before = snapshot(out)
    change_sources(sources)
    monkeypatch.setattr(folder_swap, "exchange", lambda a, b: False)
    real = os.replace

    def killed_after_first(src, dst):
        real(src, dst)
        raise KeyboardInterrupt()

    with monkeypatch.context() as m:
        m.setattr(folder_swap.os, "replace", killed_after_first)
        with pytest.raises(KeyboardInterrupt):
            curate_in_process(recipes, sources, out)
    assert not out.exists()
    folder_swap.recover(out.resolve())
    assert snapshot(out) == before
    curate_in_process(recipes, sources, out)
    assert b"P-3" in (out / "clinical" / "demo_visits.csv").read_bytes() and others(out) == []


def test_dbt_ignores_leftover_folders():
    """Leftovers are in dbt's seed path (seeds/): .dbtignore keeps dbt from reading them."""
    spec = pathspec.PathSpec.from_lines("gitwildmatch", (REPO / ".dbtignore").read_text().splitlines())
    prefixes = folder_swap.leftover_prefixes(REPO / "seeds" / "curated")
    for prefix in prefixes:
        assert spec.match_file(f"seeds/{prefix}1234abcd/clinical/demo_visits.csv")
    assert not spec.match_file("seeds/curated/clinical/demo_visits.csv")


def test_a_second_run_stops_at_once_while_the_first_holds_the_lock(project):
    recipes, sources, out = project
    before = snapshot(out)
    change_sources(sources)
    with run_lock(lock_path(out), "held by the test"):
        with pytest.raises(CurationError) as caught:
            curate_in_process(recipes, sources, out)
        assert caught.value.reason is Reason.BUSY
        assert "another run is in progress" in str(caught.value) and "unchanged" in str(caught.value)
        done = subprocess.run([str(Path(sys.executable).parent / "curate"), "--recipes", str(recipes),
                               "--sources", str(sources), "--out", str(out), "--first-release"],
                              capture_output=True, text=True, env={**os.environ, "COLUMNS": "2000"})
    assert done.returncode == 1
    printed = (done.stdout + done.stderr).strip()  # one message (the console wraps it when not a terminal)
    assert printed.startswith("error: [busy] another run is in progress") and printed.count("error") == 1, printed
    assert "Traceback" not in printed
    assert snapshot(out) == before
    curate_in_process(recipes, sources, out)  # the lock is free again
    assert snapshot(out) != before


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_os_errors_while_writing_are_one_line_and_change_nothing(project, monkeypatch, code):
    recipes, sources, out = project
    before = snapshot(out)
    change_sources(sources)

    def fail(self, data):
        raise OSError(code, os.strerror(code), str(self))

    monkeypatch.setattr(Path, "write_bytes", fail)
    result = invoke_curate(recipes, sources, out)
    monkeypatch.undo()
    assert result.exit_code == 1
    printed = " ".join(result.output.split())
    assert "[os_error]" in printed and os.strerror(code) in printed and "unchanged" in printed
    assert "Traceback" not in result.output
    assert snapshot(out) == before and others(out) == []


def test_out_of_memory_is_one_line_and_changes_nothing(project, monkeypatch):
    recipes, sources, out = project
    before = snapshot(out)
    change_sources(sources)
    monkeypatch.setattr(table_builder, "build_table", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    monkeypatch.setattr("curation.pipeline.build_table", table_builder.build_table)
    result = invoke_curate(recipes, sources, out)
    assert result.exit_code == 1
    printed = " ".join(result.output.split())
    assert "[out_of_memory]" in printed and "unchanged" in printed
    assert snapshot(out) == before and others(out) == []


def test_read_only_output_folder_is_one_line(project):
    recipes, sources, out = project
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only folders")
    os.chmod(out.parent, 0o555)
    try:
        result = invoke_curate(recipes, sources, out)
    finally:
        os.chmod(out.parent, 0o755)
    assert result.exit_code == 1 and "unchanged" in result.output
