"""`dbt docs generate` builds the documentation site; every model, seed and column of the
project is described (curation/warehouse/docs_coverage.py over manifest.json and catalog.json); the
site renders in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.chromium import colours, dump_dom, screenshot
from helpers.warehouse import Warehouse, built_warehouse
from curation.warehouse.docs_coverage import Gap, gaps, load, summary

@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    warehouse = built_warehouse(tmp_path_factory)
    warehouse.dbt("docs", "generate", "--static")
    return warehouse


def test_docs_artifacts(docs: Warehouse) -> None:
    for name in ("index.html", "static_index.html", "manifest.json", "catalog.json"):
        assert (docs.target / name).stat().st_size > 0, name
    manifest, catalog = load(docs.target)
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert {"clinical_values", "patient_linkage", "metrics_patients", "release_calendar"} <= models
    assert "model.idc_clinical.clinical_values" in catalog["nodes"]
    assert {"patients", "segments", "measurements"} <= {m["name"] for m in manifest["metrics"].values()}


def test_every_model_and_column_is_described(docs: Warehouse) -> None:
    """docs_coverage finds nothing: every model, seed and column the warehouse has (imaging and
    staging included) is described (scripts/describe_columns.py describes new ones)."""
    found = gaps(*load(docs.target))
    assert not found, "undescribed (add a description in the model's YAML):\n" + "\n".join(
        f"{name}: {n}" for name, n in summary(found).items()) + "\n" + "\n".join(map(str, found[:50]))


def test_descriptions_reach_the_warehouse(docs: Warehouse) -> None:
    """persist_docs: DuckDB's catalog holds each model's and seed's description as the
    relation's comment and each column's as the column's comment."""
    import duckdb

    manifest, _ = load(docs.target)
    nodes = [n for n in manifest["nodes"].values()
             if n["resource_type"] in ("model", "seed") and n["package_name"] == "idc_clinical"
             and n["config"].get("materialized") != "ephemeral"]
    with duckdb.connect(str(docs.database), read_only=True) as con:
        relations = {(s, t): c for s, t, c in con.execute(
            "select schema_name, table_name, comment from duckdb_tables() union all "
            "select schema_name, view_name, comment from duckdb_views() where not internal").fetchall()}
        columns = {(s, t, c.lower()): comment for s, t, c, comment in con.execute(
            "select schema_name, table_name, column_name, comment from duckdb_columns()").fetchall()}
    checked_columns = 0
    for node in nodes:
        key = (node["schema"], node["alias"])
        assert key in relations, key
        assert (relations[key] or "").strip() == node["description"].strip(), key
        for name, column in node["columns"].items():
            if (node["schema"], node["alias"], name.lower()) in columns and column.get("description"):
                stored = columns[(node["schema"], node["alias"], name.lower())] or ""
                assert stored.strip() == column["description"].strip(), (key, name)
                checked_columns += 1
    assert len(nodes) > 100 and checked_columns > 3000


def test_checker_finds_a_missing_description() -> None:
    manifest = {"nodes": {
        "model.idc_clinical.m": {"resource_type": "model", "package_name": "idc_clinical",
                                 "description": "", "columns": {"a": {"description": "A."}}},
        "model.other.x": {"resource_type": "model", "package_name": "other", "description": "",
                          "columns": {}},
    }}
    catalog = {"nodes": {"model.idc_clinical.m": {"columns": {"A": {}, "b": {}}}}}
    assert gaps(manifest, catalog) == [Gap("model.idc_clinical.m", None), Gap("model.idc_clinical.m", "b")]


def test_docs_site_renders_in_chromium(docs: Warehouse, tmp_path: Path) -> None:
    site = docs.target / "static_index.html"
    dom = dump_dom(site.as_uri() + "#!/overview", budget_ms=15_000)
    assert "<title>dbt Docs</title>" in dom
    assert "IDC's clinical release, rebuilt" in dom  # the project overview (models/overview.md)
    for text in ("Projects", "idc_clinical", "clinical_values", "metrics_segments"):
        assert text in dom, text
    page = site.as_uri() + "#!/model/model.idc_clinical.metrics_patients"
    dom = dump_dom(page, budget_ms=15_000)
    assert "collection_id/dicom_patient_id; unique." in dom  # a column description, rendered
    png = screenshot(page, tmp_path / "docs_site.png", height=1000, budget_ms=15_000)
    assert colours(png) > 50
