"""The hooks around each imaging table's build on DuckDB (macros/imaging/joins_as_written.sql, set
in dbt_project.yml; issue 15, item 5): while dicom_all is built, its last join probes with the wide
dicom_metadata rows and builds its hash table on the narrow lookup, as the SQL names them; once
it is built, the optimizers the user disabled (here in the profile) are disabled again, and only
those."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from helpers.imaging import REPO, build_imaging, dbt_env

HOOKS = REPO / "tests" / "python" / "helpers" / "imaging_hooks.py"
OURS = "build_side_probe_side"
USER = "compressed_materialization"  # the user's own: any optimizer but ours


@pytest.fixture(scope="module")
def seen(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("imaging_hooks")
    database = build_imaging(work)
    profiles = yaml.safe_load((REPO / "profiles.yml").read_text())
    profiles["idc_clinical"]["outputs"]["duckdb"]["settings"] = {"disabled_optimizers": USER}
    (work / "profiles").mkdir()
    (work / "profiles" / "profiles.yml").write_text(yaml.safe_dump(profiles))
    result = subprocess.run(
        [sys.executable, str(HOOKS), str(database), "dicom_all", str(work)], cwd=REPO,
        env={**dbt_env(work), "DBT_PROFILES_DIR": str(work / "profiles")},
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    observed = json.loads(result.stdout.strip().splitlines()[-1])
    assert observed["success"], result.stdout[-3000:]
    return observed


def _joins(node: dict) -> list[dict]:
    found = [node] if "JOIN" in node["name"] else []
    return found + [j for child in node["children"] for j in _joins(child)]


def _reads(node: dict) -> set[str]:
    """The columns every table scan and projection under ``node`` names."""
    info = node.get("extra_info", {})
    names = {str(p) for key in ("Projections", "Projection") for p in
             (info.get(key) if isinstance(info.get(key), list) else [info.get(key, "")])}
    return names | {n for child in node["children"] for n in _reads(child)}


def test_the_users_disabled_optimizers_are_back_after_an_imaging_table(seen):
    assert seen["after"] == USER


def test_ours_is_added_to_the_users_while_the_table_is_built(seen):
    assert set(seen["during"].split(",")) == {USER, OURS}


def test_dicom_all_join_probes_with_the_wide_rows(seen):
    # the last join: dicom_metadata's rows (ContentSequence among them) left join the lookups
    (plan,) = seen["plan"]
    last = [j for j in _joins(plan) if any("ContentSequence" in n for n in _reads(j))][0]
    probe, build = last["children"]
    assert last["extra_info"]["Join Type"] == "LEFT"
    assert any("ContentSequence" in n for n in _reads(probe))
    assert not any("ContentSequence" in n for n in _reads(build))
