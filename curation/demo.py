"""The end of ``make demo``: where the database is, and one example query with its result."""

from __future__ import annotations

import argparse

import duckdb
from rich.console import Console
from rich.table import Table

EXAMPLE = """\
select f.clinsig, count(*) as findings, count(distinct f.dicom_patient_id) as patients
from idc_v{v}_clinical.prostatex_findings as f
where f.source_batch = 0
group by f.clinsig
order by f.clinsig"""


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
        tables = con.sql(
            "select count(*) from information_schema.tables where table_schema = ?",
            params=[f"idc_v{args.idc_version}_clinical"],
        ).fetchall()[0][0]
    console.print(f"DuckDB database: [bold]{args.database}[/bold] "
                  f"(schema idc_v{args.idc_version}_clinical, {tables} tables)")
    console.print(f"Example query (duckdb {args.database}):\n{sql};")
    table = Table()
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    console.print(table)


if __name__ == "__main__":
    main()
