"""The BigQuery schemas of what the dbt models read, without BigQuery.

Writes one JSON file, `{"tables": [...]}`: for every seed and every source of the dbt
manifest, its BigQuery relation (database, schema, name) and its columns as a BigQuery JSON
schema (name, type, mode, fields: what `bq show --schema` prints), nested types included.
The ZetaSQL check, the offline `dbt compile` and the emulator loader all read it.

Where each schema comes from:
  seeds    the seed's `column_types` (rendered for the target), then the column's
           `data_type`, in the column order of the CSV header; a column with neither is an
           error (dbt-bigquery would guess its type from the data).
  sources  in this order:
           1. bigquery_check/source_schemas/<source>.<table>.json, a BigQuery JSON schema
              kept by hand (e.g. idc_index, which is IDC's dicom_all table on BigQuery);
           2. the Parquet files of the source's `external_location` (the DuckDB target reads
              them; they are shaped like IDC's BigQuery export, so list<struct> is REPEATED
              RECORD);
           3. the source YAML's columns, when every one has a `data_type`.
Run with the main venv (pyarrow): python -m bigquery_check.offline_catalog MANIFEST OUT
"""

from __future__ import annotations

import csv
import glob
import json
import re
import sys
from pathlib import Path

from curation.column_types import BIGQUERY_TYPES

HERE = Path(__file__).resolve().parent
SOURCE_SCHEMAS = HERE / "source_schemas"

# Type names a seed's column_types or a column's data_type may use -> BigQuery standard names:
# the curated types by their names and their standard names (curation.column_types), then the rest.
TYPE_NAMES = {
    **{t.value: standard for t, standard in BIGQUERY_TYPES.items()},
    **{standard: standard for standard in BIGQUERY_TYPES.values()},
    "INT": "INT64", "BIGINT": "INT64",
    "NUMERIC": "NUMERIC", "BIGNUMERIC": "BIGNUMERIC", "DATETIME": "DATETIME",
    "TIMESTAMP": "TIMESTAMP", "TIME": "TIME", "BYTES": "BYTES", "JSON": "JSON",
}


class CatalogError(Exception):
    pass


def bigquery_type(name: str, where: str) -> str:
    key = name.strip().upper()
    if key not in TYPE_NAMES:
        raise CatalogError(f"{where}: type {name!r} is not a BigQuery column type this catalog knows")
    return TYPE_NAMES[key]


def seed_schema(node: dict) -> list[dict]:
    path = Path(node["root_path"]) / node["original_file_path"]
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    column_types = {k.lower(): v for k, v in (node["config"].get("column_types") or {}).items()}
    declared = {k.lower(): (v.get("data_type") or "") for k, v in node.get("columns", {}).items()}
    fields = []
    for name in header:
        where = f"seed {node['name']} column {name}"
        type_name = column_types.get(name.lower()) or declared.get(name.lower())
        if not type_name:
            raise CatalogError(f"{where}: no column_types entry and no data_type")
        fields.append({"name": name, "type": bigquery_type(type_name, where), "mode": "NULLABLE"})
    return fields


def arrow_field(field) -> dict:
    """A BigQuery schema field for a pyarrow field (as BigQuery exports tables to Parquet)."""
    import pyarrow as pa
    import pyarrow.types as pt

    mode, typ = "NULLABLE", field.type
    if pt.is_list(typ) or pt.is_large_list(typ) or pt.is_fixed_size_list(typ):
        mode, typ = "REPEATED", typ.value_type
        if pt.is_list(typ) or pt.is_large_list(typ):
            raise CatalogError(f"column {field.name}: an array of arrays has no BigQuery type")
    out = {"name": field.name, "mode": mode}
    if pt.is_struct(typ):
        out["type"] = "RECORD"
        out["fields"] = [arrow_field(typ.field(i)) for i in range(typ.num_fields)]
    elif pt.is_string(typ) or pt.is_large_string(typ) or pt.is_null(typ):
        out["type"] = "STRING"  # an all-NULL column (null type) is written as STRING
    elif pt.is_integer(typ):
        out["type"] = "INT64"
    elif pt.is_floating(typ):
        out["type"] = "FLOAT64"
    elif pt.is_boolean(typ):
        out["type"] = "BOOL"
    elif pt.is_date(typ):
        out["type"] = "DATE"
    elif pt.is_timestamp(typ):
        out["type"] = "TIMESTAMP" if typ.tz else "DATETIME"
    elif pt.is_time(typ):
        out["type"] = "TIME"
    elif pt.is_decimal(typ):
        out["type"] = "NUMERIC" if typ.precision <= 38 and typ.scale <= 9 else "BIGNUMERIC"
    elif pt.is_binary(typ) or pt.is_large_binary(typ) or pt.is_fixed_size_binary(typ):
        out["type"] = "BYTES"
    else:
        raise CatalogError(f"column {field.name}: no BigQuery type for Arrow type {typ}")
    del pa
    return out


def parquet_files(external_location: str) -> list[str]:
    match = re.search(r"read_parquet\(\s*'([^']+)'", external_location)
    pattern = match.group(1) if match else external_location.strip()
    return sorted(glob.glob(pattern))


def parquet_schema(files: list[str]) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive")
    return [arrow_field(schema.field(i)) for i in range(len(schema))]


def source_schema(node: dict) -> tuple[list[dict], str]:
    key = f"{node['source_name']}.{node['name']}"
    kept = SOURCE_SCHEMAS / f"{key}.json"
    if kept.exists():
        return json.loads(kept.read_text()), str(kept.relative_to(HERE.parent))
    location = (node.get("config", {}).get("meta") or {}).get("external_location") or ""
    files = parquet_files(location) if location else []
    if files:
        return parquet_schema(files), f"Parquet {location}"
    columns = node.get("columns", {})
    if columns and all(c.get("data_type") for c in columns.values()):
        return [
            {"name": name, "type": bigquery_type(c["data_type"], f"source {key} column {name}"),
             "mode": "NULLABLE"}
            for name, c in columns.items()
        ], "source YAML"
    raise CatalogError(
        f"source {key}: no schema. Add bigquery_check/source_schemas/{key}.json (a BigQuery "
        f"JSON schema), or Parquet files at its external_location, or a data_type on every column"
    )


def build_catalog(manifest: dict) -> list[dict]:
    tables = []
    for node in manifest["nodes"].values():
        if node["resource_type"] == "seed":
            tables.append({
                "unique_id": node["unique_id"], "database": node["database"],
                "schema": node["schema"], "name": node["alias"],
                "origin": node["original_file_path"], "fields": seed_schema(node),
            })
    for node in manifest["sources"].values():
        fields, origin = source_schema(node)
        tables.append({
            "unique_id": node["unique_id"], "database": node["database"],
            "schema": node["schema"], "name": node["identifier"],
            "origin": origin, "fields": fields,
        })
    return sorted(tables, key=lambda t: t["unique_id"])


def main(argv: list[str]) -> int:
    manifest_path, out_path = argv
    try:
        tables = build_catalog(json.loads(Path(manifest_path).read_text()))
    except CatalogError as exc:
        print(f"offline catalog: {exc}", file=sys.stderr)
        return 1
    Path(out_path).write_text(json.dumps({"tables": tables}, indent=1))
    print(f"offline catalog: {len(tables)} seeds and sources -> {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
