"""Dictionaries that describe the data sheet's columns by spreadsheet letter, in two columns.

Advanced-MRI-Breast-Lesions' ``Data Dictionary`` sheet is the example: the first column holds
``column D`` (or ``columns L-R``, ``columns U, AH & BA``), the second the column's name
(``reason for referral ID#``); the rows below a block give, in the second column, the label
(the first text line; more lines go to the description), and options as a code in the first
column (a number, or a single lower-case word such as ``negative``) with its description in
the second. Other rows with text in the first column (``Pathology | pathologies - tumor``)
are headings inside the block: their text goes to the description (or becomes the label when
the heading repeats the block's name and the block has none yet).

``see definition above for column H`` makes the block's names copies of column H's variable;
with a range (``columns Y-AE, AL-AR`` named ``receptor status2, receptor status3``, ``see
definition above for columns L-R``) every variable of the referenced range is copied, its
trailing number replaced by the group's (``ER [SII] 1`` -> ``ER [SII] 2``). Copied labels say
``pos2``/``second`` where the source says ``pos1``/``first``. A range block without a reference
(``columns L-R | receptor status1``) gives its options to every variable in the range; options
above the first block (``General (in all the columns)``: ``-1`` missing) go to every variable
that does not list that code itself. A variable whose own block lists no option has only
those shared codes, or whose notes give a numeric range besides the codes (``range 0-3``,
``between 0 to 100``), is ``partial``: its other values are expected. A name given to two letters keeps both variables; the
first one is matched (``curation.dictionaries.match``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curation.dictionaries.formats.cells import cell, table_rows
from curation.dictionaries.parsed import Dictionary, Option, Variable
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where

_BLOCK = re.compile(r"^columns?\s+([A-Z]{1,3}(?:\s*-\s*[A-Z]{1,3})?(?:\s*(?:,|&)\s*[A-Z]{1,3}(?:\s*-\s*[A-Z]{1,3})?)*)$")
_REFERENCE = re.compile(r"^see definition above for columns?\s+([A-Z]{1,3}(?:\s*-\s*[A-Z]{1,3})?)\s*$", re.I)
_CODE = re.compile(r"^(-?\d+(?:\.\d+)?|[a-z]+)$")
_RANGE_NOTE = re.compile(r"\b(range|between)\s+-?\d", re.I)  # numbers besides the codes: partial
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]


def letter_index(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - ord("A") + 1
    return number - 1


def letter_of(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def letter_groups(spec: str) -> list[list[str]]:
    """``Y-AE, AL-AR`` -> [[Y .. AE], [AL .. AR]]; ``U, AH & BA`` -> [[U], [AH], [BA]]."""
    groups = []
    for part in re.split(r"\s*(?:,|&)\s*", spec.strip()):
        first, _, last = (p.strip() for p in part.partition("-"))
        end = letter_index(last) if last else letter_index(first)
        groups.append([letter_of(i) for i in range(letter_index(first), end + 1)])
    return groups


@dataclass
class _Block:
    groups: list[list[str]]
    names: list[str]
    row: int
    label: str = ""
    notes: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    reference: list[str] | None = None


def _code(text: str) -> str | None:
    if not _CODE.match(text):
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def _renumber(text: str, n: int) -> str:
    text = re.sub(r"(?<=[A-Za-z/\]])1\b", str(n), text)
    return re.sub(r"\bfirst\b", _ORDINALS[n - 1] if n <= len(_ORDINALS) else f"#{n}", text)


def _blocks(rows: list[list[str]], where: Where) -> tuple[list[_Block], list[Option]]:
    blocks: list[_Block] = []
    general: list[Option] = []
    for index, row in enumerate(rows):
        number, first, second = index + 1, cell(row, 0), " ".join(cell(row, 1).split())
        if not (first or second):
            continue
        match = _BLOCK.match(first)
        if match:
            groups = letter_groups(match.group(1))
            names = [second] if len(groups) == 1 else [n.strip() for n in second.split(",") if n.strip()]
            blocks.append(_Block(groups, names, number))
            continue
        current = blocks[-1] if blocks else None
        code = _code(first) if first else None
        if code is not None:
            (current.options if current else general).append(Option(code, second))
        elif current is None:
            continue  # notes above the first block
        elif first:  # a heading inside the block
            if not current.label and " ".join(first.split()).lower() == current.names[0].lower():
                current.label = second
            else:
                current.notes.append(f"{first}: {second}" if second else first)
        elif _REFERENCE.match(second):
            current.reference = letter_groups(_REFERENCE.match(second).group(1))[0]
            if len(current.groups) != len(current.names):
                raise CurationError(
                    Reason.DICTIONARY_INVALID,
                    f"{len(current.groups)} column group(s) but {len(current.names)} name(s): {current.names}",
                    where.with_(row=current.row))
        elif not current.label:
            current.label = second
        else:
            current.notes.append(second)
    return blocks, general


def parse(sheet: str | None, rows: list[list[str]], where: Where) -> list[Variable]:
    where = where.with_(sheet=sheet)
    blocks, general = _blocks(rows, where)
    at: dict[str, Variable] = {}  # letter -> variable
    variables: list[Variable] = []

    def add(letter: str, variable: Variable) -> None:
        at.setdefault(letter, variable)
        variables.append(variable)

    for block in blocks:  # single columns first: references and ranges point at them
        if len(block.groups) == 1 and len(block.groups[0]) == 1 and block.reference is None:
            add(block.groups[0][0], Variable(block.names[0], block.label or block.names[0],
                                             options=list(block.options), sheet=sheet, row=block.row,
                                             description="; ".join(block.notes) or None,
                                             partial=not block.options or any(map(_RANGE_NOTE.search, block.notes))))
    for block in blocks:
        if block.reference is None and not (len(block.groups) == 1 and len(block.groups[0]) == 1):
            for letter in (x for g in block.groups for x in g):  # a range's shared options
                if letter in at:
                    at[letter].options.extend(o for o in block.options if o not in at[letter].options)
    for block in blocks:
        if block.reference is None:
            continue
        for group, name in zip(block.groups, block.names):
            n = int(re.search(r"(\d+)\s*$", name).group(1)) if re.search(r"\d+\s*$", name) else None
            if len(block.reference) == 1:
                pairs = [(group[0], name, at.get(block.reference[0]))]
            else:
                pairs = [(letter, re.sub(r"\d+\s*$", str(n), source.name) if n else source.name, source)
                         for letter, source in zip(group, (at.get(r) for r in block.reference)) if source]
            for letter, new_name, source in pairs:
                if source is None:
                    raise CurationError(Reason.DICTIONARY_INVALID,
                                        f"{name!r} refers to column {block.reference[0]}, which no block defines",
                                        where.with_(row=block.row))
                label = _renumber(source.label, n) if n else source.label
                add(letter, Variable(new_name, label, options=list(source.options), sheet=sheet, row=block.row,
                                     description=source.description, partial=source.partial))
    for variable in variables:
        codes = {o.code for o in variable.options}
        variable.options.extend(o for o in general if o.code not in codes)
    return variables


def read(data: bytes, spec: DictionarySpec, where: Where) -> Dictionary:
    sheet, rows = table_rows(data, spec.file_format, spec.sheet, where)
    return Dictionary("lettered", " > ".join(spec.files), parse(sheet, rows, where))
