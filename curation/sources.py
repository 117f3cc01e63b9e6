"""Opening a batch's chain of files: the downloaded file, ZIPs inside ZIPs, the data member."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from zlib import error as zlib_error
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from curation import limits
from curation.errors import CurationError, Reason, Where


@dataclass(frozen=True)
class OpenedSource:
    """A batch's data file and where it came from. ``data``: its bytes (None when opened
    ``by_path``); ``path``: the data file on disk when it is the downloaded file itself (not a
    member of an archive), for a reader that opens the file itself rather than taking a copy
    of its bytes (``curation.readers.workbook``); ``version``: what the file's ``stat`` said
    when its md5 was taken (only with ``path``), for ``check_unchanged``."""

    data: bytes | None
    chain: tuple[str, ...]
    downloaded_md5: str
    path: Path | None = None
    version: tuple[int, ...] | None = None

    def check_unchanged(self, where: Where) -> None:
        """Raise unless the file on disk is still the one whose md5 was taken: a reader that
        opens the path reads it again, and the md5 kept as provenance must be of what it read."""
        if self.version is not None and _version(self.path) != self.version:
            raise CurationError(Reason.UNREADABLE, f"{self.path.name!r} changed while it was being read "
                                "(another program is writing it?): run again once it is complete", where)


def _version(path: Path) -> tuple[int, ...]:
    """What tells one content of a file from another without reading it: size, modification
    and change times, inode and device."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev


def _streamed_md5(path: Path) -> str:
    """The file's md5, read in blocks (never the whole file in memory)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "md5").hexdigest()


@lru_cache(maxsize=64)
def file_md5(path: Path) -> str:
    return _streamed_md5(path)


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


def open_chain(root: Path, chain: list[str], where: Where, *, by_path: bool = False) -> OpenedSource:
    """Follow the chain from the downloaded file under ``root`` down to the data file.

    ``by_path``: a downloaded file that is itself the data file is not read into memory (its
    reader opens the path; the md5 is streamed): ``data`` is None, and the caller checks
    ``check_unchanged`` once its reader is done."""
    downloaded = root / chain[0]
    if not downloaded.is_file():
        raise CurationError(Reason.FILE_MISSING, f"downloaded file not found: {downloaded}", where)
    if by_path and len(chain) == 1:
        version = _version(downloaded)
        downloaded_md5 = _streamed_md5(downloaded)  # not file_md5: its cache would not see a changed file
        _check_container(downloaded, where)
        return OpenedSource(data=None, chain=tuple(chain), downloaded_md5=downloaded_md5, path=downloaded,
                            version=version)
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


def _check_container(data: bytes | Path, where: Where) -> None:
    """A data file (its bytes, or its path) that is itself a ZIP (xlsx, xlsm, xlsb, docx): its
    parts within the limits before a reader inflates them (a shared-strings bomb is read when a
    workbook opens)."""
    if isinstance(data, Path):
        with data.open("rb") as handle:
            magic = handle.read(4)
    else:
        magic = data[:4]
    if magic != b"PK\x03\x04":
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except zipfile.BadZipFile:
        return  # not a readable ZIP: the reader says what is wrong
    with archive:
        check_archive(archive, where)
