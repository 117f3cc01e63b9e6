"""Type-check every compiled dbt model with Google's ZetaSQL analyzer (BigQuery's SQL front end).

    python -m bigquery_check.zetasql_check --manifest build/bigquery/target/manifest.json \
        --catalog build/bigquery/catalog.json [--tests] [--report out.json]

Runs in its own venv with PyPI `zetasql` (ZetaSQL compiled to WebAssembly). The models are
read from target/manifest.json (every model that exists, not a fixed list) and analyzed in
DAG order against a catalog built from the offline catalog (bigquery_check.offline_catalog: seeds and
sources as BigQuery schemas, nested types included); each model that passes is registered as
a table with the output schema the analyzer resolved, so the models downstream resolve
against it. A model whose upstream failed is reported as skipped. With --tests, the compiled
data tests are analyzed too, after the models. Exit status 1 when any node fails.

Language: ZetaSQL's maximum released feature set in PRODUCT_EXTERNAL mode (BigQuery's types:
no INT32, FLOAT, DOUBLE type names). That set is a superset of BigQuery's, so a pass proves
names, types and functions, not that BigQuery has adopted every newer syntax.
The SQL is analyzed as dbt compiled it, with one normalization: a backquoted path holding dots
(`project.dataset.table`), which BigQuery splits into names, is split into `project`.`dataset`.`table`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

CHECKED_MATERIALIZATIONS = {"table", "view", "incremental", "materialized_view", "snapshot"}
# BigQuery standard type names -> ZetaSQL type kinds. This script runs in its own venv, without
# the curation package: tests/python/test_column_types.py checks the curated types' entries
# against curation.column_types.ZETASQL_TYPES.
ZETASQL_KINDS = {
    "STRING": "TYPE_STRING", "INT64": "TYPE_INT64", "FLOAT64": "TYPE_DOUBLE", "BOOL": "TYPE_BOOL",
    "NUMERIC": "TYPE_NUMERIC", "BIGNUMERIC": "TYPE_BIGNUMERIC", "DATE": "TYPE_DATE",
    "DATETIME": "TYPE_DATETIME", "TIMESTAMP": "TYPE_TIMESTAMP", "TIME": "TYPE_TIME",
    "BYTES": "TYPE_BYTES", "JSON": "TYPE_JSON", "GEOGRAPHY": "TYPE_GEOGRAPHY",
    "INTERVAL": "TYPE_INTERVAL",
}
# BigQuery's API (legacy) names -> standard names
LEGACY_NAMES = {"INTEGER": "INT64", "FLOAT": "FLOAT64", "BOOLEAN": "BOOL", "STRUCT": "RECORD"}


def zetasql_type(field: dict):
    """A ZetaSQL TypeProto for a BigQuery JSON schema field (REPEATED -> ARRAY, RECORD -> STRUCT)."""
    from zetasql.wasi._pb2.zetasql.public import type_pb2
    from zetasql.wasi._pb2.zetasql.public.type_pb2 import TypeProto

    name = LEGACY_NAMES.get(field["type"].upper(), field["type"].upper())
    if name == "RECORD":
        element = TypeProto(
            type_kind=type_pb2.TYPE_STRUCT,
            struct_type=type_pb2.StructTypeProto(field=[
                type_pb2.StructFieldProto(field_name=f["name"], field_type=zetasql_type(f))
                for f in field["fields"]
            ]),
        )
    elif name in ZETASQL_KINDS:
        element = TypeProto(type_kind=getattr(type_pb2, ZETASQL_KINDS[name]))
    else:
        raise ValueError(f"column {field['name']}: unknown BigQuery type {field['type']}")
    if (field.get("mode") or "NULLABLE").upper() == "REPEATED":
        return TypeProto(type_kind=type_pb2.TYPE_ARRAY, array_type=type_pb2.ArrayTypeProto(element_type=element))
    return element


class Catalog:
    """Tables by (database, dataset, name), served as nested SimpleCatalogs: `db`.`ds`.`t`."""

    def __init__(self, language_options_proto):
        self.language_options = language_options_proto
        self.tables: dict[tuple[str, str], dict[str, object]] = {}

    def add(self, database: str, schema: str, name: str, columns: list[tuple[str, object]]) -> None:
        from zetasql.wasi._pb2.zetasql.public.simple_table_pb2 import SimpleColumnProto, SimpleTableProto

        table = SimpleTableProto(name=name, column=[
            SimpleColumnProto(name=col, type=typ, is_writable_column=True) for col, typ in columns
        ])
        self.tables.setdefault((database, schema), {})[name.lower()] = table

    def build(self):
        from zetasql.wasi._pb2.zetasql.proto.options_pb2 import ZetaSQLBuiltinFunctionOptionsProto
        from zetasql.wasi._pb2.zetasql.proto.simple_catalog_pb2 import SimpleCatalogProto

        projects: dict[str, list] = {}
        for (database, schema), tables in self.tables.items():
            projects.setdefault(database, []).append(SimpleCatalogProto(name=schema, table=tables.values()))
        return SimpleCatalogProto(
            name="offline",
            catalog=[SimpleCatalogProto(name=db, catalog=datasets) for db, datasets in projects.items()],
            builtin_function_options=ZetaSQLBuiltinFunctionOptionsProto(language_options=self.language_options),
        )


class ZetaSQL:
    """The analyzer of the local service, spoken to in protobuf (no Python-side AST conversion)."""

    def __init__(self):
        from zetasql.core.local_service import ZetaSqlLocalService
        from zetasql.types import AnalyzerOptions
        from zetasql.types.proto_model import LanguageOptions, ProductMode
        from zetasql.wasi._pb2.zetasql.public import options_pb2

        language = LanguageOptions.maximum_features()
        language.product_mode = ProductMode.PRODUCT_EXTERNAL
        self.language_options = language.to_proto()
        self.options = AnalyzerOptions(language_options=language).to_proto()
        self.options.error_message_mode = options_pb2.ERROR_MESSAGE_ONE_LINE  # "... [at line:column]"
        self.client = ZetaSqlLocalService.get_instance().wasm_client

    def output_columns(self, sql: str, catalog: Catalog) -> list[tuple[str, object]]:
        """The (name, TypeProto) of each output column of a query; raises on any error."""
        from zetasql.wasi._pb2.zetasql.local_service import local_service_pb2 as pb

        request = pb.AnalyzeRequest(options=self.options, simple_catalog=catalog.build(), sql_statement=sql)
        response = self.client.call_grpc_func("ZetaSqlLocalService_Analyze", request, pb.AnalyzeResponse)
        statement = response.resolved_statement
        kind = statement.WhichOneof("node")
        if kind != "resolved_query_stmt_node":
            raise ValueError(f"not a query: {kind}")
        return [(c.name, c.column.type) for c in statement.resolved_query_stmt_node.output_column_list]


# ZetaSQL type kinds -> the names BigQuery's schemas (and IDC's published ones) use
TYPE_NAMES = {"INT64": "INTEGER", "DOUBLE": "FLOAT", "BOOL": "BOOLEAN", "STRUCT": "RECORD"}


def flat_schema(columns: list[tuple[str, object]]) -> list[list[str]]:
    """[dotted path, BigQuery type, mode] of every output column and nested field, in order: an
    ARRAY is its element type with mode REPEATED, as BigQuery shows it."""
    from zetasql.wasi._pb2.zetasql.public import type_pb2

    out: list[list[str]] = []

    def walk(path: str, typ) -> None:
        mode = "NULLABLE"
        if type_pb2.TypeKind.Name(typ.type_kind) == "TYPE_ARRAY":
            typ, mode = typ.array_type.element_type, "REPEATED"
        kind = type_pb2.TypeKind.Name(typ.type_kind).removeprefix("TYPE_")
        out.append([path, TYPE_NAMES.get(kind, kind), mode])
        if kind == "STRUCT":
            for field in typ.struct_type.field:
                walk(f"{path}.{field.field_name}", field.field_type)

    for name, typ in columns:
        walk(name, typ)
    return out


def normalize(sql: str) -> str:
    sql = re.sub(r"`([^`]*)`", lambda m: ".".join(f"`{p}`" for p in m.group(1).split(".")), sql)
    return sql.rstrip().rstrip(";")


def dag_order(nodes: dict[str, dict]) -> list[str]:
    order, seen = [], set()

    def visit(uid: str, stack: tuple = ()) -> None:
        if uid in seen or uid not in nodes:
            return
        if uid in stack:
            raise ValueError(f"cycle through {uid}")
        for parent in sorted(nodes[uid]["depends_on"].get("nodes", [])):
            visit(parent, stack + (uid,))
        seen.add(uid)
        order.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    return order


def compiled_sql(node: dict, manifest_path: Path) -> str | None:
    if node.get("compiled_code"):
        return node["compiled_code"]
    path = node.get("compiled_path")
    if path:
        for base in (Path.cwd(), manifest_path.parent.parent):
            if (base / path).exists():
                return (base / path).read_text()
    return None


def describe(error: Exception) -> str:
    return " ".join(str(error).split())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", required=True, type=Path)
    parser.add_argument("--catalog", required=True, type=Path)
    parser.add_argument("--tests", action="store_true", help="analyze the compiled data tests too")
    parser.add_argument("--report", type=Path, help="write the result of every node as JSON")
    parser.add_argument("--known-invalid", type=Path,
                        help="YAML list of {model: name} (a model or data test) known not to be valid BigQuery "
                             "yet: reported, not failed")
    args = parser.parse_args(argv)

    started = time.monotonic()
    from bigquery_check import patch_wasmtime

    patch_wasmtime.cache_compiled_module(Path(sys.prefix) / "zetasql-module-cache")
    zetasql = ZetaSQL()
    print(f"zetasql: analyzer ready in {time.monotonic() - started:.0f} s")

    manifest = json.loads(args.manifest.read_text())
    catalog = Catalog(zetasql.language_options)
    for table in json.loads(args.catalog.read_text())["tables"]:
        catalog.add(table["database"], table["schema"], table["name"],
                    [(f["name"], zetasql_type(f)) for f in table["fields"]])

    nodes = {uid: n for uid, n in manifest["nodes"].items()
             if n["resource_type"] in ("model", "seed", "test", "snapshot")}
    results: dict[str, dict] = {}
    failed: set[str] = set()

    def check(uid: str, register: bool) -> None:
        node = nodes[uid]
        broken = [p for p in node["depends_on"].get("nodes", []) if p in failed]
        if broken:
            results[uid] = {"status": "skipped", "error": f"upstream failed: {', '.join(broken)}"}
            failed.add(uid)
            return
        sql = compiled_sql(node, args.manifest)
        if sql is None:
            results[uid] = {"status": "error", "error": "no compiled SQL (run dbt compile first)"}
            failed.add(uid)
            return
        try:
            columns = zetasql.output_columns(normalize(sql), catalog)
        except Exception as exc:  # ZetaSQL reports every analysis failure as an exception
            where = node.get("compiled_path") or node.get("original_file_path")
            results[uid] = {"status": "error", "error": f"{describe(exc)} (compiled SQL: {where})"}
            failed.add(uid)
            return
        results[uid] = {"status": "pass", "columns": [c for c, _ in columns],
                        "schema": flat_schema(columns)}
        if register:
            catalog.add(node["database"], node["schema"], node.get("alias") or node["name"], columns)

    models = [uid for uid in dag_order(nodes) if nodes[uid]["resource_type"] == "model"]
    for uid in models:
        materialized = nodes[uid]["config"].get("materialized")
        if materialized == "ephemeral":
            continue  # inlined into its children as a CTE: checked there
        if materialized not in CHECKED_MATERIALIZATIONS:
            results[uid] = {"status": "skipped", "error": f"materialization {materialized} not checked"}
            continue
        check(uid, register=True)
    if args.tests:
        for uid in sorted(u for u, n in nodes.items() if n["resource_type"] == "test"):
            check(uid, register=False)

    known = set()
    if args.known_invalid and args.known_invalid.exists():
        import yaml

        names = {entry["model"] for entry in yaml.safe_load(args.known_invalid.read_text()) or []}
        known = {uid for uid, n in nodes.items() if n["resource_type"] in ("model", "test") and n["name"] in names}
    tolerated = set(known)
    for uid in list(results):  # what fails only because a known-invalid model is upstream
        if results[uid]["status"] == "skipped" and uid not in tolerated and all(
            p in tolerated for p in nodes[uid]["depends_on"].get("nodes", []) if p in failed
        ) and results[uid]["error"].startswith("upstream"):
            tolerated.add(uid)
    for uid, result in results.items():
        if uid in known and result["status"] == "pass":
            print(f"zetasql: NOW VALID {uid}: remove it from {args.known_invalid}")
        elif result["status"] != "pass":
            label = "KNOWN INVALID" if uid in known else ("NOT CHECKED" if uid in tolerated else result["status"].upper())
            print(f"zetasql: {label} {uid}: {result['error']}")
    for uid in tolerated:
        if results[uid]["status"] != "pass":
            results[uid]["status"] = "tolerated"
    counts = {s: sum(r["status"] == s for r in results.values()) for s in ("pass", "error", "skipped", "tolerated")}
    print(f"zetasql: {counts['pass']} passed, {counts['error']} failed, {counts['skipped']} skipped, "
          f"{counts['tolerated']} known invalid or downstream of one "
          f"({sum(1 for u in results if u.startswith('model.'))} models"
          f"{', ' + str(sum(1 for u in results if u.startswith('test.'))) + ' tests' if args.tests else ''})"
          f" in {time.monotonic() - started:.0f} s")
    if args.report:
        args.report.write_text(json.dumps(results, indent=1))
    return 1 if counts["error"] or any(r["status"] == "skipped" and r["error"].startswith("upstream")
                                       for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
