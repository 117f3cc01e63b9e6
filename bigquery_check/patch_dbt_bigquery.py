"""dbt-bigquery 1.12.1 (with dbt-adapters 1.24.5), answered offline: the adapter's calls that
would reach BigQuery, replaced on its classes for this process (bigquery_check.dbt_offline,
bigquery_check.sqlfluff_bigquery).

* ``BigQueryAdapter.set_relations_cache`` (listing the datasets' relations; inherited from
  dbt-adapters' ``BaseAdapter``) does nothing;
* ``BigQueryAdapter.list_schemas`` answers no datasets (the on-run-end hook then publishes
  nothing);
* ``BigQueryAdapter.get_columns_in_relation`` answers from the offline catalog, with the type
  names BigQuery's API returns (INTEGER, FLOAT, BOOLEAN, RECORD); a relation that is not a seed
  or source gets no columns, with a warning;
* ``BigQueryConnectionManager.execute`` (SQL a macro runs at compile time) runs nothing and
  answers no rows, with a warning naming the SQL.

Written for the pinned releases (pyproject.toml, dev extra); importing this module with other
releases installed stops, since the replaced methods' signatures are theirs.
"""

from __future__ import annotations

from bigquery_check.pinned import require

require("dbt-bigquery", "1.12.1", __name__)
require("dbt-adapters", "1.24.5", __name__)

from curation.column_types import BIGQUERY_TYPES  # noqa: E402

# standard names -> the names BigQuery's API returns (INTEGER, FLOAT, BOOLEAN), the curated types' names
API_TYPE_NAMES = {standard: t.value for t, standard in BIGQUERY_TYPES.items() if standard != t.value}


def _api_field(field: dict) -> dict:
    out = dict(field, type=API_TYPE_NAMES.get(field["type"], field["type"]))
    if field.get("fields"):
        out["fields"] = [_api_field(f) for f in field["fields"]]
    return out


def answer_offline(tables: list[dict]) -> None:
    """Answer the BigQuery adapter's introspection locally, from the offline catalog ``tables``."""
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

    BigQueryAdapter.set_relations_cache = lambda self, *args, **kwargs: None
    BigQueryConnectionManager.execute = execute
    BigQueryAdapter.list_schemas = list_schemas
    BigQueryAdapter.get_columns_in_relation = get_columns_in_relation
