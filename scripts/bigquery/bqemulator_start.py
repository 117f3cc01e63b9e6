"""Start bqemulator (`python bqemulator_start.py start ...`, with the emulator venv's python)
with one fix to its BigQuery -> DuckDB translation of `UNNEST(..) WITH OFFSET AS o`.

bqemulator 1.4.0 rebases offsets to 0-based by rewriting every column reference whose *name*
is an offset alias, anywhere in the statement, to `(o - 1)`. Two faults follow: a projected
offset (`select ..., o`) loses its name (the column comes back as "(o - 1)"), and a column of
the same name elsewhere (a CTE's output column, read by a later CTE) is shifted again. The fix
rebases only the references in the query scope of the UNNEST that defines the offset, and keeps
the name of a projected one. Everything else is bqemulator as released.
"""

from __future__ import annotations

import sys

from sqlglot import exp


def _rebase_offset_columns(tree: exp.Expression, offset_names: set[str]) -> bool:
    from sqlglot.optimizer.scope import traverse_scope

    modified = False
    for scope in traverse_scope(tree):
        defined = set()
        for udtf in scope.udtfs:
            if isinstance(udtf, exp.Unnest):
                offset = udtf.args.get("offset")
                if isinstance(offset, exp.Identifier):
                    defined.add(offset.name.lower())
                elif offset is True:
                    defined.add("offset")
        if not defined:
            continue
        for col in scope.columns:
            if col.name.lower() not in defined or col.table:
                continue
            if col.find_ancestor(exp.Unnest) is not None and col.parent_select is None:
                continue
            replacement = exp.Paren(this=exp.Sub(this=col.copy(), expression=exp.Literal.number(1)))
            parent = col.parent
            if isinstance(parent, exp.Alias):
                parent.set("this", replacement)
            elif isinstance(parent, exp.Select) and col in parent.expressions:
                col.replace(exp.alias_(replacement, col.name))
            else:
                col.replace(replacement)
            modified = True
    return modified


def main() -> None:
    import bqemulator.sql.rewriter.unnest_offset as unnest_offset
    from bqemulator.cli import main as bqemulator_main

    original = unnest_offset._rebase_offset_columns

    def rebase(tree, offset_names):
        try:
            return _rebase_offset_columns(tree, offset_names)
        except Exception:  # noqa: BLE001 - a query sqlglot cannot scope: the released behaviour
            return original(tree, offset_names)

    unnest_offset._rebase_offset_columns = rebase
    sys.argv[0] = "bqemulator"
    bqemulator_main()


if __name__ == "__main__":
    main()
