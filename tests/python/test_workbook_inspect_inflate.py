"""The sheet's XML inflated for the inspection (``_member_blocks``, ISA-L) is what ``zipfile``
gives, block by block, with zipfile's refusals; a sheet that does not inflate is unreadable."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from curation import workbook_inspect as wi
from curation.errors import CurationError, Reason, Where


def _archive(payload: bytes, compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("m.xml", payload)
    return buffer.getvalue()


def _by_zipfile(data: bytes, size: int) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("m.xml") as stream:
        return list(iter(lambda: stream.read(size), b""))


def _by_member_blocks(data: bytes, size: int) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return list(wi._member_blocks(archive, archive.getinfo("m.xml"), size))


def _payload(rng: random.Random, length: int) -> bytes:
    words = [b'<c r="A1" t="s"><v>', b"</v></c>", b"12.5", b"<row>", rng.randbytes(7)]
    return b"".join(rng.choice(words) for _ in range(length))[:length * 3]


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("seed", range(6))
def test_blocks_are_zipfiles_blocks(compression, seed):
    rng = random.Random(seed)
    payload = _payload(rng, rng.choice([0, 1, 50, 5000, 3 * wi._INPUT // 10]))
    data = _archive(payload, compression)
    for size in (1, 7, 4096, 1 << 20, len(payload) or 1):
        if len(payload) // size > 20_000:
            continue  # bytes one at a time: slow, and the small payloads cover it
        assert _by_member_blocks(data, size) == _by_zipfile(data, size)


def _corrupted(offset_from_middle: int) -> bytes:
    data = bytearray(_archive(b'<row r="1"><c r="A1"><v>1</v></c></row>' * 5000, zipfile.ZIP_DEFLATED))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("m.xml")
    start = info.header_offset + 30 + len(info.filename) + int.from_bytes(data[info.header_offset + 28:][:2], "little")
    data[start + info.compress_size // 2 + offset_from_middle] ^= 0x55
    return bytes(data)


@pytest.mark.parametrize("offset", range(0, 40, 3))
def test_a_corrupt_member_is_refused_as_zipfile_refuses_it(offset):
    data = _corrupted(offset)
    with pytest.raises(Exception) as by_zipfile:
        _by_zipfile(data, 4096)
    with pytest.raises(Exception) as ours:
        _by_member_blocks(data, 4096)
    assert type(ours.value) is type(by_zipfile.value) or {type(ours.value), type(by_zipfile.value)} <= {
        wi.zlib.error, wi.isal_zlib.error}  # an invalid stream: each library's own error


def test_a_member_cut_short_is_refused_as_zipfile_refuses_it():
    data = _archive(random.Random(1).randbytes(200_000), zipfile.ZIP_DEFLATED)
    for cut in (2, 3, 5):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("m.xml")
            info.compress_size //= cut  # the compressed bytes end before the end-of-stream marker
            with pytest.raises(zipfile.BadZipFile):
                list(wi._member_blocks(archive, info, 4096))
            with archive.open(info) as stream, pytest.raises(zipfile.BadZipFile):
                stream.read()


def test_no_more_than_the_declared_size_is_inflated():
    data = _archive(b"x" * 100_000, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("m.xml")
        info.file_size = 1000  # understated: zipfile stops there, and the CRC then fails
        with pytest.raises(zipfile.BadZipFile):
            list(wi._member_blocks(archive, info, 1 << 20))
        with archive.open(info) as stream, pytest.raises(zipfile.BadZipFile):
            stream.read()


def test_a_sheet_whose_xml_does_not_inflate_is_unreadable():
    """Before: zipfile's BadZipFile (Bad CRC-32) escaped the inspection as it was, not a CurationError."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "hostile"))
    from hostile_files import inline, raw_xlsx

    book = bytearray(raw_xlsx([(r, [inline(f"A{r}", f"P{r}")]) for r in range(1, 3000)]))
    with zipfile.ZipFile(io.BytesIO(bytes(book))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + int.from_bytes(book[info.header_offset + 28:][:2], "little")
    book[start + info.compress_size // 2] ^= 0x55
    with pytest.raises(CurationError) as caught:
        wi.inspect_sheet(bytes(book), 0, Where(recipe="r.yaml"))
    assert caught.value.reason is Reason.UNREADABLE and "does not inflate" in str(caught.value)
