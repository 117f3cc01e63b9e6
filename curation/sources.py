"""Opening a batch's chain of files: the downloaded file, ZIPs inside ZIPs, the data member."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from curation.errors import CurationError, Reason, Where


@dataclass(frozen=True)
class OpenedSource:
    """The bytes of a batch's data file and where they came from."""

    data: bytes
    chain: tuple[str, ...]
    downloaded_md5: str


@lru_cache(maxsize=64)
def file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _member(archive: zipfile.ZipFile, name: str, where: Where) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        present = [n for n in archive.namelist() if not n.endswith("/")]
        hint = ", ".join(present[:10]) + (" ..." if len(present) > 10 else "")
        raise CurationError(
            Reason.ZIP_MEMBER_MISSING, f"no member {name!r} in the ZIP (it holds: {hint})", where
        ) from None
    except (RuntimeError, zipfile.BadZipFile, NotImplementedError) as exc:
        raise CurationError(Reason.UNREADABLE, f"cannot extract {name!r}: {exc}", where) from exc


def open_chain(root: Path, chain: list[str], where: Where) -> OpenedSource:
    """Follow the chain from the downloaded file under ``root`` down to the data file."""
    downloaded = root / chain[0]
    if not downloaded.is_file():
        raise CurationError(Reason.FILE_MISSING, f"downloaded file not found: {downloaded}", where)
    data = downloaded.read_bytes()
    for parent, name in zip(chain[:-1], chain[1:]):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise CurationError(
                Reason.NOT_A_ZIP, f"{parent!r} is not a ZIP file, so it has no member {name!r}", where
            ) from None
        with archive:
            data = _member(archive, name, where.with_(file=name))
    return OpenedSource(data=data, chain=tuple(chain), downloaded_md5=file_md5(downloaded))
