"""bqemulator 1.4.0: two fixes to its BigQuery -> DuckDB translation, applied by
bigquery_check.bqemulator_start before the emulator starts (``apply``).

1. Offset scope and names. bqemulator rebases ``UNNEST(..) WITH OFFSET AS o`` offsets to
   0-based by rewriting every column reference whose *name* is an offset alias, anywhere in the
   statement, to ``(o - 1)``: a projected offset (``select ..., o``) loses its name (the column
   comes back as "(o - 1)"), and a column of the same name elsewhere (a CTE's output column,
   read by a later CTE) is shifted again. ``_rebase_offset_columns`` replaces
   ``bqemulator.sql.rewriter.unnest_offset._rebase_offset_columns``: it rebases only the
   references in the query scope of the UNNEST that defines the offset, and keeps the name of a
   projected one (a query sqlglot cannot scope gets the released behaviour).
2. ARRAY_AGG(DISTINCT x IGNORE NULLS ORDER BY x LIMIT n): bqemulator rewrites IGNORE NULLS to a
   FILTER on the whole ``DISTINCT x ORDER BY x LIMIT n`` operand and then wraps the aggregate
   for the LIMIT, which gives unparsable SQL (Required keyword: 'this' missing for Not).
   ``_rewrite_ignore_nulls`` replaces
   ``bqemulator.sql.rewriter.aggregate_variants._rewrite_ignore_nulls``: it filters on x and
   slices outside: ARRAY_SLICE(ARRAY_AGG(DISTINCT x ORDER BY x) FILTER (WHERE x IS NOT NULL), 1, n).

Written for the bqemulator pinned in requirements-bqemulator.txt; another release stops at import.
"""

from __future__ import annotations

from sqlglot import exp

from bigquery_check.pinned import require

require("bqemulator", "1.4.0", __name__)


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


def _rewrite_ignore_nulls(tree: exp.Expression) -> bool:
    modified = False
    for node in list(tree.walk()):
        if not isinstance(node, exp.IgnoreNulls) or not isinstance(node.this, exp.ArrayAgg):
            continue
        operand, limit = node.this.this, None
        if isinstance(operand, exp.Limit):
            operand, limit = operand.this, operand.expression
        value = operand
        while isinstance(value, exp.Order):
            value = value.this
        if isinstance(value, exp.Distinct) and value.expressions:
            value = value.expressions[0]
        replacement = exp.Filter(
            this=exp.ArrayAgg(this=operand.copy()),
            expression=exp.Where(this=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))),
        )
        if limit is not None:
            replacement = exp.Anonymous(
                this="ARRAY_SLICE", expressions=[replacement, exp.Literal.number(1), limit.copy()])
        node.replace(replacement)
        modified = True
    return modified


def apply() -> None:
    """Replace bqemulator's two rewrites by the fixed ones, for this process."""
    import bqemulator.sql.rewriter.aggregate_variants as aggregate_variants
    import bqemulator.sql.rewriter.unnest_offset as unnest_offset

    original = unnest_offset._rebase_offset_columns

    def rebase(tree, offset_names):
        try:
            return _rebase_offset_columns(tree, offset_names)
        except Exception:  # noqa: BLE001 - a query sqlglot cannot scope: the released behaviour
            return original(tree, offset_names)

    unnest_offset._rebase_offset_columns = rebase
    aggregate_variants._rewrite_ignore_nulls = _rewrite_ignore_nulls
