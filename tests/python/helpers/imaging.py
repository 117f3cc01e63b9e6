"""Build the imaging views once for the imaging tests: the committed fixture corpus
(data/dicom) exported to Parquet and `dbt build` of models/imaging (and what they need) into
a temporary DuckDB file, never the project's build/ folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from curation.warehouse.fidelity.warehouse import bigquery_type

from helpers import REPO
CORPUS = REPO / "data" / "dicom"
DBT = Path(sys.executable).with_name("dbt")


def dbt_env(work: Path) -> dict[str, str]:
    """The environment of a dbt command on the imaging build under ``work`` (build_imaging)."""
    from idc_index_data import IDC_INDEX_PARQUET_FILEPATH

    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO),
        "DBT_TARGET": "duckdb",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "IDC_DUCKDB_PATH": str(work / "imaging.duckdb"),
        "IDC_DICOM_PARQUET_DIR": str(work / "dicom"),
        "IDC_INDEX_PARQUET": str(IDC_INDEX_PARQUET_FILEPATH),
        "GX_ANALYTICS_ENABLED": "False",
    }


def build_imaging(work: Path) -> Path:
    """Export the corpus and build the imaging models under ``work``; return the database."""
    from curation.dicom.metadata_export import export_folder

    export_folder(CORPUS, work / "dicom")
    result = subprocess.run(
        [str(DBT), "build", "--select", "+path:models/imaging", "--target-path", str(work / "target"),
         "--log-path", str(work / "logs"), "--indirect-selection", "cautious"],
        cwd=REPO, env=dbt_env(work), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"dbt build of the imaging models failed:\n{result.stdout[-5000:]}")
    return work / "imaging.duckdb"


def connect(database: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(database), read_only=True)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def flat_schema(con: duckdb.DuckDBPyConnection, table: str,
                schema: str = "idc_v22") -> list[tuple[str, str, str]]:
    """(dotted path, BigQuery type, mode) of every column and nested field, in order; a list is
    its element type with mode REPEATED, as BigQuery shows it. A timestamp without time zone is
    BigQuery's DATETIME (with one, TIMESTAMP)."""
    out: list[tuple[str, str, str]] = []

    def walk(path: str, type_name: str, mode: str, fields: tuple | None, t) -> None:
        element = t.child if t.id == "list" else t
        if element.id == "timestamp":
            type_name = "DATETIME"
        out.append((path, type_name, mode))
        children = dict(element.children) if element.id == "struct" else {}
        for name, sub_type, sub_mode, sub_fields in fields or ():
            walk(f"{path}.{name}", sub_type, sub_mode, sub_fields, children[name])

    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
    for name, data_type in columns:
        t = con.type(data_type)
        walk(name, *bigquery_type(t), t)
    return out
