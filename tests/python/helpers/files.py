"""Source files generated in code: every builder returns bytes (or writes them), so a test lays
out exactly the files a recipe names: xlsx through openpyxl (merged cells included), legacy xls
through xlwt, xlsb written record by record, nested ZIPs through zipfile, a password-protected
xlsx through msoffcrypto-tool, CSV text.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import textwrap
import zipfile
from pathlib import Path

import openpyxl

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


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with one sheet per entry, rows written as given (None = empty cell)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx(sheets))
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zipped(members))
    return path


def csv_text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_recipe(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path
