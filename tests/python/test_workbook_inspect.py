"""The sheet extent found by numpy over a block (``_extent``) is the one the regexes find."""

from __future__ import annotations

import random
import re

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
    # a block starting inside a tag (the previous block holds its "<"): no match reaches those values
    b' r="HH1370"><v>0.79</v></c><c r="HI1370"><v>1</v></c></row>',
    b'c r="DL3152"><v>83.985</v></c><c r="DM3152" t="s"><v>304</v></c>',
    b' r="A1"<c r="C1"/>',
    # a value's text, other tags, comments and CDATA
    b'<c r="AB12" t="inlineStr"><is><t> r="ZZ9"</t></is></c>',
    b'<c r="B2"><v> r="ZZZ9"</v></c><!-- r="XFD9" --><![CDATA[ r="XFD10" ]]></row r="77">',
    b'<!-- <c r="XFD99"/> --><c r="A1"/><![CDATA[<row r="123">]]>',
    # other attribute orders and shapes, several values in one tag (a match takes the first)
    b'<row spans="1:3" r="5"><c s="1" r="C5" t="e"><v>#N/A</v></c><c t="n"\n r="AA5"/></row>',
    b'<c r="A1" r="ZZZ9"/><row r="3" r="900"><c s="2" r="a1" r="B7"/>',
    b'<row r="A1" r="4"><c r="9" r="C2"/><c\rr="D1000000"/><c r="E10000000"/>',
    b'<c r="B2"',  # a block cut inside a tag
    b'<row <c r="A1">',  # a match starts at <c
    # row numbers written with leading zeros compare as numbers: the longest text is not the greatest
    b'<row r="0000001"><c r="A0000001"/><c r="XFD999999"/></row>',
    b'<row r="0000002"><c r="B0000002"/></row><row r="31"><c r="A31"/></row>',
]
ODD = [  # the regexes decide these: the fast scan declines
    b'<x:row r="5"><x:c r="B3"/></x:row>',
    b'<cfoo r="A1"/><c r="B1"/>',
    b'<c <x r="A1">',  # the match starts at the first "<"
    b'<c/ r="A1">',
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


FRAGMENTS = [b"<dimension ", b"dimension", b"mm", b"dim", b"<c ", b"<row ", b"<x:c ", b"<t>", b"</c>", b">", b"<", b"<!-- ", b" -->", b"<![CDATA[", b"]]>",
             b' r="A1"', b' r="XFD1048576"', b' r="ZZZ9"', b' r="12"', b' r="1048577"', b' r="AAAA1"', b' r="A"',
             b' r="A0000001"', b' r="0000009"', b' r="B0999999"', b' r="Z0"',
             b' s="1"', b' t="e"', b"\t", b"<f>", b"<x:f/>", b"f", b"e", b"text", b'r="B3"', b" ", b'"']


@pytest.mark.parametrize("seed", range(40))
def test_fast_scan_equals_the_regexes_on_any_soup_of_fragments(seed):
    rng = random.Random(seed)
    for _ in range(200):
        block = b"".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 30)))
        extent, has_error = wi._scan(block)
        assert extent in (None, wi._extent_by_regex(block)), block
        assert has_error == (b't="e"' in block), block
        assert wi._has_formula(block) == (b"<f" in block or b":f" in block), block
        assert wi._contains(block, b"dimension") == (b"dimension" in block), block
        if not re.search(rb"<[^>]*<|<(?!c |row |!|/|t>)", block):  # one "<" a tag, no prefixes
            assert extent is not None, block  # the fast scan decides


def test_leading_zeros_do_not_hide_a_greater_row():
    """A row number written ``0000001`` is 1: it once outranked ``999999`` by its length, so a
    sheet could declare 16384 cells and ask a reader for 16 billion."""
    block = b'<row r="0000001"><c r="A0000001"/><c r="XFD999999"/></row>'
    assert wi._extent(block) == (16384, 999999)


def test_has_formula_looks_past_many_other_fs():
    assert wi._has_formula(b"f" * 100 + b"<f>")
    assert not wi._has_formula(b"f" * 100 + b"<v>1</v>")


def test_contains_looks_past_many_other_ms():
    assert wi._contains(b"m" * 100 + b"<dimension", b"dimension")
    assert not wi._contains(b"m" * 100 + b"<dimensio", b"dimension")
    assert not wi._contains(b"imension", b"dimension")  # its "m" too near the start


VALUE_FRAGMENTS = [b"<v>", b"</v>", b"<v/>", b'<v x="1">', b"<is>", b"<t>a</t>", b"</is>", b"<i", b"<", b">", b"1",
                   b' t="s"', b' t="str"', b' t="inlineStr"', b' t="b"', b' t="n"', b' t="e"', b' t="', b't="s"',
                   b'<c r="A1"', b'<c r="XFD7"', b"<c ", b"/>", b"</c>", b' s="1"', b" ", b"=", b'"',
                   b'<mergeCell ref="A1:C3"/>', b'<mergeCell ref="B9"/>', b"m"]


def _values_by_find(blocks: list[tuple[bytes, int]]) -> tuple | None:
    """What ``_ValueCount`` finds in ``blocks`` (text, length of its overlap with the last
    block), found by ``bytes.count``, ``find`` and the regexes, token by token."""
    counts, first_row, last_row, merged = dict.fromkeys(wi._TOKENS, 0), None, None, []
    for text, since in blocks:
        for key, token in wi._TOKENS.items():
            counts[key] += text.count(token) - text[:since].count(token)
        starts = [p for p in (text.find(b"<v>", max(since - 2, 0)), text.find(b"<is>", max(since - 3, 0))) if p >= 0]
        if starts and first_row is None:
            first_row = wi._cell_row(text, min(starts)) if min(starts) > 0 else None
            if first_row is None:
                return None
        last = max(text.rfind(b"<v>"), text.rfind(b"<is>"))
        if last >= 0 and last + 4 > since:
            last_row = wi._cell_row(text, last)
            if last_row is None:
                return None
        for m in wi._MERGE_REF.finditer(text):
            if m.end() > since:
                first = (int(m.group(2)) - 1, wi._column_number(m.group(1)) - 1)
                merged.append((first, (int(m.group(4)) - 1, wi._column_number(m.group(3)) - 1) if m.group(3) else first))
    return counts, first_row, last_row, merged


@pytest.mark.parametrize("seed", range(40))
def test_value_counts_equal_counting_token_by_token(seed):
    rng = random.Random(seed)
    for _ in range(100):
        sheet = b"".join(rng.choice(VALUE_FRAGMENTS) for _ in range(rng.randint(0, 40)))
        cut, overlap = rng.randint(0, len(sheet)), rng.randint(1, 12)
        first = sheet[:cut]
        blocks = [(first, 0), (first[-overlap:] + sheet[cut:], len(first[-overlap:]))]
        found = wi._ValueCount()
        for text, since in blocks:
            found.add(wi._Block(text), since)
        got = found.result("s")
        expected = _values_by_find(blocks)
        assert (got and (got.counts, got.first_row, got.last_row, got.merged)) == expected, sheet
