"""Column names that are SQL reserved words still build: the curated seed loads through dbt on
DuckDB with quoted columns (``+quote_columns: true`` for the clinical seeds) and its types."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import yaml

from helpers.curate import invoke_curate, lay_out
from helpers.files import csv_bytes

RESERVED = ["select", "order", "values", "group", "from", "table", "case"]


def test_reserved_word_columns_load_through_dbt_on_duckdb(tmp_path: Path):
    data = csv_bytes("pid," + ",".join(w.upper() if i % 2 else w for i, w in enumerate(RESERVED)),
                     "P1,1,a,2.5,TRUE,x,2020-01-02,c1", "P2,2,b,3.5,FALSE,y,2021-02-03,c2")
    text = ("collection_id: demo\ntype_mode: inferred\ntables:\n  - batches:\n"
            "      - {files: [a.csv], patient_column: pid}\n")
    recipe_path, sources = lay_out(tmp_path, text, {"a.csv": data})
    out = tmp_path / "out"
    result = invoke_curate(recipe_path.parent, sources, out)
    assert result.exit_code == 0, result.output
    assert "1 reserved_word" in result.output  # one warning for the table, naming each column
    verbose = invoke_curate(recipe_path.parent, sources, tmp_path / "verbose", "--verbose")
    said = " ".join(verbose.output.split())
    assert ("6 column name(s) are SQL reserved words: select (DuckDB and BigQuery), order (DuckDB and "
            "BigQuery), group (DuckDB and BigQuery), from (DuckDB and BigQuery), table (DuckDB), case (DuckDB "
            "and BigQuery)") in said  # 'values' is reserved in neither
    header = (out / "clinical" / "demo_clinical.csv").read_text().splitlines()[0]
    assert header == "dicom_patient_id,source_batch,pid," + ",".join(RESERVED)

    # A minimal dbt project holding just this seed, configured as the real project configures
    # clinical seeds (quoted columns, the curator's column types); the data tests are left out.
    project = tmp_path / "dbt"
    (project / "seeds").mkdir(parents=True)
    (project / "seeds" / "demo_clinical.csv").write_bytes((out / "clinical" / "demo_clinical.csv").read_bytes())
    properties = yaml.safe_load((out / "clinical" / "_clinical__seeds.yml").read_text())
    seed = next(s for s in properties["seeds"] if s["name"] == "demo_clinical")
    types = {k: v for k, v in seed["config"]["column_types"].items()}
    (project / "seeds" / "_seeds.yml").write_text(yaml.safe_dump(
        {"version": 2, "seeds": [{"name": "demo_clinical", "config": {"column_types": types}}]}))
    (project / "dbt_project.yml").write_text(textwrap.dedent("""
        name: reserved_words
        version: "0.1.0"
        config-version: 2
        profile: reserved_words
        seed-paths: ["seeds"]
        seeds:
          reserved_words:
            +quote_columns: true
    """))
    database = tmp_path / "r.duckdb"
    (project / "profiles.yml").write_text(textwrap.dedent(f"""
        reserved_words:
          target: duckdb
          outputs:
            duckdb: {{type: duckdb, path: "{database}", threads: 1}}
    """))
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_PROFILES_DIR": str(project)}
    run = subprocess.run([str(dbt), "seed", "--project-dir", str(project), "--target-path", str(tmp_path / "target"),
                          "--log-path", str(tmp_path / "logs")], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.sql("select column_name, data_type from information_schema.columns "
                          "where table_name = 'demo_clinical' order by ordinal_position").fetchall()
        rows = con.sql('select "select", "order", "values", "group", "from", "table", "case" from demo_clinical '
                       'order by "select"').fetchall()
    assert [c for c, _ in columns][3:] == RESERVED
    assert dict(columns)["values"] == "DOUBLE" and dict(columns)["group"] == "BOOLEAN"
    assert dict(columns)["table"] == "DATE"
    assert rows[0][:5] == (1, "a", 2.5, True, "x")
