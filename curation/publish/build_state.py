"""What a build step last ran on, so that ``make build`` skips the steps whose inputs have not
changed (curation.publish.build).

A step's *key* is a content hash of everything it reads (files by path and bytes, plus the
arguments and tool versions that change its output). ``BuildState`` keeps, per step, the key
it last ran with and a hash of what it produced; a step is skipped only when both still hold:
the key is the same and the outputs are still the ones it wrote (nobody changed them since).
The state is one JSON file beside the warehouse, written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

IGNORED_DIRS = {"__pycache__", ".pytest_cache", ".git"}


def tree_digest(paths: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """Hash of the files under ``paths`` (relative names and bytes, in sorted order); a missing
    path hashes as missing. Hidden entries below a root (locks, leftovers) are not inputs;
    ``suffixes`` keeps only files ending so."""
    digest = hashlib.blake2b(digest_size=16)
    for root in paths:
        digest.update(f"\0root {root.name}\0".encode())
        if root.is_file():
            digest.update(root.read_bytes())
            continue
        if not root.is_dir():
            digest.update(b"\0missing\0")
            continue
        files = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.startswith("."))
            files.extend(Path(folder, n) for n in names
                         if not n.startswith(".") and (suffixes is None or n.endswith(suffixes)))
        for path in sorted(files):
            digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def text_digest(*parts: object) -> str:
    return hashlib.blake2b(json.dumps(parts, sort_keys=True, default=str).encode(), digest_size=16).hexdigest()


def file_identity(path: Path) -> str | None:
    """Size and modification time of a file (the warehouse: hashing it would cost a read)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


class BuildState:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.steps = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.steps = {}

    def unchanged(self, step: str, key: str, outputs: str | None) -> bool:
        entry = self.steps.get(step)
        return bool(entry) and entry.get("key") == key and outputs is not None and entry.get("outputs") == outputs

    def record(self, step: str, key: str, outputs: str | None) -> None:
        self.steps[step] = {"key": key, "outputs": outputs}
        self.save()

    def forget(self, step: str) -> None:
        if self.steps.pop(step, None) is not None:
            self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.tmp-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.steps, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
