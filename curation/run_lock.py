"""One run at a time: an exclusive lock on a lock file, taken without waiting.

``run_lock(path, what)`` holds an advisory ``flock`` on ``path`` (created if missing; the pid
of the holder is written into it) for the duration of a ``with`` block. A second run that
finds it held stops at once with a ``busy`` error saying another run is in progress and that
the earlier outputs are unchanged. The kernel releases the lock when the holder exits, even
when it is killed, so a lock is never left stale; the file itself stays (removing it would
let two runs lock two different files).
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from curation.errors import CurationError, Reason
from curation.os_errors import os_error


@contextmanager
def run_lock(path: Path, what: str) -> Iterator[None]:
    """Hold the lock of ``path`` while the block runs; ``what`` names the outputs it guards."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise os_error(exc, what) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise os_error(exc, what) from None
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise CurationError(
                Reason.BUSY,
                f"another run is in progress (pid {holder or 'unknown'}, lock {path}); "
                f"{what} unchanged; wait for it to finish and run again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)
