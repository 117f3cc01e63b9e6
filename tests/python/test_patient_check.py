"""The patient check (curation/patient_check.py, and the dbt test patients_have_images):
ids not in IDC's series index, with their closest index ids, in ``curate``'s summary and in
dbt's output; ``image_collections`` checks against other collections."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from helpers import REPO
from helpers.curate import curate_in_process, invoke_curate
from helpers.files import csv_text, write_recipe
from curation import patient_check
from curation.index_path import SeriesIndex
from curation.patient_check import summary_lines, unmatched_ids

BIN = Path(sys.executable).parent
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "macros", "models", "tests/dbt", "seeds/harmonization", "seeds/lookups")

INDEX = {
    "demo_a": ["PKG-001", "PKG-002", "PKG-010", "XYZ"],
    "demo_b": ["B-1", "B-2"],
    "other": ["PKG-01"],  # another collection's patient: never a match for demo_a
}


def write_index(path: Path, patients: dict[str, list[str]] = INDEX) -> Path:
    """A tiny series index: one series per patient, the columns the checks read (and a few)."""
    rows = [(c, p, f"1.2.{n}") for n, (c, p) in enumerate((c, p) for c, ps in patients.items() for p in ps)]
    with duckdb.connect() as con:
        con.execute("create table t (collection_id varchar, PatientID varchar, SeriesInstanceUID varchar)")
        con.executemany("insert into t values (?, ?, ?)", rows)
        con.execute(f"copy t to '{path}' (format parquet)")
    return path


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return write_index(tmp_path / "idc_index.parquet")


def test_unmatched_ids_with_their_closest(index: Path):
    ids = ["PKG-001", "PKG-01", "pkg-002", "1", None, "QQQQQQQQ", "B-1", "PKG-01"]
    assert unmatched_ids(["demo_a"], ids, index) == [
        ("1", ["PKG-001", "PKG-010"]),  # contained in both, equally far; PKG-002 has no '1'
        ("B-1", []),  # a patient of demo_b, unlike any of demo_a
        ("PKG-01", ["PKG-001", "PKG-010", "PKG-002"]),  # not other's PKG-01
        ("QQQQQQQQ", []),
        ("pkg-002", ["PKG-002", "PKG-001", "PKG-010"]),  # case ignored when ranking
    ]


def test_several_collections(index: Path):
    assert unmatched_ids(["demo_a", "demo_b"], ["B-1", "B-3", "PKG-002"], index) == [("B-3", ["B-1", "B-2"])]
    assert unmatched_ids(["demo_a"], ["PKG-002"], index) == []


def test_closest_ids_only_for_the_first_explained(index: Path):
    found = unmatched_ids(["demo_a"], ["PKG-0015", "PKG-0014", "PKG-0013"], index, explain=1, closest=1)
    assert found == [("PKG-0013", ["PKG-001"]), ("PKG-0014", []), ("PKG-0015", [])]


def test_no_collection_is_an_error(index: Path):
    with pytest.raises(ValueError, match="at least one collection"):
        unmatched_ids([], ["x"], index)


# the seeds YAML and curate's summary --------------------------------------------------------

RECIPE = """
collection_id: demo_a
patients_without_images: warn
tables:
  - name: clinical
    batches: [{{files: [a.csv], patient_column: pid}}]
  - name: results
    published_name: demo_results
    image_collections: [demo_a, demo_b]
    batches: [{{files: [b.csv], patient_column: pid}}]
{extra}"""


def demo(tmp_path: Path, a_ids: list[str], b_ids: list[str], extra: str = "") -> tuple[Path, Path]:
    sources = tmp_path / "sources" / "demo_a"
    sources.mkdir(parents=True)
    (sources / "a.csv").write_bytes(csv_text("pid,age", *(f"{p},{40 + n}" for n, p in enumerate(a_ids))))
    (sources / "b.csv").write_bytes(csv_text("pid,score", *(f"{p},{n}" for n, p in enumerate(b_ids))))
    return write_recipe(tmp_path / "recipes", "demo_a.yaml", RECIPE.format(extra=extra)), tmp_path / "sources"


def test_seeds_yaml_names_the_collections(tmp_path: Path):
    recipe, sources = demo(tmp_path, ["PKG-001"], ["B-1"])
    curate_in_process(recipe, sources, tmp_path / "out")
    assert patient_check.patient_tests(tmp_path / "out") == [
        ("demo_a_clinical", ["demo_a"], "warn"),
        ("demo_results", ["demo_a", "demo_b"], "warn"),
    ]
    doc = yaml.safe_load((tmp_path / "out" / "clinical" / "_clinical__seeds.yml").read_text())
    column = next(c for c in doc["seeds"][0]["columns"] if c["name"] == "dicom_patient_id")
    test = next(t for t in column["data_tests"] if isinstance(t, dict) and "patients_have_images" in t)
    assert test["patients_have_images"]["arguments"]["collection_ids"] == ["demo_a"]


A_IDS = ["PKG-001", "PKG-1", "pkg-010"] + [f"Z{n:02d}" for n in range(11)]


def run_curate(tmp_path: Path, monkeypatch, index: Path | None, version: str = "22.1.5", *extra: str):
    recipe, sources = demo(tmp_path, A_IDS, ["B-1", "B-9"])
    if index is None:
        monkeypatch.setenv("IDC_INDEX_PARQUET", str(tmp_path / "missing.parquet"))
    else:
        monkeypatch.setenv("IDC_INDEX_PARQUET", str(index))
    monkeypatch.setenv("IDC_INDEX_VERSION", version)
    # a release datetime given, so the summary's last lines are the patient check's
    result = invoke_curate(recipe, sources, tmp_path / "out", "--release-datetime", "2026-01-01", *extra)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_curate_summary_lists_ids_and_closest(tmp_path: Path, monkeypatch, index: Path):
    lines = run_curate(tmp_path, monkeypatch, index, "22.1.5", "--verbose")
    start = lines.index("patient ids not in the IDC v22 series index (idc-index-data 22.1.5):")
    assert lines[start + 1:] == [
        "  demo_a_clinical: 13 of 14 ids (dbt: warn)",
        "    PKG-1  closest: PKG-001, PKG-010",
        *[f"    Z{n:02d}  (no close id in the index)" for n in range(9)],
        "    ... and 3 more",  # Z09, Z10 and pkg-010 (ids sort by code point)
        "  demo_results: 1 of 2 ids (dbt: warn)",
        "    checked against demo_a, demo_b",
        "    B-9  closest: B-1, B-2",
        "seeds written to " + str(tmp_path / "out"),
    ]


def test_curate_summary_is_one_line_per_table_by_default(tmp_path: Path, monkeypatch, index: Path):
    """Without --verbose: one line per table, its count and the ids that fit in 80 columns."""
    lines = run_curate(tmp_path, monkeypatch, index)
    start = lines.index("patient ids not in the IDC v22 series index (idc-index-data 22.1.5):")
    assert lines[start + 1:] == [
        "  demo_a_clinical: 13 of 14 ids (dbt: warn), e.g. PKG-1, Z00, Z01, Z02, Z03, ...",
        "  demo_results: 1 of 2 ids (dbt: warn), e.g. B-9",
        "  (--verbose: the first 10 of each with their closest index ids)",
        "seeds written to " + str(tmp_path / "out"),
    ]
    assert all(len(line) <= 80 for line in lines[start:-1])  # the last names a path


def test_curate_summary_all_matched_says_the_index_version(tmp_path: Path, monkeypatch):
    index = write_index(tmp_path / "idx.parquet", {"demo_a": A_IDS, "demo_b": ["B-1", "B-9"]})
    lines = run_curate(tmp_path, monkeypatch, index, version="25.0.5")
    assert "note: curating IDC v22 but checking against the v25 index: pip install" in lines[-3]
    assert lines[-2] == "patient ids: all 2 tables match the IDC v25 series index (idc-index-data 25.0.5)"


def test_curate_without_index_says_so_and_goes_on(tmp_path: Path, monkeypatch):
    lines = run_curate(tmp_path, monkeypatch, None)
    assert [line for line in lines if "patient ids" in line] == [
        f"patient ids not checked: no IDC series index at {tmp_path / 'missing.parquet'}"]
    assert (tmp_path / "out" / "clinical" / "demo_a_clinical.csv").is_file()


def test_summary_lines_fit_80_columns():
    long_id = "X" * 30
    check = patient_check.TableCheck("t" * 90, ["c"], "error", 3,
                                     [(long_id, ["X" * 29 + "1", "X" * 29 + "2", "X" * 29 + "3"]), ("y" * 100, [])],
                                     ["c"])
    lines = summary_lines([check], SeriesIndex(Path("i.parquet"), "22.1.5"), 22)
    assert all(len(line) <= 80 for line in lines)
    assert lines[2:4] == ["    checked against c", "    no series of c in the index"]
    assert lines[4] == f"    {long_id}  closest: {'X' * 29}1, ..."


# the dbt test ------------------------------------------------------------------------------

def test_dbt_failure_lists_closest_ids(tmp_path: Path, index: Path):
    """dbt build of a curated table on DuckDB: the test fails with one row per unmatched id and
    logs the first 10 with their closest index ids and the index version."""
    project = tmp_path / "project"
    for name in PROJECT_FILES:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, project / name)
    recipe, sources = demo(tmp_path, A_IDS, ["B-1", "B-9"])
    recipe.write_text(recipe.read_text().replace("patients_without_images: warn", "patients_without_images: error"))
    curate_in_process(recipe, sources, project / "seeds" / "curated")
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "IDC_DUCKDB_PATH": str(tmp_path / "idc.duckdb"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "IDC_INDEX_PARQUET": str(index),
           "IDC_INDEX_VERSION": "22.1.5", "DBT_TARGET": "duckdb"}
    result = subprocess.run(
        [str(BIN / "dbt"), "build", "--select", "demo_a_clinical demo_results stg_idc_index__patients",
         "--exclude", "test_name:matches_column_metadata test_name:has_one_table_metadata_row",
         "--no-use-colors"],
        cwd=project, env=env, capture_output=True, text=True, check=False)
    output = result.stdout
    assert result.returncode == 1, output[-3000:]
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    failures = {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in results
                if "patients_have_images" in r["unique_id"]}
    assert sorted(failures.values()) == [("fail", 1), ("fail", 13)]
    assert ("demo_a_clinical.dicom_patient_id: 13 ids without images of demo_a in the IDC series index "
            "(idc-index-data 22.1.5); the first 10:") in output
    assert "    PKG-1  closest: PKG-001, PKG-010\n    Z00  (no close id in the index)\n" in output
    assert "    Z08" in output and "    Z09" not in output
    assert ("demo_results.dicom_patient_id: 1 ids without images of demo_a, demo_b in the IDC series "
            "index (idc-index-data 22.1.5); the first 1:\n    B-9  closest: B-1, B-2") in output
    compiled = next(r["compiled_code"] for r in results
                    if "patients_have_images" in r["unique_id"] and r["failures"] == 13)
    with duckdb.connect(str(tmp_path / "idc.duckdb"), read_only=True) as con:
        rows = con.execute(compiled).fetchall()
    assert len(rows) == 13
    assert ("PKG-1", "PKG-001, PKG-010") in rows
    assert ("pkg-010", None) in rows  # beyond the first 10: not compared with the index


def test_default_release_and_its_index_agree():
    """The pinned idc-index-data indexes the release built by default (it was v25 for v22)."""
    import re
    import tomllib

    import idc_index_data

    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = next(p for p in pins if p.startswith("idc-index-data=="))
    makefile = re.search(r"^IDC_VERSION \?= (\d+)$", (REPO / "Makefile").read_text(), re.M)
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]["idc_version"]
    assert int(pinned.split("==")[1].split(".")[0]) == int(makefile.group(1)) == project
    assert SeriesIndex(Path("x"), idc_index_data.__version__).idc_release == project
