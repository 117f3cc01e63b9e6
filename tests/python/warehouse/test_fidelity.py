"""Fidelity: the real tables reproduce IDC's published names, column order and types.

(a) Every table IDC published in v18 (``data/reference/published_v18_schemas.md``) whose
collection has a recipe is built exactly by a real ``dbt build``, or each of its differences is
a known difference of release v22 (``data/reference/known_v22_differences.yml``), and no known
difference is stale (``curation.warehouse.fidelity``; ``make fidelity`` prints the same report).
(b) The prostatex and metadata tables, with modes (``fixtures/published_schemas.yml``), in the
curated seeds (CSV headers and the data_type entries of the seed properties) and in the build,
through information_schema.columns of idc_v<N>_clinical.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml

from helpers import IDC_VERSION, REPO
from helpers.warehouse import built_warehouse
from curation.warehouse.fidelity.__main__ import check, recipe_collections
from curation.warehouse.fidelity.render import render
from curation.warehouse.fidelity.warehouse import bigquery_type

BIN = Path(sys.executable).parent
SCHEMA = f"idc_v{IDC_VERSION}_clinical"
PUBLISHED = yaml.safe_load((Path(__file__).resolve().parents[1] / "fixtures" / "published_schemas.yml").read_text())["tables"]
PROSTATEX = ["prostatex_findings", "prostatex_images", "prostatex_ktrans", "prostatex_findings2",
             "prostatex_images2"]
METADATA = ["table_metadata", "column_metadata"]
BONEMARROW = "bonemarrowwsi_pediatricleukemia_clinical"


def published(table: str) -> list[tuple]:
    """(name, type, mode, fields) per column, fields nested the same way (None for scalars)."""
    def field(c: dict) -> tuple:
        fields = tuple(field(f) for f in c["fields"]) if "fields" in c else None
        return (c["name"], c["type"], c.get("mode", "NULLABLE"), fields)
    return [field(c) for c in PUBLISHED[table]]


@dataclass
class Build:
    returncode: int
    output: str
    database: Path
    seeds: Path


@pytest.fixture(scope="session")
def dbt_build(tmp_path_factory) -> Build:
    """The session's warehouse (``helpers.warehouse``): the bundled release (plus one added
    collection) curated into the repository's seeds/curated and built by `dbt build` with
    every data test, once per session."""
    warehouse = built_warehouse(tmp_path_factory)
    log = (warehouse.root / "build.log").read_text(encoding="utf-8")
    # a copy: these tests hold a connection for the session, which would lock out the
    # other users of the warehouse (MetricFlow opens it for writing)
    copy = tmp_path_factory.mktemp("fidelity") / "idc.duckdb"
    shutil.copyfile(warehouse.database, copy)
    return Build(0, log, copy, REPO / "seeds" / "curated")


@pytest.fixture(scope="session")
def db(dbt_build: Build):
    if not dbt_build.database.exists():
        pytest.fail("dbt build made no database:\n" + dbt_build.output[-4000:])
    with duckdb.connect(str(dbt_build.database), read_only=True) as con:
        yield con


@pytest.fixture(scope="session")
def fidelity(dbt_build: Build):
    return check(dbt_build.database, IDC_VERSION, recipe_collections(REPO / "recipes", REPO / "data" / "sources"))


def test_published_tables_are_built_or_known_differences(fidelity):
    """Holds for any set of recipes: tables of collections without a recipe are skipped."""
    report, known = fidelity
    unexplained = [r for r in report.results if r.status == "differs"]
    assert not unexplained and not report.orphans, "\n".join(render(report, known))
    assert {"table_metadata", "column_metadata"} <= {r.table for r in report.compared}


def test_transcription_is_complete():
    assert set(PUBLISHED) == set(PROSTATEX + METADATA)
    for table in PROSTATEX:
        assert [c[0] for c in published(table)][:2] == ["dicom_patient_id", "source_batch"]


def test_dbt_build_succeeds(dbt_build: Build):
    assert dbt_build.returncode == 0, dbt_build.output[-4000:]
    assert "ERROR=0" in dbt_build.output


# (a) the curated seeds -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def seed_types(dbt_build: Build) -> dict[str, list[tuple[str, str]]]:
    doc = yaml.safe_load((dbt_build.seeds / "clinical" / "_clinical__seeds.yml").read_text(encoding="utf-8"))
    return {s["name"]: [(c["name"], c["data_type"]) for c in s["columns"]] for s in doc["seeds"]}


def _header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("table", PROSTATEX)
def test_seed_header_is_published_columns(dbt_build: Build, table: str):
    assert _header(dbt_build.seeds / "clinical" / f"{table}.csv") == [c[0] for c in published(table)]


@pytest.mark.parametrize("table", PROSTATEX)
def test_seed_yaml_types_are_published_types(seed_types, table: str):
    assert seed_types[table] == [(c[0], c[1]) for c in published(table)]


@pytest.mark.parametrize(("seed", "table"), [("raw_table_metadata", "table_metadata"),
                                            ("raw_column_metadata", "column_metadata")])
def test_metadata_seed_header_is_published_columns(dbt_build: Build, seed: str, table: str):
    assert _header(dbt_build.seeds / "metadata" / f"{seed}.csv") == [c[0] for c in published(table)]


# (b) the built DuckDB database ---------------------------------------------------------------

def _built_columns(db, table: str) -> list[tuple]:
    rows = db.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [SCHEMA, table]
    ).fetchall()
    return [(name, *bigquery_type(db.type(data_type))) for name, data_type in rows]


@pytest.mark.parametrize("table", PROSTATEX + METADATA)
def test_built_table_matches_published_schema(db, table: str):
    assert _built_columns(db, table) == published(table)


@pytest.mark.parametrize(("table", "column"), [("table_metadata", "source_info"), ("column_metadata", "values")])
def test_nested_field_names(db, table: str, column: str):
    built = {c[0]: c for c in _built_columns(db, table)}[column]
    want = {c[0]: c for c in published(table)}[column]
    assert built[1:3] == ("RECORD", "REPEATED")
    assert [f[0] for f in built[3]] == [f[0] for f in want[3]]
    assert built == want


@pytest.mark.parametrize("table", PROSTATEX)
def test_column_metadata_records_published_types(db, table: str):
    rows = db.execute(
        f'select "column", data_type from {SCHEMA}.column_metadata where table_name = ?', [table]
    ).fetchall()
    assert sorted(rows) == sorted((c[0], c[1]) for c in published(table))


def test_every_table_in_the_schema_is_documented(db):
    tables = {r[0] for r in db.execute(
        "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]).fetchall()}
    listed = {r[0] for r in db.execute(f"select table_name from {SCHEMA}.table_metadata").fetchall()}
    assert set(PROSTATEX) | {BONEMARROW} <= listed
    assert tables == listed | set(METADATA)


def test_bonemarrow_has_all_257_patients(db):
    rows, patients, nulls = db.execute(
        f"select count(*), count(distinct dicom_patient_id), count(*) - count(dicom_patient_id) "
        f"from {SCHEMA}.{BONEMARROW}").fetchone()
    assert (rows, patients, nulls) == (257, 257, 0)


def test_prostatex_patient_ids_are_dicom_patient_ids(db):
    bad = db.execute(
        f"select count(*) from {SCHEMA}.prostatex_findings "
        "where not regexp_full_match(dicom_patient_id, 'ProstateX-[0-9]{4}') or dicom_patient_id != proxid"
    ).fetchone()[0]
    assert bad == 0
    batches = db.execute(f"select distinct source_batch from {SCHEMA}.prostatex_findings order by 1").fetchall()
    assert batches == [(0,), (1,)]
