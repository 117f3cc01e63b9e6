"""`dbt docs generate` builds the documentation site; every model, seed and column of the
project is described (curation/docs_coverage.py over manifest.json and catalog.json); the
site renders in headless Chromium."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from _chromium import colours, dump_dom, screenshot
from _warehouse import Warehouse, built_warehouse
from curation.docs_coverage import Gap, gaps, load, summary

# Models and seeds whose descriptions are still being written by their owners: their gaps are
# reported (as a warning, with counts) but do not fail. Any other model or seed with a gap
# fails, and so does a new model or seed that is not fully described. Remove a name once
# `python -m curation.docs_coverage target` lists nothing for it.
KNOWN_GAPS = {
    # imaging (models/imaging, models/staging/imaging): dicom_all has one column per DICOM
    # keyword; the tables segmentations, measurement_groups, qualitative_measurements and
    # quantitative_measurements are fully described, their _view twins not yet
    "dicom_all", "dicom_all_view", "segmentations_view", "measurement_groups_view",
    "qualitative_measurements_view", "quantitative_measurements_view", "stg_dicom__metadata",
    "stg_dicom__segments", "stg_dicom__measurement_groups", "stg_dicom__auxiliary_metadata",
    "stg_dicom__index_series",
}


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
    found = gaps(*load(docs.target))
    unexpected = [gap for gap in found if gap.name not in KNOWN_GAPS]
    assert not unexpected, "undescribed (add a description in the model's YAML):\n" + "\n".join(
        map(str, unexpected))
    known = summary(found)
    if known:  # reported in pytest's warnings summary, not failed
        warnings.warn("still undescribed (model: gaps): "
                      + ", ".join(f"{k}: {n}" for k, n in known.items()), stacklevel=1)


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
    for text in ("Projects", "idc_clinical", "clinical_values", "metrics_segments"):
        assert text in dom, text
    page = site.as_uri() + "#!/model/model.idc_clinical.metrics_patients"
    dom = dump_dom(page, budget_ms=15_000)
    assert "collection_id/dicom_patient_id; unique." in dom  # a column description, rendered
    png = screenshot(page, tmp_path / "docs_site.png", height=1000, budget_ms=15_000)
    assert colours(png) > 50
