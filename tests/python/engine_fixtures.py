"""Source files generated in code for the engine tests, and a runner that curates them.

Every builder returns bytes, so a test lays out exactly the files a recipe names:
xlsx through openpyxl (merged cells included), legacy xls through xlwt, nested ZIPs through
zipfile, a password-protected xlsx through msoffcrypto-tool.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
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


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _record(kind: int, payload: bytes = b"") -> bytes:
    """One BIFF12 record: type (7 bits per byte, at most 2 bytes), size (7 bits per byte), payload."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    return head + _varint(len(payload)) + payload


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb(rows: Rows, sheet: str = "data") -> bytes:
    """A minimal binary workbook (.xlsb, BIFF12 records): strings, numbers and booleans.

    No Python library writes xlsb, so the few records a reader needs are written here:
    workbook.bin (BrtBeginBook, BrtBundleSh) and one sheet (BrtWsDim, BrtRowHdr, BrtCellSt,
    BrtCellReal, BrtCellBool).
    """
    book = (_record(0x83) + _record(0x8F) + _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(sheet))
            + _record(0x90) + _record(0x84))
    width = max(len(r) for r in rows)
    body = _record(0x81) + _record(0x94, struct.pack("<IIII", 0, len(rows) - 1, 0, width - 1)) + _record(0x91)
    for r, row in enumerate(rows):
        body += _record(0x00, struct.pack("<I", r) + bytes(8))
        for c, value in enumerate(row):
            cell = struct.pack("<I", c) + bytes(4)
            if value is None:
                continue
            if isinstance(value, bool):
                body += _record(0x04, cell + bytes([value]))
            elif isinstance(value, (int, float)):
                body += _record(0x05, cell + struct.pack("<d", float(value)))
            else:
                body += _record(0x06, cell + _wide(value))
    body += _record(0x92) + _record(0x82)
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>'
            '</Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types '
             'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
             '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/></Types>')
    return zipped({
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": rels.format(kind="officeDocument", target="xl/workbook.bin").encode(),
        "xl/workbook.bin": book,
        "xl/_rels/workbook.bin.rels": rels.format(kind="worksheet", target="worksheets/sheet1.bin").encode(),
        "xl/worksheets/sheet1.bin": body,
    })


def encrypted_xlsx(password: str = "secret") -> bytes:
    """A real password-protected (encrypted) xlsx."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = xlsx({"data": [["pid", "v"], ["P1", 1]]})
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


def zipped(members: dict[str, str | bytes]) -> bytes:
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
