"""The dbt generic test ``values_in_dictionary`` on a curated ACRIN demo: warns by default on
values outside the dictionary, fails when the recipe closes the dictionary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from curation.metadata import Release
from curation.pipeline import run
from test_dictionary_fixtures import REPO, acrin_project

BIN = Path(sys.executable).parent
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "macros", "models", "tests/dbt")


def _dbt_results(tmp: Path, closed: bool) -> dict[str, tuple[str, int]]:
    """Curate the demo into a copy of the dbt project, build its A0 seed and test it."""
    project = tmp / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = REPO / name
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    recipe, sources = acrin_project(tmp / "demo")
    if closed:
        recipe.write_text(recipe.read_text().replace(".xls]}", ".xls], closed: true}"))
    # the gate would stop a closed run before writing: write anyway, to see what dbt says
    run([recipe], sources, project / "seeds" / "curated", Release(22), quality_gate=False)
    index = subprocess.run([sys.executable, "-m", "curation.index_path"], capture_output=True,
                           text=True, check=True).stdout.strip()
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "IDC_DUCKDB_PATH": str(tmp / "idc.duckdb"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "IDC_INDEX_PARQUET": index, "DBT_TARGET": "duckdb"}
    subprocess.run(
        [str(BIN / "dbt"), "build", "--select", "acrin_demo_A0", "--exclude",
         "test_name:matches_column_metadata test_name:has_one_table_metadata_row test_name:patients_have_images"],
        cwd=project, env=env, capture_output=True, check=False,
    )
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in results
            if "values_in_dictionary" in r["unique_id"]}


@pytest.mark.parametrize(("closed", "status"), [(False, "warn"), (True, "fail")])
def test_values_in_dictionary_severity(tmp_path: Path, closed: bool, status: str) -> None:
    results = _dbt_results(tmp_path, closed)
    race = next(v for k, v in results.items() if "a0e3" in k)
    gender = next(v for k, v in results.items() if "a0e2" in k)
    assert race == (status, 1)  # one value ('7') outside the dictionary
    assert gender == ("pass", 0)
