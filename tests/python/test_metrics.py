"""The MetricFlow semantic layer (models/metrics/): the configs validate against the warehouse,
and `mf query` answers agree with plain SQL on the semantic tables, by collection and modality.
(`make metrics-check` runs validate-configs and a sample query against build/idc.duckdb too.)"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from helpers.warehouse import BIN, IDC_VERSION, REPO, Warehouse, built_warehouse

SEMANTIC = f"idc_v{IDC_VERSION}_semantic"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return built_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def mf_project(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder `mf` takes as the dbt project: dbt_project.yml and the warehouse's
    target/semantic_manifest.json (mf reads <project>/target/semantic_manifest.json)."""
    project = tmp_path_factory.mktemp("mf_project")
    shutil.copy(REPO / "dbt_project.yml", project / "dbt_project.yml")
    (project / "target").mkdir()
    shutil.copy(warehouse.target / "semantic_manifest.json", project / "target" / "semantic_manifest.json")
    return project


def _mf(warehouse: Warehouse, project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**warehouse.env(), "DBT_PROJECT_DIR": str(project)}
    result = subprocess.run([str(BIN / "mf"), *args], cwd=project, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _query(warehouse: Warehouse, project: Path, metrics: list[str], group_by: list[str]) -> list[dict]:
    out = project / "out.csv"
    _mf(warehouse, project, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
        "--csv", str(out))
    with out.open(newline="", encoding="utf-8") as f:
        # Column names as the warehouse spells them (DuckDB may keep a source's `Modality`).
        return [{k.lower(): v for k, v in row.items()} for row in csv.DictReader(f)]


def _num(text: str) -> float:
    return float(text) if text else 0.0


def _sql(warehouse: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse.database), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_semantic_manifest_shape(warehouse: Warehouse) -> None:
    manifest = json.loads((warehouse.target / "semantic_manifest.json").read_text(encoding="utf-8"))
    models = {m["name"]: m for m in manifest["semantic_models"]}
    assert {"patients", "patient_modalities", "clinical_tables", "segments", "measurements"} <= set(models)
    measures = {ms["name"] for m in models.values() for ms in m["measures"]}
    used = {p["name"] for m in manifest["metrics"] for p in m["type_params"].get("input_measures", [])}
    assert measures <= used, f"measures without a metric: {measures - used}"
    for m in models.values():
        if m["measures"]:
            entities = {e["name"] for e in m["entities"]}
            assert "collection" in entities, m["name"]  # every metric groups by collection
            assert m["defaults"]["agg_time_dimension"] == "release_date", m["name"]
    for name in ("patient_modalities", "segments", "measurements"):
        assert "modality" in {e["name"] for e in models[name]["entities"]}, name
    assert manifest["project_configuration"]["time_spines"], "no time spine"


def test_validate_configs(warehouse: Warehouse, mf_project: Path) -> None:
    result = _mf(warehouse, mf_project, "validate-configs")
    assert "ERRORS: 0" in result.stdout


def test_metrics_by_collection_agree_with_sql(warehouse: Warehouse, mf_project: Path) -> None:
    rows = _query(warehouse, mf_project,
                  ["patients", "clinical_patients", "imaged_patients", "clinical_patients_without_images",
                   "share_of_clinical_patients_with_images", "clinical_tables", "clinical_columns",
                   "segments", "measurements"],
                  ["metric_time__day", "collection"])
    got = {r["collection"]: r for r in rows}
    expected = _sql(warehouse, f"""
        select l.collection_id, l.n_clinical_patients, l.n_imaged_patients, l.n_patients_with_both,
               (select count(*) from {SEMANTIC}.patient_linkage as p where p.collection_id = l.collection_id),
               (select count(*) from {SEMANTIC}.clinical_columns as c where c.collection_id = l.collection_id)
        from {SEMANTIC}.collection_linkage as l""")
    for cid, clinical, imaged, both, patients, columns in expected:
        r = got[cid]
        assert _num(r["patients"]) == patients
        assert _num(r["clinical_patients"]) == clinical
        assert _num(r["imaged_patients"]) == imaged
        assert _num(r["clinical_patients_without_images"]) == clinical - both
        assert _num(r["share_of_clinical_patients_with_images"]) == pytest.approx(both / clinical)
        assert _num(r["clinical_columns"]) == columns
        assert r["metric_time__day"].startswith(
            str(_sql(warehouse, f"select release_date from {SEMANTIC}.release_calendar")[0][0]))
    segments = dict(_sql(warehouse, f"select collection_id, count(*) from {SEMANTIC}.metrics_segments group by 1"))
    assert segments.get("prostatex", 0) > 0
    for cid, n in segments.items():
        assert _num(got[cid]["segments"]) == n
    tables = _sql(warehouse, f"select count(*) from idc_v{IDC_VERSION}_clinical.table_metadata "
                             "where collection_id = 'prostatex'")[0][0]
    assert _num(got["prostatex"]["clinical_tables"]) == tables >= 5


def test_metrics_by_modality_agree_with_sql(warehouse: Warehouse, mf_project: Path) -> None:
    rows = _query(warehouse, mf_project, ["image_series", "patients_with_series"], ["collection", "modality"])
    got = {(r["collection"], r["modality"]): (_num(r["image_series"]), _num(r["patients_with_series"]))
           for r in rows}
    expected = {(c, m): (float(s), float(p)) for c, m, s, p in _sql(warehouse, f"""
        select collection_id, modality, sum(n_series), count(distinct dicom_patient_id)
        from {SEMANTIC}.patient_modalities group by 1, 2""")}
    assert got == expected
    rows = _query(warehouse, mf_project, ["segments", "measurements"], ["modality"])
    by_modality = {r["modality"]: _num(r["segments"]) for r in rows}
    expected = dict(_sql(warehouse, f"""
        select segmented_modality, count(*) from {SEMANTIC}.metrics_segments
        where segmented_modality is not null group by 1"""))
    for modality, n in expected.items():
        assert by_modality[modality] == n
