"""The dbt project's conventions (README "Repository layout"), checked on the files themselves:
one properties file per folder named for it, docs beside the models, staging/<source>/
folders, materialization and schema set per folder, one answer to "which clinical tables
exist" (macros/clinical_tables.sql)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
# What each kind of properties file may hold (MetricFlow's metrics sit with their semantic models).
KINDS = {"models": {"models"}, "sources": {"sources"}, "seeds": {"seeds"},
         "semantic_models": {"semantic_models", "metrics", "saved_queries"}}
# Folders written by `curate` (git-ignored; their file names are the curator's).
GENERATED = REPO / "seeds" / "curated"


def _project_files(pattern: str) -> list[Path]:
    return sorted(p for folder in ("models", "seeds") for p in (REPO / folder).rglob(pattern)
                  if GENERATED not in p.parents)


def _properties(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def test_one_properties_file_per_folder_named_for_it():
    files = _project_files("*.yml")
    assert files
    for path in files:
        match = re.fullmatch(r"_(\w+?)__(\w+)\.yml", path.name)
        assert match, f"{path.relative_to(REPO)}: name it _<folder>__<kind>.yml"
        assert match.group(2) in KINDS, path.relative_to(REPO)
        # a staging folder's files are named for its source, every other folder's for the folder
        assert match.group(1) == path.parent.name, path.relative_to(REPO)
        kinds = set(_properties(path)) - {"version"}
        assert match.group(2) in kinds <= KINDS[match.group(2)], f"{path.relative_to(REPO)} holds {sorted(kinds)}"
    assert len({p.parent for p in files if p.name.endswith("__models.yml")}) == \
        len([p for p in files if p.name.endswith("__models.yml")])


def test_every_model_is_documented_in_its_own_folder():
    for sql in sorted((REPO / "models").rglob("*.sql")):
        properties = sql.parent / f"_{sql.parent.name}__models.yml"
        assert properties.exists(), f"{sql.relative_to(REPO)}: no {properties.name} beside it"
        names = {m["name"] for m in _properties(properties)["models"]}
        assert sql.stem in names, f"{sql.relative_to(REPO)} is not in {properties.relative_to(REPO)}"


def test_staging_models_live_in_their_sources_folder():
    staging = REPO / "models" / "staging"
    sources = {s["name"] for p in staging.rglob("_*__sources.yml") for s in _properties(p)["sources"]}
    assert sources and all((staging / name).is_dir() for name in sources)
    for sql in sorted(staging.rglob("*.sql")):
        source = re.fullmatch(r"stg_(\w+?)__\w+", sql.stem)
        assert source, f"{sql.relative_to(REPO)}: name it stg_<source>__<what>.sql"
        assert sql.parent == staging / source.group(1), sql.relative_to(REPO)


def test_materialization_and_schema_are_set_per_folder():
    for sql in sorted((REPO / "models").rglob("*.sql")):
        assert "config(" not in sql.read_text(encoding="utf-8"), sql.relative_to(REPO)
    for path in _project_files("_*__models.yml"):
        for model in _properties(path)["models"]:
            config = model.get("config") or {}
            assert not {"materialized", "schema"} & set(config), f"{model['name']} in {path.name}"


def test_only_clinical_tables_walks_the_graph_for_clinical_tables():
    one = REPO / "macros" / "clinical_tables.sql"
    assert "graph.nodes" in one.read_text(encoding="utf-8")
    for folder in ("models", "macros", "tests/dbt", "analyses"):
        for sql in sorted((REPO / folder).rglob("*.sql")):
            if sql != one:
                assert "graph.nodes" not in sql.read_text(encoding="utf-8"), sql.relative_to(REPO)
