"""BigQuery's limits on tables and columns, checked at curation rather than at publish time.

A release is published to BigQuery as well as DuckDB, so a curated table must be one BigQuery
accepts; these are checked over every curated table before anything is written:

* at most ``MAX_COLUMNS`` (10,000) columns in a table, the two added ones included;
* a column name at most ``MAX_NAME_LENGTH`` (300) characters;
* no column name starting with a prefix BigQuery reserves (``RESERVED_PREFIXES``, in any
  case: ``_PARTITIONTIME``, ``_TABLE_SUFFIX``, ``_FILE_NAME``, ``_ROW_TIMESTAMP`` ...);
* no two columns of a table whose names differ only by case (BigQuery's column names are
  case-insensitive), and no two tables whose names do (DuckDB's are, so dbt would load one
  seed over the other).
"""

from __future__ import annotations

from curation.errors import CurationError, Reason, Where

MAX_COLUMNS = 10_000
MAX_NAME_LENGTH = 300
RESERVED_PREFIXES = ("_TABLE_", "_FILE_", "_PARTITION", "_ROW_TIMESTAMP", "__ROOT__", "_COLIDENTIFIER",
                     "_CHANGE_SEQUENCE_NUMBER", "_CHANGE_TYPE", "_CHANGE_TIMESTAMP")


def _case_clash(names: list[str]) -> tuple[str, str] | None:
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.lower(), name)
        if other != name:
            return other, name
    return None


def check_table(table_name: str, columns: list[str], where: Where) -> None:
    """Stop on the first of a table's columns BigQuery would refuse."""
    where = where.with_(table=table_name)
    if len(columns) > MAX_COLUMNS:
        raise CurationError(
            Reason.BIGQUERY_LIMIT,
            f"the table has {len(columns):,} columns (with dicom_patient_id and source_batch); BigQuery "
            f"allows {MAX_COLUMNS:,}: split it into tables (or pivot it) in the recipe", where)
    for name in columns:
        if len(name) > MAX_NAME_LENGTH:
            raise CurationError(
                Reason.BIGQUERY_LIMIT,
                f"the column name is {len(name)} characters long; BigQuery allows {MAX_NAME_LENGTH}: shorten "
                "the header in the source", where.with_(column=name[:60] + "..."))
        prefix = next((p for p in RESERVED_PREFIXES if name.upper().startswith(p)), None)
        if prefix:
            raise CurationError(
                Reason.BIGQUERY_LIMIT,
                f"the column name {name!r} starts with {prefix}, a prefix BigQuery reserves: rename the "
                "header in the source", where.with_(column=name))
    clash = _case_clash(columns)
    if clash:
        raise CurationError(Reason.BIGQUERY_LIMIT,
                            f"columns {clash[0]!r} and {clash[1]!r} differ only by case, and BigQuery's column "
                            "names do not: rename one", where.with_(column=clash[1]))


def check_tables(tables: list[tuple[str, list[str], str]]) -> None:
    """Every curated table (name, columns, recipe), and table names clashing across them."""
    for table_name, columns, recipe in tables:
        check_table(table_name, columns, Where(recipe=recipe))
    clash = _case_clash([name for name, _, _ in tables])
    if clash:
        recipes = {name: recipe for name, _, recipe in tables}
        raise CurationError(Reason.BIGQUERY_LIMIT,
                            f"tables {clash[0]!r} ({recipes[clash[0]]}) and {clash[1]!r} ({recipes[clash[1]]}) "
                            "differ only by case: dbt and DuckDB would take them for one table; rename one",
                            Where(recipe=recipes[clash[1]], table=clash[1]))
