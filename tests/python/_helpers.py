"""Helpers for building small inputs in code and running the curator on them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from curation.cli import app
from engine_fixtures import xlsx
from engine_fixtures import zipped as zip_bytes
from curation.metadata import Release
from curation.pipeline import run

REPO = Path(__file__).resolve().parents[2]
IDC_VERSION = 22


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


def write_recipe(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with one sheet per entry, rows written as given (None = empty cell)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx(sheets))
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zip_bytes(members))
    return path


def csv_text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


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
