"""Opening a batch's chain of files: the downloaded file, ZIPs inside ZIPs, the data member."""

from __future__ import annotations

import hashlib
import io
import zipfile
from zlib import error as zlib_error
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from curation import limits
from curation.errors import CurationError, Reason, Where


@dataclass(frozen=True)
class OpenedSource:
    """The bytes of a batch's data file and where they came from; ``path``: the data file on
    disk when it is the downloaded file itself (not a member of an archive), for a reader that
    opens the file itself rather than taking a copy of its bytes (``curation.readers.workbook``)."""

    data: bytes
    chain: tuple[str, ...]
    downloaded_md5: str
    path: Path | None = None


@lru_cache(maxsize=64)
def file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: Where) -> bytes:
    """A member's bytes, inflated in blocks and stopped as soon as they pass the size limit
    (a header that understates the size does not get past it)."""
    limit = limits.current().max_member_bytes
    parts, total = [], 0
    with archive.open(info) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            total += len(block)
            if total > limit:
                raise CurationError(
                    Reason.TOO_LARGE, f"ZIP member {info.filename!r} inflates past the limit of {limit:,} bytes "
                    "(raise CURATE_MAX_MEMBER_MB if the file is genuine)", where)
            parts.append(block)
    return b"".join(parts)


def check_archive(archive: zipfile.ZipFile, where: Where) -> None:
    """Refuse an archive any of whose members is past the size or ratio limits (from ZipInfo,
    before anything is inflated): used for workbooks, which their readers inflate themselves."""
    for info in archive.infolist():
        limits.check_member_info(info.file_size, info.compress_size, info.filename, where)


def _member(archive: zipfile.ZipFile, name: str, where: Where) -> bytes:
    infos = [i for i in archive.infolist() if i.filename == name]
    if not infos:
        present = [n for n in archive.namelist() if not n.endswith("/")]
        hint = ", ".join(present[:10]) + (" ..." if len(present) > 10 else "")
        raise CurationError(
            Reason.ZIP_MEMBER_MISSING, f"no member {name!r} in the ZIP (it holds: {hint})", where
        )
    if len(infos) > 1:
        raise CurationError(
            Reason.UNREADABLE, f"the ZIP holds {len(infos)} members named {name!r}: which one is meant is "
            "unclear (repack the archive with one)", where)
    info = infos[0]
    limits.check_member_info(info.file_size, info.compress_size, name, where)
    try:
        return _read_bounded(archive, info, where)
    except (RuntimeError, zipfile.BadZipFile, NotImplementedError, EOFError, zlib_error) as exc:
        raise CurationError(Reason.UNREADABLE, f"cannot extract {name!r}: {exc}", where) from exc


def open_chain(root: Path, chain: list[str], where: Where) -> OpenedSource:
    """Follow the chain from the downloaded file under ``root`` down to the data file."""
    downloaded = root / chain[0]
    if not downloaded.is_file():
        raise CurationError(Reason.FILE_MISSING, f"downloaded file not found: {downloaded}", where)
    data = downloaded.read_bytes()
    downloaded_md5 = hashlib.md5(data).hexdigest()  # as ``file_md5``, without reading the file again
    for parent, name in zip(chain[:-1], chain[1:]):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise CurationError(
                Reason.NOT_A_ZIP, f"{parent!r} is not a ZIP file, so it has no member {name!r}", where
            ) from None
        with archive:
            data = _member(archive, name, where.with_(file=name))
    _check_container(data, where.with_(file=chain[-1]))
    return OpenedSource(data=data, chain=tuple(chain), downloaded_md5=downloaded_md5,
                        path=downloaded if len(chain) == 1 else None)


def _check_container(data: bytes, where: Where) -> None:
    """A data file that is itself a ZIP (xlsx, xlsm, xlsb, docx): its parts within the limits
    before a reader inflates them (a shared-strings bomb is read when a workbook opens)."""
    if data[:4] != b"PK\x03\x04":
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # not a readable ZIP: the reader says what is wrong
    with archive:
        check_archive(archive, where)
