"""Which IDC series index the patient checks use: its Parquet file and its version.

By default it is the ``idc_index.parquet`` shipped by the PyPI package idc-index-data, whose
major version is the IDC release it indexes (22.1.5 indexes IDC v22); pyproject pins the one
of the default release. ``IDC_INDEX_PARQUET`` (with ``IDC_INDEX_VERSION``) points elsewhere,
as the dbt source does.

``python -m curation.index_path`` prints the path of that index (the Makefile passes it to
dbt); ``--version`` prints its version instead.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

UNKNOWN = "unknown"


@dataclass(frozen=True)
class SeriesIndex:
    path: Path
    version: str  # idc-index-data version, e.g. "22.1.5", or UNKNOWN

    @property
    def idc_release(self) -> int | None:
        """The IDC release indexed: the major version of idc-index-data."""
        major = self.version.split(".")[0]
        return int(major) if major.isdigit() else None

    def describe(self) -> str:
        if self.idc_release is None:
            return f"IDC series index {self.path.name} (version {self.version})"
        return f"IDC v{self.idc_release} series index (idc-index-data {self.version})"


def series_index() -> SeriesIndex | None:
    """The index to check against, or None when there is none (package missing, no override)."""
    override = os.environ.get("IDC_INDEX_PARQUET")
    if override:
        return SeriesIndex(Path(override), os.environ.get("IDC_INDEX_VERSION") or UNKNOWN)
    try:
        return _packaged()
    except ImportError:
        return None


def _packaged() -> SeriesIndex:
    import idc_index_data

    return SeriesIndex(Path(idc_index_data.IDC_INDEX_PARQUET_FILEPATH), idc_index_data.__version__)


if __name__ == "__main__":
    found = series_index()
    if found is None:
        sys.exit("no IDC series index: pip install idc-index-data, or set IDC_INDEX_PARQUET")
    print(found.version if "--version" in sys.argv[1:] else found.path)
