"""The schemas of a built DuckDB warehouse, as BigQuery would show them.

DuckDB types are named as BigQuery names them (the names IDC publishes): VARCHAR -> STRING,
BIGINT -> INTEGER, DOUBLE -> FLOAT, STRUCT -> RECORD, and a LIST by its element type (the
published schemas show no modes). The curated types' names come from
``curation.column_types.DUCKDB_TYPES``; the SQL side is
the ``idc_type_name`` dispatch macro (``macros/cross_db/idc_type_name.sql``), which names
the types column_metadata records.
"""

from __future__ import annotations

import duckdb

from curation.column_types import DUCKDB_TYPES, ColumnType
from curation.warehouse.fidelity.published import Column, Schemas

# DuckDB type ids -> BigQuery type names: the curated types' (curation.column_types), then the
# other integer and float widths and the types only imaging and published tables have
SCALARS = {
    **{DUCKDB_TYPES[t].lower(): t.value for t in ColumnType},
    "integer": ColumnType.INTEGER.value, "hugeint": ColumnType.INTEGER.value,
    "smallint": ColumnType.INTEGER.value, "tinyint": ColumnType.INTEGER.value, "float": ColumnType.FLOAT.value,
    "timestamp": "TIMESTAMP", "timestamp with time zone": "TIMESTAMP", "time": "TIME", "decimal": "NUMERIC",
}


def bigquery_type(t: duckdb.DuckDBPyType) -> tuple[str, str, tuple | None]:
    """(type, mode, fields) BigQuery gives a DuckDB type: LIST -> REPEATED, STRUCT -> RECORD
    with (name, type, mode, fields) per field."""
    if t.id == "list":
        inner, mode, fields = bigquery_type(t.child)
        if mode == "REPEATED":
            raise ValueError(f"BigQuery has no list of lists: {t}")
        return inner, "REPEATED", fields
    if t.id == "struct":
        return "RECORD", "NULLABLE", tuple((name, *bigquery_type(child)) for name, child in t.children)
    return SCALARS.get(t.id, t.id.upper()), "NULLABLE", None


def flat_columns(name: str, t: duckdb.DuckDBPyType) -> list[Column]:
    """The column and, for a RECORD, its fields as ``parent.field``, depth first."""
    out: list[Column] = []

    def walk(path: str, type_name: str, fields: tuple | None) -> None:
        out.append(Column(path, type_name))
        for field, field_type, _mode, sub in fields or ():
            walk(f"{path}.{field}", field_type, sub)

    type_name, _mode, fields = bigquery_type(t)
    walk(name, type_name, fields)
    return out


def built_schemas(con: duckdb.DuckDBPyConnection, schema: str) -> Schemas:
    """Table name -> columns and fields in ordinal order, for every table and view of ``schema``."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position", [schema]
    ).fetchall()
    tables: Schemas = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).extend(flat_columns(column, con.type(data_type)))
    return tables
