"""Running the curator on inputs built in code: table by table in process (``curate``), the
whole pipeline in process (``curate_in_process``), the ``curate`` command through typer's
CliRunner (``invoke_curate``) or as a user runs it, in a subprocess (``start_curate``).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import typer.main
from typer.testing import CliRunner

from curation.cli import app
from curation.metadata import Release
from curation.pipeline import run
from curation.recipe import load_recipes
from curation.report import TableReport
from curation.seed_writer import render_csv
from curation.table_builder import CuratedTable, build_table
from helpers import IDC_VERSION, REPO


def recipe_files(recipes: Path) -> list[Path]:
    if recipes.is_dir():
        return sorted(recipes.glob("*.yaml")) + sorted(recipes.glob("*.yml"))
    return [recipes]


def curate_in_process(recipes: Path, sources: Path, out: Path, **release):
    """Run the pipeline (as the CLI does: the release's date from the releases.yml beside the
    recipes folder, unless given) and return its RunReport."""
    from curation.releases import RELEASES_FILE, release_datetime

    if "datetime" not in release:
        folder = recipes if recipes.is_dir() else recipes.parent
        release["datetime"] = release_datetime(IDC_VERSION, None, folder.parent / RELEASES_FILE)
    return run(recipe_files(recipes), sources, out, Release(IDC_VERSION, **release))


def _cli_options() -> set[str]:
    command = typer.main.get_command(app)
    return {opt for param in command.params for opt in param.opts}


def release_args() -> list[str]:
    """Options that say 'no previous release' when the CLI has (and requires) them."""
    return ["--first-release"] if "--first-release" in _cli_options() else []


def invoke_curate(recipes: Path, sources: Path, out: Path, *extra: str):
    """Run the ``curate`` command through typer's CliRunner; returns the click Result."""
    args = ["--recipes", str(recipes), "--sources", str(sources), "--out", str(out),
            "--idc-version", str(IDC_VERSION), *release_args(), *extra]
    return CliRunner().invoke(app, args)


def flat(text: str) -> str:
    """Output text with all whitespace removed, so that terminal wrapping does not matter."""
    return re.sub(r"\s+", "", text)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_curate(cwd: Path, *args: str, hash_seed: str) -> subprocess.Popen:
    """Start the ``curate`` command (with the 'no previous release' option when it needs one)."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "COLUMNS": "200", "GX_ANALYTICS_ENABLED": "False"}
    return subprocess.Popen([str(Path(sys.executable).parent / "curate"), *args, *release_args()],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> None:
    _, stderr = process.communicate()
    assert process.returncode == 0, stderr[-3000:]


def curate_repo(hash_seed: str = "1") -> dict[str, bytes]:
    """Run ``curate`` as a user would, from the repository root with default paths (seeds land
    in the repository's seeds/curated, where dbt reads them); return what it wrote."""
    finish(start_curate(REPO, hash_seed=hash_seed))
    return snapshot(REPO / "seeds" / "curated")


@dataclass
class Curated:
    """One curated table, as the seed CSV text and the column types."""

    table: CuratedTable

    @property
    def csv(self) -> str:
        return render_csv(self.table.frame).decode("utf-8")

    @property
    def types(self) -> dict[str, str]:
        return {c.name: c.sql_type for c in self.table.columns}

    @property
    def report(self) -> TableReport:
        return self.table.report

    def column(self, name: str):
        return next(c for c in self.table.columns if c.name == name)

    def frame(self) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(self.csv), dtype=str, keep_default_na=False)


def lay_out(root: Path, recipe: str, files: dict[str, bytes], collection: str = "demo") -> tuple[Path, Path]:
    """Write the recipe and the downloaded files; return (recipe path, sources root)."""
    sources = root / "sources"
    (sources / collection).mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = sources / collection / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    recipe_path = root / "recipes" / f"{collection}.yaml"
    recipe_path.parent.mkdir(parents=True, exist_ok=True)
    recipe_path.write_text(textwrap.dedent(recipe).lstrip(), encoding="utf-8")
    return recipe_path, sources


def curate(root: Path, recipe: str, files: dict[str, bytes]) -> list[Curated]:
    """Curate every table of the recipe (nothing written)."""
    recipe_path, sources = lay_out(root, recipe, files)
    (loaded,) = load_recipes([recipe_path], sources)
    return [Curated(build_table(loaded, table)) for table in loaded.recipe.tables]


def expected(text: str) -> str:
    """An expected seed CSV written indented in a test."""
    return textwrap.dedent(text).lstrip()
