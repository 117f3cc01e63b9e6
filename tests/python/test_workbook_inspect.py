"""The sheet extent found by numpy over a block (``_extent``) is the one the regexes find."""

from __future__ import annotations

import pytest

from curation import workbook_inspect as wi

BLOCKS = [
    b'<row r="5"><c r="XFD1048576" t="n"><v>1</v></c></row>',
    b'<row r="7" spans="1:3"><c r="C7" s="1"><v>2</v></c><c r="AB7" t="s"><v>0</v></c></row>',
    b'<row r="1048576"><c r="A3"/></row><row r="2"><c\tr="ZZ9"/></row>',
    b'<c s="1" r="AAAA1"/><c r="A12345678"/><c r="B2"/>',
    b'<row r="9"><c r="A9"><v>1</v></c><c r="B9',  # a block cut inside a reference
    b'<sheetData/>',
    b'',
]
ODD = [  # the regexes decide these: the fast scan declines
    b'<x:row r="5"><x:c r="B3"/></x:row>',
    b'<c r="AB12" t="inlineStr"><is><t> r="ZZ9"</t></is></c>',
    b'<cfoo r="A1"/><c r="B1"/>',
    b' r="A1"<c r="C1"/>',
]


@pytest.mark.parametrize("block", BLOCKS)
def test_fast_extent_equals_regex(block):
    assert wi._extent(block) == wi._extent_by_regex(block)


@pytest.mark.parametrize("block", ODD)
def test_fast_extent_declines_what_it_cannot_decide(block):
    assert wi._extent(block) is None


def test_generated_rows_match_regex():
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}" t="n"><v>{r}</v></c>' for col in ("A", "Z", "AA", "XFD", "QQQ"))
        + "</row>" for r in range(1, 3000, 7))
    block = rows.encode()
    assert wi._extent(block) == wi._extent_by_regex(block) == (wi._column_number(b"XFD"), 2997)
