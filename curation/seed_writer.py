"""Writing the curated dbt seeds: rendered in memory, then swapped into place at once.

Layout of the output folder (``seeds/curated`` by default)::

    clinical/<table_name>.csv        one per clinical table
    clinical/_clinical__seeds.yml    column types and docs of every clinical seed
    metadata/raw_table_metadata.csv  nested fields as JSON text
    metadata/raw_column_metadata.csv
    metadata/_metadata__seeds.yml

A run writes everything into a sibling temporary folder and renames it over the previous
output only when all of it is written, so a failed run leaves the previous seeds untouched.
Rendering depends only on the inputs (no clock, no dict-order surprises), so reruns are
byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from curation.metadata import COLUMN_METADATA_COLUMNS, TABLE_METADATA_COLUMNS
from curation.recipe import Recipe
from curation.table_builder import CuratedTable

# Seed column types that DuckDB and BigQuery both accept, but FLOAT (DOUBLE vs FLOAT64).
SEED_TYPES = {
    "STRING": "string",
    "INTEGER": "int64",
    "BOOLEAN": "bool",
    "DATE": "date",
    "FLOAT": "{{ 'float64' if target.type == 'bigquery' else 'double' }}",
}


def render_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _dump_yaml(document: dict) -> bytes:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")


def _column_tests(column: str, recipe: Recipe) -> list:
    if column == "source_batch":
        return ["not_null"]
    if column != "dicom_patient_id":
        return []
    return ["not_null", {"patients_have_images": {
        "arguments": {"collection_id": recipe.collection_id, "index": "{{ ref('stg_idc_index__patients') }}"},
        "config": {"severity": recipe.patients_without_images},
    }}]


def clinical_seeds_yaml(built: list[tuple[CuratedTable, Recipe]], labels: dict[tuple[str, str], str]) -> bytes:
    """Seed properties: exact column types, docs, and the data tests every clinical table gets."""
    seeds = []
    for table, recipe in built:
        columns = []
        for c in table.columns:
            entry = {"name": c.name, "description": labels[(table.table_name, c.name)], "data_type": c.sql_type}
            tests = _column_tests(c.name, recipe)
            if tests:
                entry["data_tests"] = tests
            columns.append(entry)
        seeds.append({
            "name": table.table_name,
            "description": f"{table.description} ({table.collection_id})",
            "config": {"column_types": {c.name: SEED_TYPES[c.sql_type] for c in table.columns}},
            "data_tests": [
                {"matches_column_metadata": {"arguments": {"column_metadata": "{{ ref('column_metadata') }}"}}},
                {"has_one_table_metadata_row": {"arguments": {"table_metadata": "{{ ref('table_metadata') }}"}}},
            ],
            "columns": columns,
        })
    return _dump_yaml({"version": 2, "seeds": seeds})


def metadata_seeds_yaml() -> bytes:
    int_columns = {"number_batches"}
    seeds = [
        {
            "name": "raw_table_metadata",
            "description": "table_metadata as curated; nested fields as JSON text",
            "config": {"column_types": {c: ("int64" if c in int_columns else "string")
                                        for c in TABLE_METADATA_COLUMNS}},
        },
        {
            "name": "raw_column_metadata",
            "description": "column_metadata as curated; nested fields as JSON text",
            "config": {"column_types": {c: ("bool" if c == "case_col" else "string")
                                        for c in COLUMN_METADATA_COLUMNS}},
        },
    ]
    return _dump_yaml({"version": 2, "seeds": seeds})


def write_atomically(files: dict[str, bytes], out_dir: Path) -> None:
    """Write ``files`` (relative path -> bytes) as the whole content of ``out_dir``."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        for relative, data in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
