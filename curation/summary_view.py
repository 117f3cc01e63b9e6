"""How a ``curate`` run's account (``curation.report``) is shown: a table that reads at 80
columns and at 200, with every count whole, and the long texts below it.

The table has one row per curated table and only counts in its cells (thousands separated,
never wrapped or cut); a long table name folds onto a second line rather than pushing a count
out. Reasons (rows skipped by reason, columns dropped by reason) are listed below the table,
one line per table that has any; warnings are counted per code below that (``--verbose``
lists each one in full).
"""

from __future__ import annotations

from collections import Counter

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from curation.report import RunReport, TableReport

COUNT_HEADERS = ("batches", "rows read", "rows written", "rows skipped", "columns",
                 "columns dropped", "warnings")


def _n(value: int) -> str:
    return f"{value:,}"


def _counts(t: TableReport) -> tuple[str, ...]:
    return (_n(t.batches), _n(t.rows_read), _n(t.rows_written), _n(sum(t.rows_skipped.values())),
            _n(t.columns_written), _n(sum(t.columns_dropped.values())), _n(len(t.warnings)))


def summary_table(report: RunReport, width: int) -> Table:
    """The counts of every table, laid out for ``width`` columns: each count column exactly as
    wide as its widest count (or header word), the table names folding into what is left."""
    rows = [_counts(t) for t in report.tables]
    footer = None
    if len(report.tables) > 1:
        footer = (f"{len(report.tables)} tables",
                  *(_n(sum(int(r[i].replace(",", "")) for r in rows)) for i in range(len(COUNT_HEADERS))))
    counted = rows + ([footer[1:]] if footer else [])
    longest_name = max([len(t.table_name) for t in report.tables] + [len("table")]
                       + ([len(footer[0])] if footer else []))
    widths = [max([len(r[i]) for r in counted] + [len(header)]) for i, header in enumerate(COUNT_HEADERS)]
    if sum(widths) + len(COUNT_HEADERS) + longest_name > width:  # headers on two lines
        widths = [max([len(r[i]) for r in counted] + [max(len(word) for word in header.split())])
                  for i, header in enumerate(COUNT_HEADERS)]
    name_width = max(12, width - sum(widths) - len(COUNT_HEADERS))
    table = Table(title="Curation summary", box=box.SIMPLE_HEAD, padding=0, show_edge=False,
                  show_footer=footer is not None)
    table.add_column("table", overflow="fold", width=min(name_width, longest_name),
                     footer=footer[0] if footer else "")
    for i, header in enumerate(COUNT_HEADERS):
        table.add_column(header, justify="right", width=widths[i], overflow="fold",
                         footer=footer[i + 1] if footer else "")
    for t, counts in zip(report.tables, rows):  # noqa: B905 - same length
        table.add_row(t.table_name, *counts)
    return table


class _Summary:
    """The summary table, sized when rendered (to the console's width)."""

    def __init__(self, report: RunReport) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield summary_table(self.report, options.max_width)


def reason_lines(report: RunReport) -> list[str]:
    """Rows skipped and columns dropped, by reason, for the tables that have any."""
    lines = []
    for t in report.tables:
        parts = []
        if t.rows_skipped:
            parts.append("rows skipped: " + ", ".join(f"{_n(n)} {why}" for why, n in sorted(t.rows_skipped.items())))
        if t.columns_dropped:
            parts.append("columns dropped: " + ", ".join(
                f"{_n(n)} {why}" for why, n in sorted(t.columns_dropped.items())))
        if parts:
            lines.append(f"  {t.table_name}: {'; '.join(parts)}")
    return lines


def warning_lines(report: RunReport, verbose: bool) -> list[str]:
    """Every warning in full (verbose), else their number per code."""
    warnings = report.warnings
    if not warnings:
        return []
    if verbose:
        return [f"warning: {w}" for w in warnings]
    by_code = Counter(w.code for w in warnings)
    listed = ", ".join(f"{n} {code}" for code, n in sorted(by_code.items(), key=lambda item: (-item[1], item[0])))
    return [f"{len(warnings)} warning(s): {listed} (--verbose lists each)"]


def summary(report: RunReport, verbose: bool = False) -> RenderableType:
    """The table, then the reasons below it, then the warnings."""
    parts: list[RenderableType] = [_Summary(report)]
    reasons = reason_lines(report)
    if reasons:
        parts.append(Text("rows skipped and columns dropped, by reason:"))
        parts.extend(Padding(Text(line.strip(), overflow="fold"), (0, 0, 0, 2)) for line in reasons)
    parts.extend(Text(line, style="yellow" if verbose else "", overflow="fold")
                 for line in warning_lines(report, verbose))
    return Group(*parts)
