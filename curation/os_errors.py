"""Operating-system failures (read-only file system, disk full, out of memory, permissions) as
one-line ``CurationError``s that say what happened, that the earlier outputs are unchanged and
what to do next, instead of a traceback."""

from __future__ import annotations

import errno

from curation.errors import CurationError, Reason

_ADVICE = {
    errno.EROFS: "the file system is read-only: write the outputs to a writable folder",
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is exceeded: free some space and run again",
    errno.EACCES: "permission denied: make the folder writable or write elsewhere",
    errno.EPERM: "operation not permitted: make the folder writable or write elsewhere",
}


def os_error(exc: OSError, what: str) -> CurationError:
    """``exc`` while producing ``what`` (e.g. "the seeds in seeds/curated")."""
    advice = _ADVICE.get(exc.errno, "fix the cause and run again")
    place = f" ({exc.filename})" if exc.filename else ""
    return CurationError(Reason.OS_ERROR, f"{exc.strerror or exc}{place}; {what} unchanged; {advice}")


def out_of_memory(what: str) -> CurationError:
    return CurationError(
        Reason.OUT_OF_MEMORY,
        f"out of memory; {what} unchanged; close other programs or curate fewer recipes at once (--recipes)")
