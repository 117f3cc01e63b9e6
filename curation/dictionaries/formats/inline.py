"""Coded values written inside one cell: ``1 - Male | 2 - Female``, ``0: No`` lines, ``M, F``.

``parse_options(text, split)`` cuts a cell into items, one per line (``lines``) or separated
by ``|`` or ``,`` outside parentheses (``list``), and reads each item as
``code: description`` or ``code = description`` (lines), ``code - description`` (spaces
around the dash), ``code = description`` or ``code: description`` (list), or a bare code (a
line such as ``HR - / HER2 +`` is one code: lines are not cut at dashes). Items that describe the values instead of listing one are notes, not codes:
``range 22 to 82``, ``syntax Adrenal_Ki67_Seg_0##``, ``Continuous numeric``, ``character``,
a numeric range ``0-5``, and what blank cells mean (``Blank: No study``, ``(blanks)``). A
``list`` cell with a single bare item (``YYYYMMdd``, ``character``) is a note too: one value
is a format, not a code list.
"""

from __future__ import annotations

import re

from curation.dictionaries.parsed import Option

_LIST_SEPARATOR = re.compile(r"[|,](?![^()]*\))")
_DASH = re.compile(r"^(\S.*?)\s+-\s+(.*)$")
_EQUALS = re.compile(r"^([^=]+?)\s*=\s*(.*)$")
_COLON = re.compile(r"^([^:]+?)\s*:\s*(.*)$")
_NOTE = re.compile(r"^(range|syntax|continuous|character|numeric|integer|text|free text|date)\b", re.I)
_BLANK = re.compile(r"^\(?(blank|blanks|empty)\)?\s*(:|=|-|$)", re.I)
_NUMERIC_RANGE = re.compile(r"^-?\d+(\.\d+)?\s*-\s*-?\d+(\.\d+)?$")


def split_items(text: str, split: str) -> list[str]:
    if split == "lines":
        parts = text.splitlines()
    else:
        parts = _LIST_SEPARATOR.split(text)
    return [" ".join(p.split()) for p in parts if p.strip()]


_SEPARATORS = {"lines": (_COLON, _EQUALS), "list": (_DASH, _EQUALS, _COLON)}


def parse_item(item: str, split: str) -> Option | None:
    """One item as an option, or None when it is a note about the values."""
    if _BLANK.match(item) or _NOTE.match(item) or _NUMERIC_RANGE.match(item):
        return None
    for pattern in _SEPARATORS[split]:
        match = pattern.match(item)
        if match and match.group(1).strip():
            return Option(match.group(1).strip(), match.group(2).strip())
    return Option(item, "")


def is_blank_note(note: str) -> bool:
    """``Blank: No study``: what an empty cell means (blank cells are NULL, never a value)."""
    return _BLANK.match(note) is not None


def parse_options(text: str, split: str) -> tuple[list[Option], list[str]]:
    """The options a cell lists, in order, and its notes (items that are not codes)."""
    items = split_items(text, split)
    if split == "list" and len(items) == 1 and not any(p.match(items[0]) for p in _SEPARATORS[split]):
        return [], items
    options, notes = [], []
    for item in items:
        option = parse_item(item, split)
        if option is None:
            notes.append(item)
        else:
            options.append(option)
    return options, notes
