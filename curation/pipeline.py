"""The whole curation run: recipes -> tables -> seeds and metadata, written at once.

One run at a time per output folder: ``run`` holds ``.<out>.lock`` beside it (curation.run_lock)
from start to finish; a second run stops with a ``busy`` error. Operating-system failures
(read-only file system, disk full, out of memory) become one-line errors saying the earlier
seeds are unchanged (curation.os_errors).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from curation import dbt_contract as contract
from curation.dictionaries.apply import apply_dictionary
from curation.errors import CurationError, Reason, Where
from curation.metadata import (
    COLUMN_METADATA_COLUMNS,
    TABLE_METADATA_COLUMNS,
    Release,
    column_metadata_rows,
    table_metadata_row,
)
from curation import bigquery_limits
from curation import quality_gate as gate
from curation.os_errors import os_error, out_of_memory
from curation.recipe import Recipe, load_recipes
from curation.releases import RELEASE_COLUMNS, release_rows
from curation.report import RunReport
from curation.run_lock import run_lock
from curation.sql_keywords import reserved_word_warning
from curation.seed_writer import (
    clinical_seeds_yaml,
    clinical_tables_model,
    md5_hex,
    metadata_seeds_yaml,
    render_seed,
    write_atomically,
)
from curation.table_builder import CuratedTable, build_table

# The stages of a run, each done once per table; a progress callback hears (stage, table)
# after each (``curate`` adds the patient check to its bar).
STAGES = ("reading and typing", "dictionaries", "quality gate", "writing")
Progress = Callable[[str, str], None]


def curate_tables(recipe_paths: list[Path], sources_root: Path,
                  on_step: Progress | None = None, idc_version: int = 22) -> list[tuple[CuratedTable, Recipe]]:
    """Build every table of every recipe (validated first) for release ``idc_version``; nothing
    is written."""
    loaded = load_recipes(recipe_paths, sources_root, idc_version)
    built, recipe_files = [], []
    step = on_step or (lambda stage, name: None)
    for item in loaded:
        for table in item.recipe.tables:
            name = item.recipe.table_name(table)
            curated = build_table(item, table)
            flagged = reserved_word_warning([c.name for c in curated.columns],
                                            Where(recipe=item.name, table=name))
            if flagged:
                curated.report.warnings.append(flagged)
            step(STAGES[0], name)
            built.append((apply_dictionary(item, table, curated), item.recipe))
            recipe_files.append(item.name)
            step(STAGES[1], name)
    names = [t.table_name for t, _ in built]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise CurationError(Reason.RECIPE_INVALID, f"table names declared twice: {dupes}")
    # the columns' names, without building each table's frame for them
    bigquery_limits.check_tables([(t.table_name, [c.name for c in t.columns], recipe_file)
                                  for (t, _), recipe_file in zip(built, recipe_files)])
    return built


def render_outputs(built: list[tuple[CuratedTable, Recipe]], release: Release,
                   column_rows: dict[str, list[dict]], on_step: Progress | None = None) -> dict[str, bytes]:
    """Every output file's bytes, by path relative to the output folder."""
    files: dict[str, bytes] = {}
    table_rows, all_column_rows = [], []
    built = sorted(built, key=lambda item: item[0].table_name)
    for table, recipe in built:
        seed_name = f"{table.table_name}.csv"
        data = render_seed(table.frame, table.table_name)
        files[contract.clinical_seed(table.table_name)] = data
        table_rows.append(table_metadata_row(table, seed_name, md5_hex(data), release, recipe.source_datetime))
        all_column_rows.extend(column_rows[table.table_name])
        if on_step:
            on_step(STAGES[3], table.table_name)
    files[contract.CLINICAL_SEEDS_YAML] = clinical_seeds_yaml(built)
    files[contract.TABLES_MODEL] = clinical_tables_model(built)
    metadata = {
        contract.TABLE_METADATA_SEED: pd.DataFrame(table_rows, columns=TABLE_METADATA_COLUMNS),
        contract.COLUMN_METADATA_SEED: pd.DataFrame(all_column_rows, columns=COLUMN_METADATA_COLUMNS),
        contract.RELEASE_SEED: pd.DataFrame(release_rows(release.idc_version, release.datetime),
                                            columns=RELEASE_COLUMNS),
    }
    for name, frame in metadata.items():
        files[contract.metadata_seed(name)] = render_seed(frame, name)
    files[contract.METADATA_SEEDS_YAML] = metadata_seeds_yaml()
    return files


def lock_path(out_dir: Path) -> Path:
    """The lock file of the runs that write ``out_dir``."""
    out_dir = Path(os.path.abspath(out_dir))
    return out_dir.with_name(f".{out_dir.name}.lock")


def run(recipe_paths: list[Path], sources_root: Path, out_dir: Path, release: Release,
        strict: bool = False, on_step: Progress | None = None, quality_gate: bool = True) -> RunReport:
    """Curate, check and write; on any error nothing in ``out_dir`` changes. ``on_step`` hears
    (stage, table) after each of ``STAGES`` for each table."""
    what = f"the earlier seeds in {out_dir} are"
    try:
        with run_lock(lock_path(out_dir), what):
            return _run(recipe_paths, sources_root, out_dir, release, strict, on_step, quality_gate)
    except MemoryError:
        raise out_of_memory(what) from None
    except OSError as exc:
        raise os_error(exc, what) from None


def _run(recipe_paths: list[Path], sources_root: Path, out_dir: Path, release: Release,
         strict: bool, on_step: Progress | None, quality_gate: bool) -> RunReport:
    step = on_step or (lambda stage, name: None)
    built = curate_tables(recipe_paths, sources_root, step, release.idc_version)
    report = RunReport(tables=[t.report for t, _ in built])
    if strict and report.warnings:
        first = report.warnings[0]
        raise CurationError(
            Reason.STRICT, f"{len(report.warnings)} warning(s) with --strict; first: {first}", first.where
        )
    unbalanced = [t.table_name for t in report.tables if not t.balanced]
    if unbalanced:  # pragma: no cover - a bug in the curator, never an input problem
        raise CurationError(Reason.UNREADABLE, f"row/column accounts do not balance: {unbalanced}", Where())
    column_rows = {t.table_name: column_metadata_rows(t) for t, _ in built}
    if quality_gate:
        gate.check({t.table_name: t.frame for t, _ in built}, column_rows,
                   on_table=lambda name: step(STAGES[2], name))
    else:
        for t, _ in built:
            step(STAGES[2], t.table_name)
    write_atomically(render_outputs(built, release, column_rows, step), out_dir)
    return report
