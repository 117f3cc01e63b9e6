"""The hooks around each imaging table's build on DuckDB (macros/imaging/joins_as_written.sql, set
in dbt_project.yml; issue 15, item 5): while dicom_all is built, its last join probes with the wide
dicom_metadata rows and builds its hash table on the narrow lookup, as the SQL names them; once
it is built, the optimizers the user disabled (here in the profile) are disabled again, and only
those."""

from __future__ import annotations

import json
import re
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


def _conditions(join: dict) -> set[tuple[frozenset, str]]:
    """A join's conditions: each its operands (in either order, case aside) and its operator."""
    conditions = join["extra_info"]["Conditions"]
    matches = (re.fullmatch(r"(\S+) (.+) (\S+)", c) for c in
               (conditions if isinstance(conditions, list) else [conditions]))
    return {(frozenset({m[1].lower(), m[3].lower()}), m[2]) for m in matches}


def _nodes(node: dict) -> list[dict]:
    return [node] + [n for child in node["children"] for n in _nodes(child)]


def test_the_users_disabled_optimizers_are_back_after_an_imaging_table(seen):
    assert seen["after"] == USER


def test_ours_is_added_to_the_users_while_the_table_is_built(seen):
    assert set(seen["during"].split(",")) == {USER, OURS}


def _scans(node: dict) -> str:
    """The columns that the scans under ``node`` read, as EXPLAIN prints them."""
    return " ".join(str(n["extra_info"].get("Projections", "")) for n in _nodes(node)
                    if n["name"] in ("READ_PARQUET", "PARQUET_SCAN", "SEQ_SCAN", "CTE_SCAN"))


def test_dicom_all_join_probes_with_the_wide_rows(seen):
    # The last join: dicom_metadata's rows (every nested column) left join the lookups on the
    # instance's UIDs. Without the hook DuckDB makes it a RIGHT join that builds on the wide
    # rows (on the fixture, too: it estimates them at 15, the lookups at the series index's
    # 900,000).
    (plan,) = seen["plan"]
    on_uid = (frozenset({"sopinstanceuid", "sop_instance_uid"}), "IS NOT DISTINCT FROM")
    (last,) = [n for n in _nodes(plan) if n["name"] == "HASH_JOIN" and on_uid in _conditions(n)]
    probe, build = last["children"]
    assert last["extra_info"]["Join Type"] == "LEFT"
    assert "ContentSequence" in _scans(probe)
    assert "ContentSequence" not in _scans(build)


def test_dicom_all_holds_no_wide_row_in_a_materialized_cte(seen):
    # The instances' keys are read on their own: a CTE of the wide rows referenced twice would
    # be materialized (6 GB and spilling at IDC scale).
    assert [n["extra_info"].get("CTE Name") for n in _nodes(seen["plan"][0]) if n["name"] == "CTE"] == []
