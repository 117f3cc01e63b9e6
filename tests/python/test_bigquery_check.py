"""The offline BigQuery checks of `make bigquery-check` (bigquery_check/) judge SQL correctly.

The ZetaSQL tests run bigquery_check.zetasql_check in its venv (build/bigquery/zetasql-venv,
made by `make bigquery-check`); without it they are skipped, unless BIGQUERY_CHECK_REQUIRED=1
(as `make bigquery-check` sets), where a missing venv is a failure.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

from bigquery_check import offline_catalog

ROOT = Path(__file__).resolve().parents[2]
ZETASQL_PYTHON = ROOT / "build" / "bigquery" / "zetasql-venv" / "bin" / "python"

PATIENTS = {
    "unique_id": "seed.demo.patients", "database": "demo-project", "schema": "clinical",
    "name": "patients", "origin": "test",
    "fields": [
        {"name": "PatientID", "type": "STRING", "mode": "NULLABLE"},
        {"name": "age", "type": "INT64", "mode": "NULLABLE"},
        {"name": "codes", "type": "RECORD", "mode": "REPEATED", "fields": [
            {"name": "CodeValue", "type": "STRING", "mode": "NULLABLE"},
            {"name": "numbers", "type": "INT64", "mode": "REPEATED"},
        ]},
    ],
}
TABLE = "`demo-project`.`clinical`.`patients`"

MODELS = {
    # valid BigQuery: nested fields, SAFE_OFFSET, UNNEST WITH OFFSET, case-insensitive names
    "upstream": f"""
        select
            patientid as patient_id,
            age + 1 as next_age,
            codes[safe_offset(0)].codevalue as first_code,
            (select count(*) from unnest(codes) as c with offset as o where o > 0) as n_more
        from {TABLE}""",
    # resolves only if upstream's output schema was registered: next_age is INT64, first_code STRING
    "downstream": """
        select upper(first_code) as code, next_age * 2 as doubled
        from `demo-project`.`clinical`.`upstream`""",
    "type_error": f"select patientid + 1 as wrong from {TABLE}",
    "unknown_column": f"select no_such_column from {TABLE}",
    "duckdb_only": f"select age::varchar as age_text from {TABLE}",
    "below_type_error": "select wrong from `demo-project`.`clinical`.`type_error`",
    # output schema with nesting and modes: a REPEATED RECORD, one element of it, a scalar
    "nested": f"select codes, codes[safe_offset(0)] as first_code, age from {TABLE}",
}
PARENTS = {"nested": ["seed.demo.patients"], "upstream": ["seed.demo.patients"], "downstream": ["model.demo.upstream"],
           "below_type_error": ["model.demo.type_error"]}


def write_project(tmp_path: Path, names: list[str]) -> tuple[Path, Path]:
    nodes = {
        "seed.demo.patients": {"resource_type": "seed", "name": "patients", "depends_on": {"macros": []},
                               "config": {"materialized": "seed"}},
    }
    for name in names:
        nodes[f"model.demo.{name}"] = {
            "resource_type": "model", "name": name, "alias": name, "database": "demo-project",
            "schema": "clinical", "compiled_code": MODELS[name], "original_file_path": f"models/{name}.sql",
            "config": {"materialized": "view"},
            "depends_on": {"nodes": PARENTS.get(name, ["seed.demo.patients"])},
        }
    manifest, catalog = tmp_path / "manifest.json", tmp_path / "catalog.json"
    manifest.write_text(json.dumps({"nodes": nodes, "sources": {}}))
    catalog.write_text(json.dumps({"tables": [PATIENTS]}))
    return manifest, catalog


def run_check(tmp_path: Path, names: list[str], *extra: str) -> tuple[int, dict, str]:
    if not ZETASQL_PYTHON.exists():
        if os.environ.get("BIGQUERY_CHECK_REQUIRED") == "1":
            pytest.fail(f"{ZETASQL_PYTHON} is missing: make bigquery-check installs it")
        pytest.skip("the ZetaSQL venv is made by `make bigquery-check`")
    manifest, catalog = write_project(tmp_path, names)
    report = tmp_path / "report.json"
    done = subprocess.run(
        [str(ZETASQL_PYTHON), "-m", "bigquery_check.zetasql_check", "--manifest", str(manifest),
         "--catalog", str(catalog), "--report", str(report), *extra],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    results = json.loads(report.read_text()) if report.exists() else {}
    return done.returncode, results, done.stdout + done.stderr


def test_zetasql_rejects_invalid_bigquery_and_passes_valid(tmp_path):
    code, results, output = run_check(tmp_path, list(MODELS))
    assert code == 1, output
    assert results["model.demo.upstream"]["status"] == "pass", output
    assert results["model.demo.upstream"]["columns"] == ["patient_id", "next_age", "first_code", "n_more"]
    assert results["model.demo.downstream"]["status"] == "pass", output
    assert results["model.demo.type_error"]["status"] == "error"
    assert "No matching signature for operator +" in results["model.demo.type_error"]["error"]
    assert results["model.demo.unknown_column"]["status"] == "error"
    assert "Unrecognized name: no_such_column" in results["model.demo.unknown_column"]["error"]
    assert results["model.demo.duckdb_only"]["status"] == "error"
    assert results["model.demo.below_type_error"]["status"] == "skipped"


def test_zetasql_reports_output_schemas_with_nesting_and_modes(tmp_path):
    code, results, output = run_check(tmp_path, ["nested"])
    assert code == 0, output
    assert results["model.demo.nested"]["schema"] == [
        ["codes", "RECORD", "REPEATED"], ["codes.CodeValue", "STRING", "NULLABLE"],
        ["codes.numbers", "INTEGER", "REPEATED"],
        ["first_code", "RECORD", "NULLABLE"], ["first_code.CodeValue", "STRING", "NULLABLE"],
        ["first_code.numbers", "INTEGER", "REPEATED"],
        ["age", "INTEGER", "NULLABLE"]]


def test_imaging_views_have_idc_v22_schemas_on_bigquery():
    """The imaging tables and views as ZetaSQL types them from the compiled BigQuery SQL (the
    report `make bigquery-check` writes) match IDC v22's schemas, modes included."""
    from helpers.imaging_published_schemas import DICOM_ALL_LEADING, PUBLISHED

    report_path = ROOT / "build" / "bigquery" / "zetasql-report.json"
    if not report_path.exists():
        if os.environ.get("BIGQUERY_CHECK_REQUIRED") == "1":
            pytest.fail(f"{report_path} is missing: make bigquery-check writes it")
        pytest.skip("the ZetaSQL report is made by `make bigquery-check`")
    report = json.loads(report_path.read_text())
    schemas = {uid.split(".")[-1]: [tuple(c) for c in r.get("schema", [])]
               for uid, r in report.items() if uid.startswith("model.")}
    for view, expected in PUBLISHED.items():
        for relation in (view, f"{view}_view"):
            assert schemas.get(relation) == expected, relation
    for relation in ("dicom_all", "dicom_all_view"):
        top = [c for c in schemas[relation] if "." not in c[0]]
        assert top[:len(DICOM_ALL_LEADING)] == DICOM_ALL_LEADING, relation


def test_zetasql_passes_a_valid_project(tmp_path):
    code, results, output = run_check(tmp_path, ["upstream", "downstream"])
    assert code == 0, output
    assert {r["status"] for r in results.values()} == {"pass"}


def test_zetasql_reports_known_invalid_models_without_failing(tmp_path):
    known = tmp_path / "known_invalid.yml"
    known.write_text("- model: type_error\n- model: upstream\n")
    code, results, output = run_check(
        tmp_path, ["upstream", "type_error", "below_type_error"], "--known-invalid", str(known))
    assert code == 0, output
    assert "KNOWN INVALID model.demo.type_error" in output
    assert "NOW VALID model.demo.upstream" in output
    assert results["model.demo.below_type_error"]["status"] == "tolerated"


def test_catalog_reads_seed_types_in_csv_order(tmp_path):
    seed = tmp_path / "seeds" / "demo.csv"
    seed.parent.mkdir()
    with seed.open("w", newline="") as handle:
        csv.writer(handle).writerows([["b", "a", "c"], ["1", "x", "true"]])
    node = {"name": "demo", "root_path": str(tmp_path), "original_file_path": "seeds/demo.csv",
            "config": {"column_types": {"b": "int64", "a": "string"}},
            "columns": {"c": {"data_type": "BOOLEAN"}}}
    assert offline_catalog.seed_schema(node) == [
        {"name": "b", "type": "INT64", "mode": "NULLABLE"},
        {"name": "a", "type": "STRING", "mode": "NULLABLE"},
        {"name": "c", "type": "BOOL", "mode": "NULLABLE"},
    ]
    node["config"]["column_types"] = {"b": "double"}  # a DuckDB type name is not BigQuery's
    with pytest.raises(offline_catalog.CatalogError, match="double"):
        offline_catalog.seed_schema(node)


def test_catalog_maps_parquet_nesting_to_bigquery_modes():
    code = pa.struct([("CodeValue", pa.string()), ("numbers", pa.list_(pa.int64()))])
    field = offline_catalog.arrow_field(pa.field("Codes", pa.list_(code)))
    assert field == {"name": "Codes", "mode": "REPEATED", "type": "RECORD", "fields": [
        {"name": "CodeValue", "mode": "NULLABLE", "type": "STRING"},
        {"name": "numbers", "mode": "REPEATED", "type": "INT64"},
    ]}
    with pytest.raises(offline_catalog.CatalogError, match="array of arrays"):
        offline_catalog.arrow_field(pa.field("nested", pa.list_(pa.list_(pa.int64()))))


EMULATOR_PYTHON = ROOT / "build" / "bigquery" / "bqemulator-venv" / "bin" / "python"


def test_emulator_offset_fix_keeps_names_and_scope():
    """bigquery_check.patch_bqemulator: a projected WITH OFFSET column keeps its name, and a column of the
    same name read from a CTE is not shifted a second time (bqemulator 1.4.0 does both)."""
    if not EMULATOR_PYTHON.exists():
        if os.environ.get("BIGQUERY_CHECK_REQUIRED") == "1":
            pytest.fail(f"{EMULATOR_PYTHON} is missing: make bigquery-check installs it")
        pytest.skip("the emulator venv is made by `make bigquery-check`")
    code = (
        "import sys; from bigquery_check import patch_bqemulator;"
        "import bqemulator.sql.rewriter.unnest_offset as u;"
        "u._rebase_offset_columns = patch_bqemulator._rebase_offset_columns;"
        "print(u.rewrite_unnest_offset(sys.argv[1]))"
    )
    sql = "WITH a AS (SELECT x, o FROM UNNEST([1, 2]) AS x WITH OFFSET AS o) SELECT o FROM a"
    done = subprocess.run([str(EMULATOR_PYTHON), "-c", code, sql],
                          capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
    rewritten = done.stdout.strip()
    assert "(o - 1) AS o" in rewritten, rewritten
    assert rewritten.endswith("SELECT o FROM a"), rewritten


def test_emulator_fixes_nested_offsets_and_ignore_nulls_limit():
    """bigquery_check.patch_sqlglot and patch_bqemulator: a nested UNNEST keeps WITH ORDINALITY, and ARRAY_AGG(DISTINCT x
    IGNORE NULLS ORDER BY x LIMIT n) becomes valid DuckDB that filters on x."""
    if not EMULATOR_PYTHON.exists():
        if os.environ.get("BIGQUERY_CHECK_REQUIRED") == "1":
            pytest.fail(f"{EMULATOR_PYTHON} is missing: make bigquery-check installs it")
        pytest.skip("the emulator venv is made by `make bigquery-check`")
    code = (
        "import sys, sqlglot; from bigquery_check import patch_bqemulator, patch_sqlglot;"
        "import bqemulator.sql.rewriter.aggregate_variants as a;"
        "patch_sqlglot.generate_unnest_from_a_copy();"
        "a._rewrite_ignore_nulls = patch_bqemulator._rewrite_ignore_nulls;"
        "print(sqlglot.transpile(sys.argv[1], read='bigquery', write='duckdb')[0]);"
        "print(a.rewrite_aggregate_variants(sys.argv[2]))"
    )
    nested = ("SELECT ARRAY(SELECT AS STRUCT (SELECT ARRAY(SELECT y FROM UNNEST([1]) AS y WITH OFFSET AS q "
              "ORDER BY q)) AS inner_arr FROM UNNEST([5]) AS x WITH OFFSET AS p ORDER BY p) AS arr")
    aggregate = "SELECT ARRAY_AGG(DISTINCT x IGNORE NULLS ORDER BY x LIMIT 2) AS v FROM t"
    done = subprocess.run([str(EMULATOR_PYTHON), "-c", code, nested, aggregate],
                          capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
    duckdb_nested, rewritten = done.stdout.strip().splitlines()
    assert duckdb_nested.count("WITH ORDINALITY") == 2, duckdb_nested
    assert "ARRAY_SLICE(ARRAY_AGG(DISTINCT x ORDER BY x) FILTER(WHERE NOT x IS NULL), 1, 2)" in rewritten, rewritten
