"""Word (.docx) dictionaries: tables, or lists of ``name – label`` items (python-docx).

Two shapes, read in document order (optionally only under the heading that starts with the
recipe's ``section``, up to the next heading of the same or a higher level):
  * tables whose first row is a header: ``name_column`` and ``label_column`` name its columns
    (default: the first two columns);
  * list paragraphs (ProstateX's ``ProstateX-DataInfo-*.docx``): a first-level item
    ``ProxID – ProstateX patient identifier`` is a variable, a second-level item below it
    ``PZ – Peripheral zone`` an option of it. Name and text are separated by a dash (``–``,
    ``—`` or ``-``) with spaces around it.
The ``row`` of a variable is its paragraph's (or table row's) 1-based position in the body.
"""

from __future__ import annotations

import io
import re

from curation.dictionaries.parsed import Dictionary, Option, Variable, check_unique
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Reason, Where

_ITEM = re.compile(r"^\s*(\S.*?)\s+[–—-]\s+(.*?)\s*$", re.S)
_HEADING = re.compile(r"^(?:Heading|Title)\s*(\d*)$")


def split_item(text: str) -> tuple[str, str]:
    """``name – text`` -> (name, text); a bare name has an empty text."""
    match = _ITEM.match(text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return text.strip(), ""


def _level(paragraph) -> int | None:
    """The list level of a paragraph (0 = top), or None when it is not a list item."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    if num_pr is None:
        return 0 if paragraph.style is not None and paragraph.style.name.startswith("List") else None
    return int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0


def _heading_level(paragraph) -> int | None:
    match = _HEADING.match(paragraph.style.name if paragraph.style is not None else "")
    if not match:
        return None
    return int(match.group(1) or 0)


def _table_variables(table, spec: DictionarySpec, where: Where, section: str | None, start: int) -> list[Variable]:
    rows = [[c.text.strip() for c in row.cells] for row in table.rows]
    if not rows:
        return []
    header = [c.lower() for c in rows[0]]

    def position(wanted: str | None, default: int) -> int:
        if wanted is None:
            return default
        if wanted.lower() not in header:
            raise CurationError(Reason.DICTIONARY_COLUMN_MISSING,
                                f"the table has no column {wanted!r}; its header is {rows[0]}",
                                where.with_(sheet=section, row=start))
        return header.index(wanted.lower())

    name_at, label_at = position(spec.name_column, 0), position(spec.label_column, 1)
    variables = []
    for offset, row in enumerate(rows[1:], start=1):
        name = row[name_at] if name_at < len(row) else ""
        if name:
            label = row[label_at] if label_at < len(row) else ""
            variables.append(Variable(name, label, form=section, sheet=section, row=start + offset))
    return variables


def read(data: bytes, spec: DictionarySpec, where: Where) -> Dictionary:
    import docx  # python-docx: imported here, only recipes with a docx dictionary need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a file that is not a document
        raise CurationError(Reason.UNREADABLE, f"cannot open the Word document: {exc}", where) from exc
    wanted = spec.section.lower() if spec.section else None
    inside, inside_level, section = wanted is None, None, None
    variables: list[Variable] = []
    current: Variable | None = None
    for number, element in enumerate(document.element.body.iterchildren(), start=1):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            level = _heading_level(paragraph)
            if level is not None and paragraph.text.strip():
                if wanted is not None:
                    if paragraph.text.strip().lower().startswith(wanted):
                        inside, inside_level = True, level
                    elif inside and inside_level is not None and level <= inside_level:
                        inside = False
                section, current = paragraph.text.strip(), None
                continue
            if not inside or not paragraph.text.strip():
                continue
            list_level = _level(paragraph)
            if list_level is None:
                continue
            name, text = split_item(paragraph.text)
            if list_level == 0:
                current = Variable(name, text or name, form=section, sheet=section, row=number)
                variables.append(current)
            elif current is None:
                raise CurationError(Reason.DICTIONARY_ORPHAN_OPTION,
                                    f"list item {paragraph.text.strip()!r} comes before any variable",
                                    where.with_(sheet=section, row=number))
            else:
                current.options.append(Option(name, text))
        elif tag == "tbl" and inside:
            variables.extend(_table_variables(Table(element, document), spec, where, section, number))
            current = None
    if wanted is not None and not any(True for _ in variables) and inside_level is None:
        raise CurationError(Reason.DICTIONARY_INVALID, f"no heading starting with {spec.section!r}", where)
    check_unique(variables, where)
    return Dictionary("docx", " > ".join(spec.files), variables)
