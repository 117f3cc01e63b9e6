"""The schemas IDC published, parsed from ``published_v18_schemas.md``.

The file has one section per table: a ``## <table>`` heading, then a fenced block with one
line per column in published order, ``TYPE name``; a RECORD column is followed by its fields
as ``TYPE parent.field``. Modes (REPEATED / NULLABLE) are not given, so a repeated column is
compared by its element type.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from curation.errors import CurationError, Reason, Where

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "data" / "reference" / "published_v18_schemas.md"

_LINE = re.compile(r"([A-Z][A-Z0-9_]*) ([A-Za-z_][A-Za-z0-9_.]*)")


class Column(NamedTuple):
    """One column or RECORD field: its dotted path and its BigQuery type name."""

    path: str
    type: str

    @property
    def parent(self) -> str:
        return self.path.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]


Schemas = dict[str, list[Column]]


def parse_published(text: str, source: str = "published schemas") -> Schemas:
    """Table name -> its columns and fields, in published order."""
    tables: Schemas = {}
    table: str | None = None
    in_block = False
    for number, line in enumerate(text.splitlines(), start=1):
        where = Where(file=source, row=number)
        if line.startswith("```"):
            if table is None:
                raise CurationError(Reason.REFERENCE_INVALID, "a column block before any '## <table>'", where)
            in_block = not in_block
            continue
        if in_block:
            match = _LINE.fullmatch(line.strip())
            if not match:
                raise CurationError(Reason.REFERENCE_INVALID, f"not 'TYPE column': {line!r}", where)
            column = Column(match[2], match[1])
            records = {c.path for c in tables[table] if c.type == "RECORD"}
            if column.parent and column.parent not in records:
                raise CurationError(Reason.REFERENCE_INVALID,
                                    f"field {column.path!r} follows no RECORD {column.parent!r}", where)
            if any(c.path == column.path for c in tables[table]):
                raise CurationError(Reason.REFERENCE_INVALID, f"column {column.path!r} repeats", where)
            tables[table].append(column)
        elif line.startswith("## "):
            table = line[3:].strip()
            if table in tables:
                raise CurationError(Reason.REFERENCE_INVALID, f"table {table!r} repeats", where)
            tables[table] = []
    if in_block:
        raise CurationError(Reason.REFERENCE_INVALID, "the last column block is not closed", Where(file=source))
    empty = sorted(t for t, columns in tables.items() if not columns)
    if empty:
        raise CurationError(Reason.REFERENCE_INVALID, f"tables without columns: {empty}", Where(file=source))
    return tables


def load_published(path: Path = DEFAULT_PATH) -> Schemas:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CurationError(Reason.FILE_MISSING, f"cannot read the published schemas: {exc}",
                            Where(file=str(path))) from exc
    return parse_published(text, path.name)
