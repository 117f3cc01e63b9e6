"""Columns: which columns of the sheet are kept, and under which names.

``select_columns`` drops the ``skip_columns`` (found by ``Header.find_column``), then every
column with neither a header nor a kept value; a kept column without a header is named
``column_<n>``, and a name taken earlier (or one of the names the loader adds) gets ``_2``,
``_3``... (``curation.naming``), each with a warning.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from curation.errors import CurationError, Reason, Where
from curation.layout.header import Header
from curation.layout.options import LayoutOptions
from curation.layout.rows import Rows
from curation.naming import RESERVED_NAMES, positional_name, unique_names
from curation.report import Warning_


@dataclass
class Selection:
    """The kept columns, in sheet order, and why the others were dropped."""

    names: list[str]  # curated names, unique
    positions: list[int]  # 0-based positions in the (turned) sheet
    dropped: Counter  # reason -> number of columns


def select_columns(options: LayoutOptions, header: Header, rows: Rows, patient_position: int,
                   patient_column: str | int, where: Where, warnings: list[Warning_]) -> Selection:
    """Declared skips, then columns with neither a header nor a kept value; unique names.
    The patient column must be kept."""
    skip_positions = {header.find_column(c, "skip_columns", where) for c in options.skip_columns}
    if patient_position in skip_positions:
        raise CurationError(Reason.RECIPE_INVALID, "the patient column is listed in skip_columns",
                            where.with_(column=patient_column))
    dropped: Counter = Counter()
    names, positions = [], []
    for position, name in enumerate(header.normalized):
        if position in skip_positions:
            dropped["skip_columns"] += 1
            continue
        if not name and not (rows.keep & ~rows.blanks[position]).any():
            dropped["no header and no values"] += 1
            continue
        if not name:
            name = positional_name(position + 1)
            warnings.append(Warning_("empty_header", f"column {position + 1} has no header: named {name!r}",
                                     where.with_(column=position + 1)))
        names.append(name)
        positions.append(position)
    if patient_position not in positions:
        raise CurationError(Reason.PATIENT_COLUMN_MISSING, "the patient column is empty",
                            where.with_(column=patient_column))
    unique, renamed = unique_names(names, set(RESERVED_NAMES))
    for old, new in renamed:
        warnings.append(Warning_("duplicate_name", f"two headers normalize to {old!r}: one renamed {new!r}",
                                 where.with_(column=new)))
    return Selection(unique, positions, dropped)
