"""Source files generated in code for the engine tests, and a runner that curates them.

Every builder returns bytes, so a test lays out exactly the files a recipe names:
xlsx through openpyxl (merged cells included), legacy xls through xlwt, nested ZIPs through
zipfile, a password-protected xlsx through msoffcrypto-tool.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import typer.main
from typer.testing import CliRunner

from curation.cli import app

from curation.recipe import load_recipes
from curation.report import TableReport
from curation.seed_writer import render_csv
from curation.table_builder import CuratedTable, build_table

Rows = list[list]


def xlsx(sheets: dict[str, Rows], merges: dict[str, list[str]] | None = None) -> bytes:
    """A workbook with one sheet per entry (None = empty cell) and optional merged ranges."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls(sheets: dict[str, Rows]) -> bytes:
    """A legacy BIFF8 .xls workbook (dates get a date format, as Excel stores them)."""
    import xlwt

    book = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_xlsx(password: str = "secret") -> bytes:
    """A real password-protected (encrypted) xlsx."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = xlsx({"data": [["pid", "v"], ["P1", 1]]})
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def csv_bytes(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


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


def invoke_curate(recipes: Path, sources: Path, out: Path, *extra: str):
    """Run the ``curate`` command in process; says 'first release' when the CLI asks for it."""
    options = {opt for param in typer.main.get_command(app).params for opt in param.opts}
    first = ["--first-release"] if "--first-release" in options else []
    args = ["--recipes", str(recipes), "--sources", str(sources), "--out", str(out), *first, *extra]
    return CliRunner().invoke(app, args)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
