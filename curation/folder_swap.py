"""Replacing a folder by a fully written one in a single step, and cleaning what a killed run
left behind.

``swap_in(staging, out_dir)`` makes ``staging`` the content of ``out_dir``. When ``out_dir``
exists, the two are exchanged by one ``renameat2(RENAME_EXCHANGE)`` call (Linux 3.15+): at
every instant ``out_dir`` is either the old folder or the new one, never missing. The old
content then sits at the staging path and is removed. Where the call is unavailable (other
systems, some file systems) it falls back to two renames through ``.<name>.old-<pid>``;
``recover`` puts such a folder back on the next run if a kill came between them.

Leftovers (``.<name>.tmp-*``, ``.<name>.old-*`` beside ``out_dir``) are removed by
``clean_leftovers``, which callers run while holding the run lock (curation.run_lock), so no
live run's folder is touched. dbt never reads them: ``.dbtignore`` lists ``seeds/.curated.*``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two existing paths; False when the system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def leftover_prefixes(out_dir: Path) -> tuple[str, str]:
    return f".{out_dir.name}.tmp-", f".{out_dir.name}.old-"


def recover(out_dir: Path) -> None:
    """If ``out_dir`` is missing but a run was killed between the two fallback renames, put
    the old folder back."""
    if out_dir.exists() or not out_dir.parent.is_dir():
        return
    _, old = leftover_prefixes(out_dir)
    previous = sorted(p for p in out_dir.parent.iterdir() if p.name.startswith(old) and p.is_dir())
    if previous:
        os.replace(previous[-1], out_dir)


def clean_leftovers(out_dir: Path) -> list[str]:
    """Remove the staging and old folders earlier (killed) runs left beside ``out_dir``."""
    recover(out_dir)
    if not out_dir.parent.is_dir():
        return []
    prefixes = leftover_prefixes(out_dir)
    removed = []
    for path in sorted(out_dir.parent.iterdir()):
        if path.name.startswith(prefixes):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def swap_in(staging: Path, out_dir: Path) -> None:
    """Make the fully written folder ``staging`` (a sibling of ``out_dir``) the new ``out_dir``."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    if exchange(staging, out_dir):
        shutil.rmtree(staging)  # the old content, now at the staging path
        return
    old = out_dir.with_name(f"{leftover_prefixes(out_dir)[1]}{os.getpid()}")
    os.replace(out_dir, old)
    os.replace(staging, out_dir)
    shutil.rmtree(old)
