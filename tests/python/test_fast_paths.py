"""The fast paths give exactly what the exact paths give.

* ``seed_writer.render_text_csv`` (Arrow kernels) writes the same bytes as ``render_csv`` (the
  csv module), for any text cells, including the cells that need quoting and the frames it
  hands to ``render_csv`` (a carriage return, a single column, cells that are not text);
* ``column_types.profile(dates=False)`` (the ISO-date check skipped) types every column as
  the full profile does in ``idc`` mode;
* ``metadata.observed_values`` lists the same values whether or not its first rows decide;
* a table no cell of which needs quoting is written by Arrow's CSV writer with the csv
  module's bytes, and the seed round trip still stops bytes that read back otherwise;
* ``readers.read_csv`` (Arrow on a UTF-8 file's own bytes) reads every file as the decoded-text
  path does: the same cells, or the same error;
* ``seed_writer._dump_yaml`` (libyaml's emitter for printable ASCII documents) writes the
  Python emitter's bytes for any document.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.column_types import decide_type, profile
from curation.seed_writer import render_csv, render_text_csv

# characters the CSV rules care about, with ordinary and non-ASCII ones
CELL = st.one_of(st.none(), st.text(alphabet=list(',"\n\r \t#ab1é\u2028\\\''), max_size=5))
NAMES = st.lists(st.text(alphabet=list('ab,"1 '), min_size=1, max_size=4), min_size=1, max_size=4, unique=True)


@st.composite
def frames(draw) -> pd.DataFrame:
    names = draw(NAMES)
    n_rows = draw(st.integers(min_value=0, max_value=12))
    dtype = draw(st.sampled_from(["str", object]))
    return pd.DataFrame({name: pd.Series(draw(st.lists(CELL, min_size=n_rows, max_size=n_rows)), dtype=dtype)
                         for name in names})


@settings(max_examples=300, deadline=None)
@given(frames())
def test_text_csv_is_byte_identical_to_the_csv_module(frame):
    assert render_text_csv(frame) == render_csv(frame)


def test_text_csv_quotes_as_the_csv_module_does():
    frame = pd.DataFrame({"a,b": pd.Series(['x,y', 'say "hi"', "two\nlines", None, " pad "], dtype="str"),
                          "c": pd.Series(["1", "2", "3", "4", "5"], dtype="str")})
    assert render_text_csv(frame) == render_csv(frame)
    assert render_text_csv(frame).startswith(b'"a,b",c\n"x,y",1\n"say ""hi""",2\n"two\nlines",3\n,4\n pad ,5\n')


def test_text_csv_leaves_numbers_to_the_csv_module():
    frame = pd.DataFrame({"n": [1, 2], "f": [0.5, None], "s": ["a", "b"]})
    assert render_text_csv(frame) == render_csv(frame)


VALUES = st.one_of(st.sampled_from(["2020-01-31", "2020-02-30", "1999-12-01", "", " ", "NA", "TRUE", "7", "1.5",
                                    "1.0", "x"]), st.dates().map(str))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(VALUES, min_size=1, max_size=6), min_size=1, max_size=3), st.booleans())
def test_idc_types_do_not_depend_on_the_date_check(batches, missing):
    full = [profile(pd.Series(b, dtype="str")) for b in batches]
    fast = [profile(pd.Series(b, dtype="str"), dates=False) for b in batches]
    assert decide_type(fast, missing, "idc") == decide_type(full, missing, "idc")
    assert [(p.kind.value, p.has_blank) for p in fast] == [
        ("string" if p.kind.value == "date" else p.kind.value, p.has_blank) for p in full]


def _column(values: list[str | None], sql_type: str = "STRING"):
    from curation.table_builder import CuratedColumn

    return CuratedColumn("c", sql_type, pd.Series(values, dtype="str"), [])


@given(st.integers(min_value=0, max_value=2500), st.integers(min_value=1, max_value=25))
@settings(max_examples=50, deadline=None)
def test_observed_values_do_not_depend_on_where_the_values_are(head_rows, distinct):
    """The first rows decide early only when they already hold too many values."""
    from curation.metadata import MAX_LISTED_VALUES, observed_values

    values = ["same"] * head_rows + [str(i) for i in range(distinct)] + [None]
    listed = observed_values(_column(values))
    expected = sorted({v for v in values if v is not None})
    assert [v["option_code"] for v in listed] == (expected if len(expected) <= MAX_LISTED_VALUES else [])


def test_unquoted_tables_are_written_by_arrow_as_the_csv_module_writes_them():
    """No cell needs quoting: Arrow's writer gives the bytes (missing values, empty and
    padded cells, non-ASCII text); a cell that needs quoting sends the table to the quoting path."""
    from curation.seed_writer import _text_column, _unquoted_body

    frame = pd.DataFrame({"a": pd.Series(["x", None, "", " pad ", "é\u2028"], dtype="str"),
                          "b": pd.Series(["1", "2", None, "4", "5"], dtype=object)})
    columns = [_text_column(frame[c]) for c in frame.columns]
    assert _unquoted_body(columns) == render_csv(frame).split(b"\n", 1)[1]
    assert render_text_csv(frame) == render_csv(frame)
    for cell in (",", '"', "\n", "\r"):
        quoted = frame.assign(a=pd.Series(["x", f"a{cell}b", "", "d", "e"], dtype="str"))
        assert _unquoted_body([_text_column(quoted[c]) for c in quoted.columns]) is None
        assert render_text_csv(quoted) == render_csv(quoted)


def test_the_round_trip_finds_bytes_that_read_back_otherwise():
    """The read-back stops a seed whose bytes load another value, another row count or
    another header than the frame's, with or without quoted fields in the bytes."""
    import pytest

    from curation.errors import CurationError
    from curation.seed_writer import check_round_trip, render_seed

    frame = pd.DataFrame({"a": pd.Series(["x", "y,z", None], dtype="str"), "b": pd.Series(["1", "2", "3"], dtype="str")})
    data = render_seed(frame, "t")
    check_round_trip(frame, data, "t")
    for bad in (data.replace(b"x,1", b"w,1"), data + b"q,4\n", data.replace(b"a,b", b"a,c"),
                data.replace(b'"y,z"', b"y;z"), b"a,b\nx,1\ny;z,2\n,3\n".replace(b"3", b"4")):
        with pytest.raises(CurationError):
            check_round_trip(frame, bad, "t")
    plain = pd.DataFrame({"a": pd.Series(["x", "y"], dtype="str"), "b": pd.Series(["1", None], dtype="str")})
    check_round_trip(plain, b"a,b\nx,1\ny,\n", "t")
    with pytest.raises(CurationError):
        check_round_trip(plain, b"a,b\nx,1\ny,2\n", "t")
    blanks = pd.DataFrame({"a": pd.Series(["1", None], dtype="str"), "b": pd.Series(["a", None], dtype="str")})
    check_round_trip(blanks, b"a,b\n1,a\n,\n", "t")
    with pytest.raises(CurationError):  # an empty line is no row to DuckDB's reader: a row lost
        check_round_trip(blanks, b"a,b\n1,a\n\n", "t")
    one = pd.DataFrame({"a": pd.Series(["1", None], dtype="str")})
    check_round_trip(one, b"a\n1\n\n", "t")  # one column: the empty line is the empty field


# pieces of CSV bytes: separators, quotes, line ends, BOMs, valid multi-byte UTF-8 and byte
# strings Python's UTF-8 decoder refuses (surrogates, overlong forms, past U+10FFFF, cut short)
CSV_PIECES = st.sampled_from([b"a", b"1", b",", b",", b'"', b'""', b"\n", b"\r\n", b"\r", b" ", b";",
                              b"\xef\xbb\xbf", "é€\u2028".encode(), b"\xed\xa0\x80", b"\xc0\xaf",
                              b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xe9", b"\xff\xfe", b"'"])


def _read_outcome(read, data: bytes, encoding, quotechar, ragged):
    from curation.errors import CurationError, Where
    try:
        grid = read(data, ",", encoding, Where(table="t"), quotechar=quotechar, ragged_rows=ragged)
    except (CurationError, UnicodeDecodeError) as exc:
        return type(exc).__name__, str(exc)
    return grid.n_rows, [c.type for c in grid.columns], [c.to_pylist() for c in grid.columns]


@settings(max_examples=600, deadline=None)
@given(st.lists(CSV_PIECES, max_size=24).map(b"".join),
       st.sampled_from([None, "utf-8", "UTF_8", "utf-8-sig", "cp1252"]), st.sampled_from(['"', "'", None]), st.sampled_from(["error", "pad"]))
def test_csv_read_from_bytes_is_the_decoded_read(data, encoding, quotechar, ragged):
    """``read_csv`` (Arrow on the file's own bytes when they are UTF-8) reads every file as the
    exact path does (decode, check quotes on the text, re-encode): same cells, same errors."""
    from curation.readers import read_csv
    from curation.readers.csv_file import _read_csv_text

    assert _read_outcome(read_csv, data, encoding, quotechar, ragged) == \
        _read_outcome(_read_csv_text, data, encoding, quotechar, ragged)


def test_csv_read_from_bytes_takes_a_regular_utf8_file():
    """The bytes path reads a regular UTF-8 file (with or without BOM, quoted fields with
    delimiters and line feeds, non-ASCII text) itself, as the exact path would."""
    from curation.errors import Where
    from curation.readers.csv_file import _csv_utf8, _read_csv_text

    body = 'id,name,note\n1,"Smith, J","two\nlines"\n2,Zoë,"say ""hi"""\n3,€,\n'.encode()
    for data in (body, b"\xef\xbb\xbf" + body):
        fast = _csv_utf8(data, ",", None, '"')
        assert fast is not None
        exact = _read_csv_text(data, ",", None, Where(table="t"))
        assert [c.to_pylist() for c in fast.columns] == [c.to_pylist() for c in exact.columns]
        assert fast.columns[0].to_pylist() == ["id", "1", "2", "3"]
    assert _csv_utf8(body.decode().encode("cp1252"), ",", None, '"') is None  # not UTF-8: declined


# cells that never need quoting (the bytes Arrow's writer writes unquoted), with non-ASCII
PLAIN_CELL = st.one_of(st.none(), st.text(alphabet=list(" \tab1é\u2028;'\\"), max_size=4))


@st.composite
def unquoted_frames(draw) -> pd.DataFrame:
    names = draw(st.lists(st.text(alphabet=list('ab,"1 '), min_size=1, max_size=3), min_size=2, max_size=4,
                          unique=True))
    n_rows = draw(st.integers(min_value=1, max_value=8))
    return pd.DataFrame({name: pd.Series(draw(st.lists(PLAIN_CELL, min_size=n_rows, max_size=n_rows)), dtype="str")
                         for name in names})


def _unquoted(frame: pd.DataFrame):
    """The seed's bytes from Arrow's unquoted writer, its header's length and the text meant."""
    import pyarrow.compute as pc

    from curation.seed_writer import _render_text, _text_column

    columns = [_text_column(frame[c]) for c in frame.columns]
    data, header_end = _render_text(frame, columns)
    assert header_end is not None  # no cell needs quoting: Arrow's writer wrote the rows
    return data, header_end, [pc.fill_null(c, "") for c in columns]


def _edits(data: bytes, header_end: int, position: int, byte: int) -> list[bytes]:
    """The body with one byte changed, removed, or added, at ``position`` in the body."""
    at = header_end + position % (len(data) - header_end)
    changed = bytes([byte]) if byte != data[at] else bytes([(byte + 1) % 256])
    return [data[:at] + changed + data[at + 1:], data[:at] + data[at + 1:], data[:at] + bytes([byte]) + data[at:]]


@settings(max_examples=300, deadline=None)
@given(unquoted_frames(), st.integers(min_value=0), st.sampled_from(b'a1,"\n\r\x00\xc3\xa9 '))
def test_unquoted_seed_is_vouched_for_only_when_the_round_trip_holds(frame, position, byte):
    """What ``seed_check.unquoted_reads_back`` vouches for without parsing, the full round trip
    accepts too; and it vouches for no one-byte edit of the rows (a byte changed, lost or
    added: a quote, a comma, a line feed, a CR, a cell's byte), so render_seed parses such
    bytes back and the round trip decides (it stops them, but for the few that read back the
    same, such as the last line feed lost or a CR added before it)."""
    from curation.seed_check import check_round_trip, unquoted_reads_back

    data, header_end, meant = _unquoted(frame)
    assert unquoted_reads_back(frame, data, header_end, meant)
    check_round_trip(frame, data, "t", meant)
    for bad in _edits(data, header_end, position, byte):
        assert not unquoted_reads_back(frame, bad, header_end, meant)


def test_unquoted_seed_refuses_what_the_round_trip_refuses():
    """The cases the round trip stops (another value, an extra row, another header, a cell
    split by a delimiter) are not vouched for by the unquoted check either."""
    from curation.seed_check import unquoted_reads_back

    frame = pd.DataFrame({"a": pd.Series(["x", "yz", None], dtype="str"), "b": pd.Series(["1", "2", "3"], dtype="str")})
    data, header_end, meant = _unquoted(frame)
    assert data == b"a,b\nx,1\nyz,2\n,3\n" and header_end == 4
    assert unquoted_reads_back(frame, data, header_end, meant)
    for bad in (data.replace(b"x,1", b"w,1"), data + b"q,4\n", data.replace(b"yz,2", b"y,z2"),
                data.replace(b"yz,2", b'"yz",2'), data.replace(b"\nyz", b"\ry"), data.replace(b"x,1\n", b"")):
        assert not unquoted_reads_back(frame, bad, header_end, meant)
    assert not unquoted_reads_back(frame, data.replace(b"a,b", b"a,c"), header_end, meant)
    assert not unquoted_reads_back(frame, data, header_end - 1, meant)  # the header's length is checked


@pytest.mark.parametrize("long", [2**15 - 3, 2**15 - 2, 2**15 - 1, 2**15 + 5])
def test_unquoted_seed_with_long_and_chunked_cells_is_vouched_for(long):
    """Cells' widths are counted in 16 bits only when every cell is shorter than 32 KiB; a
    longer cell (or one just at the limit), and columns of several chunks, are vouched for as
    well, and an edit of them is not."""
    import pyarrow as pa

    from curation.seed_check import unquoted_reads_back

    texts = ["a" * long, "b", "", "cc"] * 3
    chunked = pa.chunked_array([pa.array(texts[:5], pa.large_string()), pa.array(texts[5:], pa.large_string())])
    frame = pd.DataFrame({"a": pd.Series(chunked, dtype="str"), "b": pd.Series([str(i) for i in range(12)], dtype="str")})
    data, header_end, meant = _unquoted(frame)
    assert isinstance(meant[0], pa.ChunkedArray) and meant[0].num_chunks == 2
    assert unquoted_reads_back(frame, data, header_end, meant)
    assert not unquoted_reads_back(frame, data.replace(b"a,0", b"a,00", 1), header_end, meant)
    assert not unquoted_reads_back(frame, data.replace(b"aa", b"a", 1), header_end, meant)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), min_size=0, max_size=12))
def test_selected_rows_are_the_filtered_rows(mask):
    """``batch_reader._selected_rows`` slices a run of rows, and gives the rows the mask
    filters, whatever the mask."""
    import numpy as np
    import pyarrow as pa

    from curation.batch_reader import _selected_rows

    column = pa.array([str(i) for i in range(len(mask))], type=pa.large_string())
    mask = np.array(mask, dtype=bool)
    assert _selected_rows(mask)(column).to_pylist() == column.filter(pa.array(mask, type=pa.bool_())).to_pylist()


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, min_size=0, max_size=6), st.booleans())
def test_profile_of_arrow_cells_is_the_profile_of_their_series(values, dates):
    """``profile`` takes a batch's cells as Arrow (the reader's) or as a pandas Series alike."""
    import pyarrow as pa

    arrow = pa.array(values, type=pa.large_string())
    assert repr(profile(arrow, dates)) == repr(profile(pd.Series(arrow, dtype="str"), dates))


# strings YAML cares about: indicators, quotes, words it reads as other types, long lines; and
# characters outside printable ASCII (which the Python emitter folds at other points)
YAML_TEXT = st.one_of(
    st.text(alphabet=list("ab XY:#-'\"{}[],&*!|>%@`\\/?.=0~^_;+()$<"), max_size=230),
    st.sampled_from(["yes", "no", "on", "null", "~", "1e3", "0x1", "2020-01-01", "-", "? x", " lead", "trail ",
                     "a: b", "a #b", "{{ doc('x') }}", "'", ""]),
    st.text(alphabet=list("ab :\"\\é漢😀\t\n\u2028\x85\x07"), max_size=230),
)
YAML_DOCS = st.recursive(st.one_of(YAML_TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)),
                         lambda children: st.one_of(st.lists(children, max_size=4),
                                                    st.dictionaries(YAML_TEXT, children, max_size=4)),
                         max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(YAML_TEXT, YAML_DOCS, max_size=5))
def test_yaml_is_the_python_emitters_whichever_emitter_writes_it(document):
    import yaml

    from curation.seed_writer import _dump_yaml

    expected = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
    assert _dump_yaml(document) == expected
