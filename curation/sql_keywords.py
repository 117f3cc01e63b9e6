"""Column names that are reserved words of the warehouses' SQL (DuckDB, BigQuery).

Such a column is kept as named (dbt loads the clinical seeds with quoted column names), but
every query has to quote it (``"case"`` on DuckDB, ``case`` in backquotes on BigQuery), so
``curate`` warns about it (``reserved_word``), once per table. DuckDB's reserved words are
read from DuckDB itself (``duckdb_keywords()``); BigQuery's are its documented list of
reserved keywords.
"""

from __future__ import annotations

from functools import cache

import duckdb

from curation.errors import Where
from curation.report import Warning_

BIGQUERY_RESERVED = frozenset("""
all and any array as asc assert_rows_modified at between by case cast collate contains create
cross cube current default define desc distinct else end enum escape except exclude exists
extract false fetch following for from full group grouping groups hash having if ignore in
inner intersect interval into is join lateral left like limit lookup merge natural new no not
null nulls of on or order outer over partition preceding proto qualify range recursive respect
right rollup rows select set some struct tablesample then to treat true unbounded union unnest
using when where window with within
""".split())


@cache
def duckdb_reserved() -> frozenset[str]:
    with duckdb.connect() as con:
        rows = con.execute("select keyword_name from duckdb_keywords() where keyword_category = 'reserved'")
        return frozenset(r[0].lower() for r in rows.fetchall())


def reserved(name: str) -> list[str]:
    """The warehouses in which ``name`` is a reserved word (empty: none)."""
    lowered = name.lower()
    return [w for w, words in (("DuckDB", duckdb_reserved()), ("BigQuery", BIGQUERY_RESERVED))
            if lowered in words]


def reserved_word_warning(columns: list[str], where: Where) -> Warning_ | None:
    """One warning naming the columns of a table that are reserved words, or None."""
    found = [(c, reserved(c)) for c in columns]
    found = [(c, w) for c, w in found if w]
    if not found:
        return None
    listed = ", ".join(f"{c} ({' and '.join(w)})" for c, w in found)
    example = found[0][0]
    return Warning_("reserved_word",
                    f"{len(found)} column name(s) are SQL reserved words: {listed}; kept as named "
                    f"(dbt quotes them), but queries must quote them: \"{example}\" on DuckDB, "
                    f"`{example}` on BigQuery", where.with_(column=example))
