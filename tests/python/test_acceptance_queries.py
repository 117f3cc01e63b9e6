"""The analysts' acceptance queries (dbt analyses in analyses/) give the expected answers.

Three run on the release built from the bundled sources and the DICOM fixture corpus; the
label search runs on a small release that has chemotherapy columns described by a dictionary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from helpers.warehouse import REPO, Warehouse, built_warehouse
from curation.metadata import Release
from curation.pipeline import run

BIN = Path(sys.executable).parent
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "macros", "models", "tests/dbt", "analyses", "seeds/harmonization", "seeds/lookups")


def _query(database: Path, compiled: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.sql(compiled.read_text()).fetchall()


@pytest.fixture(scope="module")
def analyses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, Path]:
    warehouse = built_warehouse(tmp_path_factory)
    warehouse.dbt("compile", "--select", "path:analyses")
    return warehouse, warehouse.target / "compiled" / "idc_clinical" / "analyses"


def test_coded_column_values_are_decoded(analyses) -> None:
    warehouse, compiled = analyses
    rows = _query(warehouse.database, compiled / "coded_column_values.sql")
    assert [r[0] for r in rows] == ["AS", "PZ", "SV", "TZ"]
    assert all(r[1] for r in rows), rows  # every code has its dictionary description
    assert dict((r[0], r[1]) for r in rows)["PZ"] == "Peripheral zone"
    assert sum(r[2] for r in rows) == 538 - 0  # every finding has a zone


def test_clinical_rows_join_dicom_all(analyses) -> None:
    warehouse, compiled = analyses
    rows = _query(warehouse.database, compiled / "clinical_rows_with_images.sql")
    patients = {r[0] for r in rows}
    modalities = {r[4] for r in rows}
    assert patients == {"ProstateX-0000", "ProstateX-0001"}
    assert {"CT", "SEG", "SR"} <= modalities
    assert all(r[5] for r in rows)


def test_patients_with_clinical_rows_and_a_neoplasm_segmentation(analyses) -> None:
    warehouse, compiled = analyses
    rows = _query(warehouse.database, compiled / "patients_with_clinical_and_segmentation.sql")
    assert [r[0] for r in rows] == ["ProstateX-0000", "ProstateX-0001"]
    # both have rows in all five ProstateX tables (and in the BAMF QA table, where reviewed)
    assert all(r[1] >= 5 for r in rows), rows


def _chemo_release(root: Path) -> tuple[Path, Path]:
    """A project copy with one collection whose dictionary labels two chemotherapy columns."""
    project = root / "project"
    for name in PROJECT_FILES:
        source, target = REPO / name, project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    sources = root / "sources" / "chemo_demo"
    sources.mkdir(parents=True)
    (sources / "clinical.csv").write_text(
        "pid,age,prior_chemo,regimen\nC-1,61,1,FOLFOX\nC-2,70,0,\nC-3,55,1,CAPOX\n", encoding="utf-8")
    (sources / "dictionary.csv").write_text(
        "variable,label\nage,Age at diagnosis (years)\nprior_chemo,Prior chemotherapy (1 = yes)\n"
        "regimen,Chemotherapy regimen\npid,Patient identifier\n", encoding="utf-8")
    recipe = root / "chemo_demo.yaml"
    recipe.write_text(
        "collection_id: chemo_demo\ntype_mode: inferred\ntables:\n  - dictionary:\n"
        "      kind: sheet\n      files: [dictionary.csv]\n      name_column: variable\n"
        "      label_column: label\n    batches:\n      - files: [clinical.csv]\n"
        "        patient_column: pid\n", encoding="utf-8")
    run([recipe], root / "sources", project / "seeds" / "curated", Release(22))
    return project, root / "idc.duckdb"


def test_find_columns_by_label_across_collections(tmp_path: Path) -> None:
    project, database = _chemo_release(tmp_path)
    index = subprocess.run([sys.executable, "-m", "curation.index_path"], capture_output=True,
                           text=True, check=True).stdout.strip()
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "IDC_DUCKDB_PATH": str(database),
           "DBT_TARGET": "duckdb", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "IDC_INDEX_PARQUET": index}
    for args in (["build", "--select", "+clinical_columns", "--exclude", "resource_type:test"],
                 ["compile", "--select", "find_columns_by_label"]):
        result = subprocess.run([str(BIN / "dbt"), *args], cwd=project, env=env, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout[-3000:]
    compiled = project / "target" / "compiled" / "idc_clinical" / "analyses" / "find_columns_by_label.sql"
    rows = _query(database, compiled)
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("chemo_demo", "prior_chemo", "Prior chemotherapy (1 = yes)"),
        ("chemo_demo", "regimen", "Chemotherapy regimen"),
    ]
