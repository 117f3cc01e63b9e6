"""Bounds on what one input may cost: ZIP members and workbook sheets.

A small hostile file can ask for a lot: a 1 MB ZIP member that inflates to 1 GB, or a 5 KB
workbook whose one cell at XFD1048576 makes a reader allocate every cell of the sheet. The
readers check these bounds before they allocate, and stop with a ``too_large`` error naming
the file and member or sheet:

* ``max_member_bytes``: the uncompressed size of a ZIP member (a data file, a nested ZIP, or a
  part of a workbook), from its ``ZipInfo`` and again while it is inflated;
* ``max_ratio``: its uncompressed/compressed size ratio, for members over ``ratio_floor_bytes``
  (small members compress as they like);
* ``max_sheet_cells``: a sheet's used range (rows x columns of its dimension and its cells),
  checked before the sheet is read.

The defaults keep a run well under 2 GB and are far above the largest real source (a 1.3 MB
member, ratio 35 at most, a sheet of 49,152 cells in the v22 release). Set them with the
environment variables ``CURATE_MAX_MEMBER_MB``, ``CURATE_MAX_ZIP_RATIO`` and
``CURATE_MAX_SHEET_CELLS``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from curation.errors import CurationError, Reason, Where


@dataclass(frozen=True)
class Limits:
    max_member_bytes: int = 256 << 20
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 8 << 20
    max_sheet_cells: int = 20_000_000


def current() -> Limits:
    """The limits in force: the defaults, or the environment's values."""
    default = Limits()
    try:
        return Limits(
            max_member_bytes=int(float(os.environ.get("CURATE_MAX_MEMBER_MB", default.max_member_bytes / 2**20))
                                 * 2**20),
            max_ratio=float(os.environ.get("CURATE_MAX_ZIP_RATIO", default.max_ratio)),
            ratio_floor_bytes=default.ratio_floor_bytes,
            max_sheet_cells=int(os.environ.get("CURATE_MAX_SHEET_CELLS", default.max_sheet_cells)),
        )
    except ValueError as exc:
        raise CurationError(Reason.RECIPE_INVALID, f"a CURATE_MAX_* environment variable is not a number: {exc}",
                            Where()) from None


def check_member_info(size: int, compressed: int, name: str, where: Where) -> None:
    """Refuse a ZIP member whose declared size or ratio is past the limits (nothing inflated yet)."""
    limits = current()
    if size > limits.max_member_bytes:
        raise CurationError(
            Reason.TOO_LARGE,
            f"ZIP member {name!r} inflates to {size:,} bytes, over the limit of {limits.max_member_bytes:,} "
            "(raise CURATE_MAX_MEMBER_MB if the file is genuine)", where.with_(file=name))
    if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(compressed, 1):
        raise CurationError(
            Reason.TOO_LARGE,
            f"ZIP member {name!r} inflates {size / max(compressed, 1):,.0f} times (a ZIP bomb?), over the "
            f"limit of {limits.max_ratio:g} (raise CURATE_MAX_ZIP_RATIO if the file is genuine)",
            where.with_(file=name))


def check_sheet_cells(rows: int, columns: int, sheet: str, where: Where) -> None:
    """Refuse a sheet whose used range is past ``max_sheet_cells`` (before it is read)."""
    limits = current()
    if rows * columns > limits.max_sheet_cells:
        raise CurationError(
            Reason.TOO_LARGE,
            f"sheet {sheet!r} spans {rows:,} rows x {columns:,} columns = {rows * columns:,} cells, over the "
            f"limit of {limits.max_sheet_cells:,} (a stray cell far out? delete it, or raise "
            "CURATE_MAX_SHEET_CELLS)", where.with_(sheet=sheet))
