"""Column names: IDC's rule for turning source headers into SQL column names, plus what it lacks.

IDC's rule: header cells of several rows are joined with ``_``; ``/``, ``-`` and spaces become
``_``; every other character outside ``[A-Za-z0-9_]`` is dropped; a name starting with a digit
gets the prefix ``c_``; names are lower-cased. The rule depends on the release: since v20 IDC
strips the joined header of surrounding blanks before replacing characters (``'treatment '``
gave ``treatment_`` up to v19 and ``treatment`` since); blanks inside the joined header (around
the ``_`` between rows) are kept by every release.

Added here: an empty name becomes ``column_<n>`` (n = 1-based column position); a name already
taken in the same table gets ``_2``, ``_3``, ... in order of appearance (and a warning);
the names of the columns the curator adds (``curation.dbt_contract.ADDED_COLUMNS``:
``dicom_patient_id`` and ``source_batch``) count as taken.
A name that is a SQL reserved word (``select``, ``order``, ``values``...) is kept: the clinical
seeds are loaded with quoted column names (``+quote_columns: true``), on DuckDB and BigQuery.
"""

from __future__ import annotations

import re

from curation.dbt_contract import ADDED_NAMES

RESERVED_NAMES = ADDED_NAMES  # taken in every table
STRIP_SINCE = 20  # the first IDC release that strips the joined header
DEFAULT_RELEASE = 22

_TO_UNDERSCORE = re.compile(r"[/\- ]")
_DROP = re.compile(r"[^A-Za-z0-9_]")


def normalize_header(header: str) -> str:
    """IDC's normalization of one (already joined) header; may return ""."""
    name = _DROP.sub("", _TO_UNDERSCORE.sub("_", header))
    if name[:1].isdigit():
        name = "c_" + name
    return name.lower()


def join_header_cells(cells: list[str], idc_version: int = DEFAULT_RELEASE) -> str:
    """Join the non-blank header cells of one column, top to bottom, with ``_``, by the rule
    of release ``idc_version`` (stripped as a whole since v20, never cell by cell)."""
    joined = "_".join(c for c in cells if c.strip())
    return joined.strip() if idc_version >= STRIP_SINCE else joined


def unique_names(names: list[str], taken: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Make names unique against ``taken`` and each other; report (original, renamed) pairs."""
    used = set(taken)
    out, renamed = [], []
    for name in names:
        candidate, n = name, 1
        while candidate in used:
            n += 1
            candidate = f"{name}_{n}"
        used.add(candidate)
        out.append(candidate)
        if candidate != name:
            renamed.append((name, candidate))
    return out, renamed


def positional_name(position: int) -> str:
    return f"column_{position}"
