"""Which sheet of a workbook a recipe means (by index or name), one rule for every reader."""

from __future__ import annotations

from curation.errors import CurationError, Reason, Where


def pick_sheet(names: list[str], sheet: int | str, where: Where) -> str:
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise CurationError(
                Reason.SHEET_MISSING,
                f"no sheet at index {sheet}: the workbook has {len(names)} sheet(s) {names}",
                where.with_(sheet=sheet),
            )
        return names[sheet]
    if sheet not in names:
        raise CurationError(
            Reason.SHEET_MISSING, f"no sheet named {sheet!r}; sheets are {names}", where.with_(sheet=sheet)
        )
    return sheet

