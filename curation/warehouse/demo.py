"""The end of ``make demo``: what the release holds, where the database is, and an example query.

The last lines say how many collections, tables, rows and patients were built, counted in the
database itself (every clinical table listed in ``table_metadata``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys

import duckdb
from rich.console import Console
from rich.table import Table

EXAMPLE = """\
select collection_id, count(*) as tables, sum(number_batches) as batches
from idc_v{v}_clinical.table_metadata
group by collection_id
order by tables desc, collection_id
limit 10"""


def release_counts(con: duckdb.DuckDBPyConnection, version: int) -> dict[str, int]:
    """Collections, tables, rows and distinct patients (per collection) of the built release."""
    schema = f"idc_v{version}_clinical"
    tables = con.execute(f"select table_name, collection_id from {schema}.table_metadata order by 1").fetchall()
    if not tables:
        return {"collections": 0, "tables": 0, "rows": 0, "patients": 0}
    union = " union all ".join(
        f"select '{collection}' as collection_id, dicom_patient_id, 1 as n from {schema}.\"{name}\""
        for name, collection in tables)
    rows, patients = con.execute(
        f"select count(*), count(distinct (collection_id, dicom_patient_id)) from ({union})").fetchone()
    return {"collections": len({c for _, c in tables}), "tables": len(tables), "rows": rows,
            "patients": patients}


def _shown_path(path: str) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative


def query_command(database: str, sql: str, python: str = sys.executable) -> str:
    """A shell command that runs ``sql`` on ``database`` and prints the result, with only what
    the project installs (the duckdb Python package; no duckdb CLI needed)."""
    one_line = " ".join(sql.split())
    code = (f"import duckdb; duckdb.connect({json.dumps(_shown_path(database))}, read_only=True)"
            f".sql({json.dumps(one_line)}).show(max_width=120)")
    return f"{shlex.quote(_shown_path(python))} -c {shlex.quote(code)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--idc-version", type=int, default=22)
    args = parser.parse_args()
    console = Console()
    sql = EXAMPLE.format(v=args.idc_version)
    with duckdb.connect(args.database, read_only=True) as con:
        result = con.sql(sql)
        columns, rows = result.columns, result.fetchall()
        counts = release_counts(con, args.idc_version)
    console.print(f"Example query:\n{sql};", highlight=False)
    table = Table()
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    console.print(table)
    console.print(f"DuckDB database: [bold]{args.database}[/bold] (schema idc_v{args.idc_version}_clinical)")
    console.print("Run a query yourself (the duckdb Python package; no duckdb CLI needed):")
    console.print(query_command(args.database, sql), highlight=False, soft_wrap=True, markup=False)
    console.print(f"Built {counts['collections']} collections, {counts['tables']} tables, "
                  f"{counts['rows']:,} rows, {counts['patients']:,} patients.")


if __name__ == "__main__":
    main()
