"""sqlfluff for the BigQuery target, offline: `python -m bigquery_check.sqlfluff_bigquery models`.

sqlfluff's dbt templater compiles the models with dbt in this process. For a BigQuery target
dbt would list the datasets' relations (and a few macros run SQL) over the network, which
hangs here; so the adapter's introspection is answered offline first, as for the offline
`dbt compile` (bigquery_check.patch_dbt_bigquery: set_relations_cache does nothing, SQL run at
compile time gets no rows, columns come from the offline catalog when it exists). Then the
sqlfluff CLI runs with the BigQuery dialect and target (sqlfluff_bigquery.cfg), with the
repository's .sqlfluff rules otherwise. Files of models listed in known_invalid.yml are
linted and their violations printed, but do not fail the run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

KNOWN_INVALID = HERE / "known_invalid.yml"
CATALOG = Path(os.environ.get("BIGQUERY_OFFLINE_CATALOG", "build/bigquery/catalog.json"))


def main(argv: list[str]) -> int:
    os.environ.setdefault("BIGQUERY_METHOD", "oauth-secrets")
    os.environ.setdefault("BIGQUERY_TOKEN", "offline")
    os.environ.setdefault("BIGQUERY_PROJECT", "idc-offline-check")
    tables = json.loads(CATALOG.read_text())["tables"] if CATALOG.exists() else []
    from bigquery_check import patch_dbt_bigquery

    patch_dbt_bigquery.answer_offline(tables)

    from sqlfluff.cli.commands import cli

    paths = argv or ["models"]
    report = Path("build/bigquery/sqlfluff-bigquery.json")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    try:
        cli.main(["lint", "--config", str(HERE / "sqlfluff_bigquery.cfg"), "--format", "json",
                  "--write-output", str(report), "--nofail", *paths], standalone_mode=False)
    except SystemExit as exit_:  # sqlfluff's lint ends with sys.exit
        if exit_.code not in (0, None):
            return int(exit_.code) if isinstance(exit_.code, int) else 1
    if not report.exists():
        print("sqlfluff (bigquery): no report written", file=sys.stderr)
        return 1

    known = {entry["model"] for entry in yaml.safe_load(KNOWN_INVALID.read_text()) or []}
    files = json.loads(report.read_text())
    failed = 0
    for result in files:
        violations = result.get("violations", [])
        name = Path(result["filepath"]).stem
        if name in known and not violations:
            print(f"sqlfluff (bigquery): NOW VALID {result['filepath']}: remove {name} from {KNOWN_INVALID.name}")
        if not violations:
            continue
        label = "KNOWN INVALID" if name in known else "FAIL"
        failed += name not in known
        print(f"== [{result['filepath']}] {label}")
        for v in violations:
            print(f"L:{v.get('start_line_no', '?'):>4} | P:{v.get('start_line_pos', '?'):>4} | {v['code']} | {v['description']}")
    print(f"sqlfluff (bigquery): {len(files)} files linted, {failed} failing"
          f"{f' (and {len(known)} known invalid listed in {KNOWN_INVALID.name})' if known else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
