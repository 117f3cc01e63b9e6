"""sqlglot 30.11.0 (bqemulator's SQL translator): its UNNEST generator generates from a copy.

sqlglot's ``Generator.unnest_sql`` moves the offset into the alias of the node it is given (it
mutates the tree); a node generated twice (as happens to an ARRAY subquery inside
``SELECT AS STRUCT``) loses its WITH ORDINALITY the second time (Binder Error: Referenced
column "pos_2" not found). ``generate_unnest_from_a_copy`` wraps the generic and the DuckDB
generator's ``unnest_sql`` so that each works on a copy. Applied by
bigquery_check.bqemulator_start. Written for the sqlglot pinned in requirements-bqemulator.txt;
another release stops at import.
"""

from __future__ import annotations

from bigquery_check.pinned import require

require("sqlglot", "30.11.0", __name__)


def generate_unnest_from_a_copy() -> None:
    """Make sqlglot's UNNEST generators (the generic one and DuckDB's) work on a copy of the node."""
    from sqlglot.dialects.duckdb import DuckDB
    from sqlglot.generator import Generator

    for generator in (Generator, DuckDB.Generator):
        original = generator.__dict__["unnest_sql"]

        def unnest_sql(self, expression, _original=original):
            return _original(self, expression.copy())

        generator.unnest_sql = unnest_sql
