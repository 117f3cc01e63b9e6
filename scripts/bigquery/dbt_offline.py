"""`dbt compile` (or any dbt command) for a BigQuery target with no network and no credentials.

    python scripts/bigquery/dbt_offline.py CATALOG_OUT -- compile --target bigquery ...

1. `dbt parse` with the given arguments (works offline), then the offline catalog of every
   seed and source (offline_catalog.py) is written to CATALOG_OUT;
2. the dbt command runs in this process on the parsed manifest, with the two adapter calls
   that would reach BigQuery answered locally:
   - `set_relations_cache` (listing the datasets' relations) does nothing;
   - `list_schemas` answers no datasets (the on-run-end hook then publishes nothing);
   - `get_columns_in_relation` answers from the offline catalog, with the type names
     BigQuery's API returns (INTEGER, FLOAT, BOOLEAN, RECORD), so generic tests that
     introspect a seed or source (matches_column_metadata) compile their real branch. A
     relation that is not a seed or source (a model) gets no columns, with a warning;
   - SQL that a macro runs at compile time (e.g. dbt.date_spine asks the warehouse for the
     number of days) is not executed: it gets no rows, with a warning naming it (date_spine
     then compiles a one-row spine: the SQL differs in size, not in types).
The profile must use `method: oauth-secrets` with any token, and the command must not
execute SQL (compile, parse, ls, docs without --catalog).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import offline_catalog  # noqa: E402

from curation.column_types import BIGQUERY_TYPES  # noqa: E402

# standard names -> the names BigQuery's API returns (INTEGER, FLOAT, BOOLEAN), the curated types' names
API_TYPE_NAMES = {standard: t.value for t, standard in BIGQUERY_TYPES.items() if standard != t.value}


def _api_field(field: dict) -> dict:
    out = dict(field, type=API_TYPE_NAMES.get(field["type"], field["type"]))
    if field.get("fields"):
        out["fields"] = [_api_field(f) for f in field["fields"]]
    return out


def patch_adapter(tables: list[dict]) -> None:
    from dbt.adapters.base.impl import BaseAdapter
    from dbt.adapters.bigquery.connections import BigQueryConnectionManager
    from dbt.adapters.bigquery.impl import BigQueryAdapter
    from dbt.adapters.events.logging import AdapterLogger
    from google.cloud.bigquery import SchemaField

    logger = AdapterLogger("offline")
    known = {
        (t["database"].lower(), t["schema"].lower(), t["name"].lower()): t["fields"] for t in tables
    }

    def get_columns_in_relation(self, relation):
        key = tuple((part or "").lower() for part in (relation.database, relation.schema, relation.identifier))
        if key not in known:
            logger.warning(f"offline: no columns known for {relation} (not a seed or source)")
            return []
        return [
            self.Column.create_from_field(SchemaField.from_api_repr(_api_field(f))) for f in known[key]
        ]

    def list_schemas(self, database):
        logger.warning(f"offline: listing the datasets of {database} answers none")
        return []

    def execute(self, sql, auto_begin=False, fetch=None, limit=None):
        from dbt.adapters.bigquery.connections import BigQueryAdapterResponse
        from dbt_common.clients import agate_helper

        first = " ".join(sql.split())[:160]
        logger.warning(f"offline: SQL run at compile time not executed, answered with no rows: {first}")
        return BigQueryAdapterResponse(_message="OFFLINE"), agate_helper.empty_table()

    BaseAdapter.set_relations_cache = lambda self, *args, **kwargs: None
    BigQueryConnectionManager.execute = execute
    BigQueryAdapter.list_schemas = list_schemas
    BigQueryAdapter.get_columns_in_relation = get_columns_in_relation


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    (catalog_out,), command = argv[:split], argv[split + 1:]
    from dbt.cli.main import dbtRunner

    # the arguments that `dbt parse` accepts too: everything but the command and its selectors
    options, skip = [], False
    for arg in command[1:]:
        if skip:
            skip = False
            continue
        if arg in ("--select", "-s", "--exclude", "--selector", "--resource-type"):
            skip = True
            continue
        if arg in ("--no-populate-cache",):
            continue
        options.append(arg)
    parsed = dbtRunner().invoke(["parse", *options])
    if not parsed.success:
        print(f"dbt parse failed: {parsed.exception}", file=sys.stderr)
        return 1
    manifest = parsed.result
    try:
        tables = offline_catalog.build_catalog(manifest.writable_manifest().to_dict())
    except offline_catalog.CatalogError as exc:
        print(f"offline catalog: {exc}", file=sys.stderr)
        return 1
    Path(catalog_out).parent.mkdir(parents=True, exist_ok=True)
    Path(catalog_out).write_text(json.dumps({"tables": tables}, indent=1))
    print(f"offline catalog: {len(tables)} seeds and sources -> {catalog_out}")

    patch_adapter(tables)
    result = dbtRunner(manifest=manifest).invoke(command)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
