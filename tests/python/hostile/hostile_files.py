"""Hostile files built in code: ZIP bombs, workbooks with far-out cells, odd CSV bytes.

The bombs are built by streaming zeros through the compressor, so a test that proves a
gigabyte bound never holds the gigabyte.
"""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number(ref: str, value: str) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def raw_xlsx(rows: list[tuple[int, list[str]]], dimension: str | None = None, padding: int = 0) -> bytes:
    """A minimal xlsx whose one sheet ('data') holds the given cell XML, row by row;
    ``padding`` bytes of blanks inside the sheet XML make its part inflate that much more."""
    body = "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in rows)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    head = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'{dim}<sheetData>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            _blanks(sheet, padding)
            sheet.write(f"{body}</sheetData></worksheet>".encode())
    return buffer.getvalue()


def _blanks(stream, count: int, fill: bytes = b" ") -> None:
    block = fill * (1 << 20)
    while count > 0:
        stream.write(block[: min(count, len(block))])
        count -= len(block)


def zip_bomb(name: str, inflated_bytes: int, head: bytes = b"patient,age\n") -> bytes:
    """A ZIP whose one member is ``head`` then zeros, ``inflated_bytes`` in all, written in
    blocks (about 1 KB of ZIP per MB inflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(head)
            _blanks(member, inflated_bytes - len(head), b"0")
    return buffer.getvalue()


def understating_zip(name: str, data: bytes, declared: int) -> bytes:
    """A ZIP whose headers say the member is ``declared`` bytes long (less than it is)."""
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    raw = bytearray(good.getvalue())
    actual = len(data).to_bytes(4, "little")
    lie = declared.to_bytes(4, "little")
    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    raw[local + 22: local + 26] = lie  # local header: uncompressed size
    assert raw[central + 24: central + 28] == actual
    raw[central + 24: central + 28] = lie  # central directory: uncompressed size
    return bytes(raw)
