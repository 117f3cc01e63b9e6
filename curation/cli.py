"""The ``curate`` command: a thin layer over ``curation.pipeline``."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from curation.errors import CurationError, Reason
from curation.metadata import Release
from curation.patient_check import curate_summary
from curation.pipeline import STAGES, run
from curation.recipe import load_recipes
from curation.release_diff import diff_releases
from curation.releases import RELEASES_FILE, load_previous
from curation.releases import release_datetime as release_datetime_of
from curation.summary_view import summary

app = typer.Typer(add_completion=False, help="Curate clinical source files into dbt seeds.")
console = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)


def _summary_width() -> int | None:
    """The summary's width: the terminal's; piped, $COLUMNS or 80 (the messages above keep the
    wide console, so a long path in an error is not folded in a log)."""
    if console.is_terminal:
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else 80


def _recipe_paths(recipes: Path) -> list[Path]:
    if recipes.is_dir():
        return sorted(recipes.glob("*.yaml")) + sorted(recipes.glob("*.yml"))
    return [recipes]


def _release(idc_version: int, when: str | None, previous: Path | None, first: bool) -> Release:
    if previous is not None and first:
        raise CurationError(Reason.PREVIOUS_RELEASE, "give --previous or --first-release, not both")
    if previous is None and not first:
        raise CurationError(
            Reason.PREVIOUS_RELEASE,
            "no previous table_metadata: give --previous <file> (the last release's "
            "raw_table_metadata.csv) or --first-release",
        )
    return Release(idc_version, when, load_previous(previous) if previous else {})


def _progress() -> Progress:
    # Drawn only on a terminal: in a log or a pipe a bar is noise before the summary.
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, disable=not console.is_terminal)


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    recipes: Path = typer.Option(Path("recipes"), help="a recipe file, or a folder of them"),
    sources: Path = typer.Option(Path("data/sources"), help="root folder of the downloaded files"),
    out: Path = typer.Option(Path("seeds/curated"), help="folder the seeds are written to"),
    idc_version: int = typer.Option(22, help="the IDC release being curated"),
    release_datetime: str = typer.Option(
        None, help="the release's datetime (ISO), recorded for tables added or updated in it "
                   "(default: the release's entry in --releases)"),
    releases: Path = typer.Option(
        None, help="the release config: each release's datetime (default: releases.yml beside "
                   "the recipes folder)"),
    previous: Path = typer.Option(
        None, help="the previous release's table_metadata (raw_table_metadata.csv, or a JSON export)"),
    first_release: bool = typer.Option(
        False, "--first-release", help="there is no previous release: every table is new"),
    strict: bool = typer.Option(False, help="fail on any warning"),
    quality_gate: bool = typer.Option(
        True, "--quality-gate/--no-quality-gate", help="check every table against its column_metadata before writing"),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="every warning in full, the unmatched patient ids with their "
                                       "closest index ids, and the libraries' own messages"),
) -> None:
    """Curate every recipe and write the clinical seeds plus table_metadata and column_metadata."""
    if ctx.invoked_subcommand is not None:
        return
    paths = _recipe_paths(recipes)
    if releases is None:  # beside the recipes folder, wherever curate runs from
        releases = (recipes if recipes.is_dir() else recipes.parent).parent / RELEASES_FILE
    if not paths:
        console.print(f"[red]no recipes found in {recipes}[/red]")
        raise typer.Exit(2)
    with warnings.catch_warnings(record=not verbose) as caught:
        if not verbose:
            warnings.simplefilter("always")
        try:
            when = release_datetime_of(idc_version, release_datetime, releases)
            release = _release(idc_version, when, previous, first_release)
            tables = sum(len(r.recipe.tables) for r in load_recipes(paths, sources, idc_version))
            with _progress() as progress:
                task = progress.add_task("curating", total=tables * (len(STAGES) + 1))

                def step(stage: str, name: str) -> None:
                    progress.update(task, description=f"{stage}: {name}", advance=1)

                report = run(paths, sources, out, release, strict, step, quality_gate)
                checked = curate_summary(out, idc_version, verbose,
                                         on_table=lambda name: step("patient check", name))
                progress.update(task, completed=tables * (len(STAGES) + 1),
                                description=f"curated {len(report.tables)} tables")
        except CurationError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
    console.print(summary(report, verbose), width=_summary_width())
    for line in checked:
        console.print(escape(line), highlight=False)
    if when is None:
        console.print(f"note: no release datetime for IDC v{idc_version}: table datetimes are NULL "
                      f"(give --release-datetime, or add release {idc_version} to {releases})", highlight=False)
    hidden = len(caught or [])
    if hidden:
        console.print(f"{hidden} message(s) of the libraries hidden (--verbose shows them)", highlight=False)
    console.print(f"seeds written to {out}", highlight=False)


@app.command("diff")
def diff(
    old: Path = typer.Argument(..., help="the previous release's curated seed folder"),
    new: Path = typer.Argument(Path("seeds/curated"), help="this release's curated seed folder"),
) -> None:
    """Report tables added/removed/changed, columns added/removed/retyped and row-count changes."""
    try:
        changes = diff_releases(old, new)
    except CurationError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    table = RichTable(title=f"Changes from {old} to {new}")
    for header in ("table", "change", "column", "old", "new"):
        table.add_column(header)
    for c in changes:
        table.add_row(c.table, c.kind, c.column, c.old, c.new)
    Console(width=console.width).print(table if changes else "no changes")


@app.command("import-idc")
def import_idc_command(
    notes: Path = typer.Argument(..., help="IDC's recipes: clinical_notes.json of ImagingDataCommons/etl_flow"),
    collection: list[str] = typer.Option(None, "--collection", help="only this collection (repeatable)"),
    out: Path = typer.Option(Path("recipes"), help="folder the recipes are written to"),
    sources: Path = typer.Option(Path("data/sources"), help="root folder of the downloaded files"),
) -> None:
    """Turn IDC's recipe entries into our recipes (one YAML per collection)."""
    from curation.idc_import import import_idc, write_recipes
    from curation.index_path import series_index

    index = series_index()
    if index is None:
        console.print("no IDC series index (pip install idc-index-data, or set IDC_INDEX_PARQUET): "
                      "patient ids are not checked")
    try:
        recipes, skipped = import_idc(notes, sources, collection or None, index.path if index else None)
    except CurationError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    write_recipes({f"{r.collection_id}.yaml": r.render(notes.name) for r in recipes}, out)
    tables = sum(len(r.recipe.get("tables", [])) + len(r.recipe.get("forms", {}).get("codes", []))
                 for r in recipes)
    console.print(f"{len(recipes)} recipes ({tables} tables) written to {out}")
    for line in skipped:
        console.print(f"  not imported: {escape(line)}")


@app.command("dicom")
def dicom(
    folder: Path = typer.Argument(..., help="folder of DICOM files (read recursively)"),
    out: Path = typer.Option(Path("build/dicom"), help="folder the Parquet files are written to"),
    auxiliary: Path | None = typer.Option(
        None, help="auxiliary-metadata Parquet (e.g. rows of IDC's auxiliary_metadata) whose "
                   "values dicom_all uses, matched by SOPInstanceUID"),
) -> None:
    """Export DICOM metadata to Parquet shaped like IDC's dicom_metadata, plus its manifest."""
    from curation.dicom.metadata_export import export_folder

    try:
        result = export_folder(folder, out, auxiliary=auxiliary)
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"{result.files} DICOM files, {result.columns} columns: {result.metadata_path}, "
                  f"{result.manifest_path}")


if __name__ == "__main__":  # pragma: no cover
    app()
