"""`dbt compile` (or any dbt command) for a BigQuery target with no network and no credentials.

    python -m bigquery_check.dbt_offline CATALOG_OUT -- compile --target bigquery ...

1. `dbt parse` with the given arguments (works offline), then the offline catalog of every
   seed and source (bigquery_check.offline_catalog) is written to CATALOG_OUT;
2. the dbt command runs in this process on the parsed manifest, with the adapter calls
   that would reach BigQuery answered locally (bigquery_check.patch_dbt_bigquery):
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

from bigquery_check import offline_catalog

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

    from bigquery_check import patch_dbt_bigquery

    patch_dbt_bigquery.answer_offline(tables)
    result = dbtRunner(manifest=manifest).invoke(command)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
