"""Shared pytest setup for the curation tests: hypothesis profiles and a few fixtures.

Hypothesis profiles: ``ci`` (default; no per-example deadline, since a busy 2-core CI box
can stall) and ``dev`` (more examples). Choose with ``HYPOTHESIS_PROFILE=dev``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from helpers import REPO
from helpers.curate import curate_in_process, finish, snapshot, start_curate

settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    # CI reruns the same examples every time, so a red run is reproducible; explore new
    # examples with HYPOTHESIS_PROFILE=dev.
    derandomize=True,
)
settings.register_profile("dev", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def real_run(tmp_path_factory):
    """The bundled recipes and sources curated once, in process, into a temporary folder.

    Returns ``(report, out_dir)``: the pipeline's RunReport and the folder of seeds.
    """
    out = tmp_path_factory.mktemp("real") / "curated"
    report = curate_in_process(REPO / "recipes", REPO / "data" / "sources", out)
    return report, out


@pytest.fixture(scope="session")
def command_runs(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Two ``curate`` processes, run side by side once per session:

    * as a user runs it: from the repository root with default (relative) paths, hash seed 1,
      writing the repository's seeds/curated, where dbt reads them;
    * from another folder with absolute paths and hash seed 4242, into a temporary folder.

    Returns what each wrote (bytes by relative path).
    """
    root = tmp_path_factory.mktemp("command_runs")
    elsewhere = root / "cwd"
    elsewhere.mkdir()
    first = start_curate(REPO, hash_seed="1")
    second = start_curate(elsewhere, "--recipes", str(REPO / "recipes"), "--sources",
                          str(REPO / "data" / "sources"), "--out", str(root / "out"), hash_seed="4242")
    finish(first)
    finish(second)
    return snapshot(REPO / "seeds" / "curated"), snapshot(root / "out")
