"""The fidelity report as plain text lines, at most ``width`` (80) characters each: one line
per compared table (status at the right), its differences below it with the rule that
explains each one, a summary line, then the rules used."""

from __future__ import annotations

import textwrap

from curation.warehouse.fidelity.compare import Report, TableResult
from curation.warehouse.fidelity.known import KnownDifferences

WIDTH = 80


def _pair(left: str, right: str, width: int, indent: str = "") -> list[str]:
    """``left`` wrapped, with ``right`` flush right on its last line (or on a line of its own)."""
    lines = textwrap.wrap(left, width, initial_indent=indent, subsequent_indent=indent + "    ",
                          break_on_hyphens=False) or [indent]
    if not right:
        return lines
    if len(lines[-1]) + 1 + len(right) <= width:
        lines[-1] = lines[-1] + " " * (width - len(lines[-1]) - len(right)) + right
    else:
        lines.append(right.rjust(width))
    return lines


def render_table(result: TableResult, width: int = WIDTH) -> list[str]:
    lines = _pair(result.table, result.status, width)
    for difference in result.differences:
        lines += _pair(difference.text, f"[{difference.rule}]" if difference.rule else "", width, "  ")
    for stale in result.stale:
        lines += _pair(f"stale known difference: {stale}", "", width, "  ")
    return lines


def render(report: Report, known: KnownDifferences, width: int = WIDTH, skipped: bool = False) -> list[str]:
    lines: list[str] = []
    for result in report.results:
        if result.skipped and not skipped:
            continue
        lines += render_table(result, width)
    for orphan in report.orphans:
        lines += _pair(f"stale known difference: {orphan}", "", width)
    compared = len(report.compared)
    summary = (f"{report.count('exact')} exact of {compared} published tables compared; "
               f"{report.count('explained')} with known differences only, "
               f"{report.count('differs')} with other differences or stale entries; "
               f"{report.count('skipped')} skipped (no recipe for their collection)")
    lines += textwrap.wrap(summary, width, break_on_hyphens=False)
    used = sorted({d.rule for r in report.results for d in r.differences if d.rule})
    if used:
        lines.append("rules:")
        for rule in used:
            lines += textwrap.wrap(f"{rule}: {known.rules[rule]}", width, initial_indent="  ",
                                   subsequent_indent="    ", break_on_hyphens=False)
    return lines
