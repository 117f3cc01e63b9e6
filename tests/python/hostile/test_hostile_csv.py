"""CSV reading never loses rows: stray quotes and mixed encodings stop the run, naming the line."""

from __future__ import annotations

import pytest

from curation.errors import CurationError, Reason
from helpers.curate import curate

RECIPE = """\
    collection_id: demo
    type_mode: inferred
    tables:
      - batches:
          - files: [data.csv]
            patient_column: patient
            {extra}
    """


def _curate(tmp_path, data: bytes, extra: str = ""):
    return curate(tmp_path, RECIPE.format(extra=extra), {"data.csv": data})


def _error(tmp_path, data: bytes, extra: str = "") -> CurationError:
    with pytest.raises(CurationError) as caught:
        _curate(tmp_path, data, extra)
    return caught.value


def test_an_unterminated_quote_is_an_error_not_one_merged_row(tmp_path):
    error = _error(tmp_path, b'patient,note\nP1,ok\nP2,"open\nP3,lost\nP4,lost\n')
    assert error.reason is Reason.MALFORMED_CSV
    assert error.where.file == "data.csv" and error.where.row == 3
    assert "not closed" in error.message


def test_a_quote_inside_an_unquoted_field_is_an_error(tmp_path):
    error = _error(tmp_path, b'patient,height\nP1,5\'10"\nP2,6\n')
    assert error.reason is Reason.MALFORMED_CSV and error.where.row == 2
    assert "inside an unquoted field" in error.message


def test_text_after_a_closing_quote_is_an_error(tmp_path):
    error = _error(tmp_path, b'patient,note\nP1,"a"b\nP2,c\n')
    assert error.reason is Reason.MALFORMED_CSV and error.where.row == 2


def test_well_formed_quoting_reads_every_row(tmp_path):
    data = b'patient,note\nP1,"a, ""quoted"" note"\n"P2","two\nlines"\nP3,""\n'
    (table,) = _curate(tmp_path, data)
    assert table.report.rows_read == 3 and table.report.rows_written == 3
    assert table.frame()["note"].tolist() == ['a, "quoted" note', "two\nlines", ""]


def test_quotechar_null_reads_quotes_as_text(tmp_path):
    (table,) = _curate(tmp_path, b'patient,height\nP1,5\'10"\nP2,6\n', extra="quotechar: null")
    assert table.frame()["height"].tolist() == ["5'10\"", "6"]


def test_a_file_mixing_utf8_and_cp1252_is_an_error(tmp_path):
    data = "patient,site\nP1,Málaga\n".encode("utf-8") + "P2,Zürich\n".encode("cp1252")
    error = _error(tmp_path, data)
    assert error.reason is Reason.MIXED_ENCODING and error.where.row == 2 and error.where.file == "data.csv"


@pytest.mark.parametrize(("lookalike", "text"), [(b"\xed\xa0\x80", "í\xa0€"), (b"\xe0\x80\x80", "à€€"),
                                               (b"\xf4\x90\x80\x80", "ô\x90\x80\x80")])
def test_bytes_shaped_like_utf8_but_no_character_are_not_utf8(tmp_path, lookalike, text):
    """A surrogate, an overlong form or a code point past U+10FFFF is not UTF-8: such bytes in
    a file are cp1252 (else latin-1) text, as the detection order says (this stopped the run
    with a UnicodeDecodeError before), and a real UTF-8 sequence after them still makes the
    file a mixed one."""
    (table,) = _curate(tmp_path / "one", b"patient,site\nP1," + lookalike + b"\n")
    assert table.frame()["site"].tolist() == [text]
    error = _error(tmp_path / "mixed", b"patient,site\nP1," + lookalike + b"\nP2," + "é".encode() + b"\n")
    assert error.reason is Reason.MIXED_ENCODING and error.where.row == 3


def test_a_declared_encoding_reads_a_mixed_file_as_declared(tmp_path):
    data = "patient,site\nP1,Málaga\n".encode("utf-8") + "P2,Zürich\n".encode("cp1252")
    (table,) = _curate(tmp_path, data, extra="encoding: cp1252")
    assert table.frame()["site"].tolist() == ["MÃ¡laga", "Zürich"]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_file_in_one_encoding_is_detected(tmp_path, encoding):
    (table,) = _curate(tmp_path, "patient,site\nP1,Zürich\nP2,São Paulo\n".encode(encoding))
    assert table.frame()["site"].tolist() == ["Zürich", "São Paulo"]
