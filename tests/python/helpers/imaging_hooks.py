"""What the hooks around an imaging table's build do on DuckDB (macros/imaging/joins_as_written.sql),
seen from inside the dbt process. Run as a script, in its own process (dbt in process keeps global
state):

    python imaging_hooks.py DATABASE TABLE WORK

runs `dbt run --select TABLE` (dbt's environment as helpers.imaging.dbt_env gives it, the
imaging models already built into DATABASE) through dbtRunner and prints, as JSON, the
disabled optimizers while the table's statement runs ("during"), that statement's plan
(EXPLAIN (FORMAT json), "plan") and the disabled optimizers once dbt reports the table built
("after"). A connection of this process's own reads them: DuckDB opens one instance per file
in a process, and `disabled_optimizers` is global to the instance.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

# dbt imports every module named dbt_* on sys.path as a plugin: not this folder's dbt_project.py
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
from dbt.cli.main import dbtRunner  # noqa: E402


def observe(database: Path, table: str, work: Path) -> dict:
    observer = duckdb.connect(str(database))
    seen: dict = {}

    def setting() -> str:
        with observer.cursor() as cursor:
            return cursor.execute("select current_setting('disabled_optimizers')").fetchone()[0]

    def on_event(event) -> None:
        name = event.info.name
        if name == "SQLQuery" and f"{table}__dbt_tmp" in event.data.sql and "create" in event.data.sql:
            seen["during"] = setting()
            with observer.cursor() as cursor:
                seen["plan"] = json.loads(cursor.execute(
                    f"explain (format json) {event.data.sql}").fetchall()[0][1])
        elif name == "LogModelResult" and event.data.node_info.node_name == table:
            seen["after"] = setting()

    result = dbtRunner(callbacks=[on_event]).invoke(
        ["run", "--select", table, "--threads", "1", "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")])
    seen["success"] = result.success
    observer.close()
    return seen


if __name__ == "__main__":
    print(json.dumps(observe(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))))
