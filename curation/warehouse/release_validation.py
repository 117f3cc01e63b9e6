"""One Great Expectations validation of the whole built release, with its data docs.

    python -m curation.warehouse.release_validation [--database build/idc.duckdb]
        [--idc-version 22] [--seeds seeds/curated] [--docs build/data_docs]

The release is looked at three times. Before any seed is written, the quality gate
(``curation.quality_gate``) checks each curated table with Arrow kernels (no per-table fixed
cost); dbt's data tests check the loaded seeds. This is the third look, the one where Great
Expectations earns its place: once, over the published ``idc_v<N>_clinical`` tables in the
warehouse analysts query, with one suite per clinical table validated in one context, and the
HTML data docs a publisher can hand over with the release.

Each suite is made from the release's own contract, the clinical seed properties ``curate``
wrote (``curation.dbt_contract``): the table has rows; its columns are the documented ones, in
order; the columns the curator adds are never null; each column holds the type it declares;
a dictionary-coded column's values are its codes, compared as dbt's test compares them (as
text: a code that an INTEGER, FLOAT, BOOLEAN or DATE value cannot print as can never match).
A closed dictionary, like the table's shape and types, is critical; values outside an open
dictionary are warnings, as in dbt. Exit status 1 when a critical expectation fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import yaml
from rich.console import Console
from rich.progress import track

from curation.column_types import ColumnType
from curation.dbt_contract import (CLINICAL_SEEDS_YAML, META_DICTIONARY_CLOSED, META_DICTIONARY_CODES,
                                   NOT_NULL)

# How each declared type reaches pandas from DuckDB (what GE's type check compares): the
# names GE resolves to those dtypes. STRING columns are handed over as Python objects, which GE
# checks value by value.
PANDAS_TYPES: dict[str, list[str]] = {
    ColumnType.STRING.value: ["str"],
    ColumnType.INTEGER.value: ["Int64Dtype", "int64"],
    ColumnType.FLOAT.value: ["float64"],
    ColumnType.BOOLEAN.value: ["BooleanDtype", "bool"],
    ColumnType.DATE.value: ["datetime64[us]", "datetime64[ms]", "datetime64[s]", "datetime64[ns]"],
}
_CANONICAL_INT = re.compile(r"-?(0|[1-9][0-9]*)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
console = Console(stderr=True)


@dataclass(frozen=True)
class Outcome:
    """One expectation that did not hold."""

    table: str
    expectation: str
    column: str | None
    critical: bool
    detail: str

    def __str__(self) -> str:
        column = f" column {self.column!r}" if self.column else ""
        return f"{'error' if self.critical else 'warning'}: {self.table}:{column} {self.expectation} ({self.detail})"


def _code_value(code: str, data_type: str):
    """The value a column of ``data_type`` holds when its text is ``code``; None when no value
    of that type prints as ``code``."""
    if data_type == ColumnType.INTEGER.value:
        return int(code) if _CANONICAL_INT.fullmatch(code) else None
    if data_type == ColumnType.FLOAT.value:
        try:
            number = float(code)
        except ValueError:
            return None
        return number if math.isfinite(number) and repr(number) == code else None
    if data_type == ColumnType.BOOLEAN.value:
        return {"true": True, "false": False}.get(code)
    if data_type == ColumnType.DATE.value:
        if not _ISO_DATE.fullmatch(code):
            return None
        try:
            return pd.Timestamp(dt.date.fromisoformat(code))
        except ValueError:
            return None
    return code


def suite_for(seed: dict):
    """The expectations of one clinical table, from its seed properties."""
    import great_expectations as gx

    columns = seed.get("columns", [])
    names = [c["name"] for c in columns]
    found = [gx.expectations.ExpectTableRowCountToBeBetween(min_value=1),
             gx.expectations.ExpectTableColumnsToMatchOrderedList(column_list=names)]
    for column in columns:
        name, data_type = column["name"], column["data_type"]
        if name in NOT_NULL:
            found.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=name))
        found.append(gx.expectations.ExpectColumnValuesToBeInTypeList(column=name, type_list=PANDAS_TYPES[data_type]))
        meta = (column.get("config") or {}).get("meta") or {}
        codes = meta.get(META_DICTIONARY_CODES)
        if codes:
            texts = [str(c) for c in codes]  # a value loaded as text matches its code, as in dbt
            values = texts + [v for v in (_code_value(c, data_type) for c in texts) if v is not None
                              and not isinstance(v, str)]
            found.append(gx.expectations.ExpectColumnValuesToBeInSet(
                column=name, value_set=values,
                severity="critical" if meta.get(META_DICTIONARY_CLOSED) else "warning"))
    suite = gx.ExpectationSuite(name=seed["name"])
    for expectation in found:
        suite.add_expectation(expectation)
    return suite


def clinical_seeds(seeds: Path) -> list[dict]:
    """The clinical seed properties ``curate`` wrote, in name order."""
    document = yaml.safe_load((seeds / CLINICAL_SEEDS_YAML).read_text(encoding="utf-8")) or {}
    return sorted(document.get("seeds", []), key=lambda s: s["name"])


def published_frame(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pd.DataFrame:
    """A published table as GE's pandas engine sees it: text columns as Python objects."""
    frame = con.execute(f'select * from {schema}."{table}"').df()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.StringDtype):
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def _detail(result) -> str:
    if result.exception_info and result.exception_info.get("raised_exception"):
        return result.exception_info.get("exception_message") or "raised an exception"
    r = result.result or {}
    if "unexpected_count" in r and r.get("unexpected_count") is not None:
        sample = [v.item() if hasattr(v, "item") else v for v in (r.get("partial_unexpected_list") or [])[:5]]
        return f"{r['unexpected_count']} unexpected value(s), e.g. {sample!r}"
    return f"observed {r.get('observed_value')!r}"


def validate(database: Path, idc_version: int, seeds: Path, docs: Path | None) -> tuple[int, list[Outcome]]:
    """Validate every published clinical table against its suite (one validation definition
    per table, in one context); write the data docs to ``docs``. Returns the number of
    expectations evaluated and those that did not hold."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    schema = f"idc_v{idc_version}_clinical"
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # ours counts tables
    if docs is not None:
        context.add_data_docs_site(site_name="release", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    asset = context.data_sources.add_pandas(schema).add_dataframe_asset("clinical_tables")
    batch_definition = asset.add_batch_definition_whole_dataframe("whole_table")
    evaluated, failed, counted = 0, [], {}
    con = duckdb.connect(str(database), read_only=True)
    try:
        for seed in track(clinical_seeds(seeds), description="validating", console=console,
                          disable=not console.is_terminal, transient=True):
            suite = context.suites.add(suite_for(seed))
            frame = published_frame(con, schema, seed["name"])
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=seed["name"], data=batch_definition, suite=suite))
            run = definition.run(batch_parameters={"dataframe": frame})  # kept for the data docs
            counted[seed["name"]] = len(run.results)
            for result in run.results:
                evaluated += 1
                if not result.success:
                    config = result.expectation_config
                    failed.append(Outcome(seed["name"], config.type, config.kwargs.get("column"),
                                          str(config.severity.value if hasattr(config.severity, "value")
                                              else config.severity) == "critical", _detail(result)))
    finally:
        con.close()
    if docs is not None:
        context.build_data_docs(site_names=["release"])
        write_offline_index(docs, counted, failed)
    return evaluated, failed


def write_offline_index(docs: Path, counted: dict[str, int], failed: list[Outcome]) -> None:
    """``tables.html`` beside GE's index: every table's counts and a link to its validation
    page, in plain HTML. GE's own index lists its pages with scripts loaded from CDNs, so
    without a network it shows none; the pages themselves read without them."""
    rows = []
    for table, n in counted.items():
        pages = sorted((docs / "validations" / table).rglob("*.html"))
        errors = sum(o.critical for o in failed if o.table == table)
        warnings = sum(not o.critical for o in failed if o.table == table)
        name = html.escape(table)
        link = f'<a href="{html.escape(pages[-1].relative_to(docs).as_posix())}">{name}</a>' if pages else name
        rows.append(f"<tr><td>{link}</td><td>{n}</td><td>{errors}</td><td>{warnings}</td></tr>")
    (docs / "tables.html").write_text(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Release validation</title></head><body>\n"
        f"<h1>Release validation: {len(counted)} tables</h1>\n"
        "<table border=\"1\"><tr><th>table</th><th>expectations</th><th>failed</th><th>warnings</th></tr>\n"
        + "\n".join(rows) + "\n</table></body></html>\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, default=Path("build/idc.duckdb"))
    parser.add_argument("--idc-version", type=int, default=22)
    parser.add_argument("--seeds", type=Path, default=Path("seeds/curated"))
    parser.add_argument("--docs", type=Path, default=Path("build/data_docs"))
    parser.add_argument("--verbose", action="store_true", help="list every warning, not only their number")
    args = parser.parse_args(argv)
    evaluated, failed = validate(args.database, args.idc_version, args.seeds, args.docs)
    errors = sum(o.critical for o in failed)
    warned = [o for o in failed if not o.critical]
    for outcome in failed if args.verbose else [o for o in failed if o.critical]:
        print(outcome, file=sys.stderr)
    print(f"release validation: {evaluated:,} expectations, {errors} failed, {len(warned)} warning(s)")
    if warned and not args.verbose:
        tables = len({o.table for o in warned})
        print(f"  the warnings: values outside open dictionaries in {tables} table(s) (--verbose lists each)")
    print(f"data docs: {args.docs / 'index.html'}")
    print(f"  without a network: {args.docs / 'tables.html'} (GE's index loads scripts from CDNs)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
