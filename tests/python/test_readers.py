"""Readers (curation/readers/): spreadsheet cells and CSV bytes to the texts the seeds use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers.curate import curate_in_process
from helpers.files import write_recipe, write_xlsx
from curation.errors import CurationError, Reason, Where
from curation.readers import cell_text, read_csv, read_grid, read_workbook
from curation.readers.grid import floats_text

WHERE = Where(recipe="demo.yaml", file="data")


@pytest.fixture
def workbook(tmp_path: Path) -> bytes:
    rows = [
        ["patient", "whole", "decimal", "date", "datetime", "flag", "text", "empty", "int"],
        ["P1", 12.0, 3.25, dt.date(2012, 1, 3), dt.datetime(2012, 1, 3, 13, 45, 7), True, "NA", None, 7],
        ["P2", -4.0, 0.1, dt.date(1999, 12, 31), dt.datetime(1999, 12, 31, 0, 0), False, " x ", None, 0],
    ]
    path = write_xlsx(tmp_path / "book.xlsx", {"first": [["other"]], "data": rows})
    return path.read_bytes()


def test_xlsx_cells_as_text(workbook: bytes):
    grid = read_workbook(workbook, "data", WHERE)
    assert grid.sheet_name == "data"
    assert grid.rows[1] == ["P1", "12", "3.25", "2012-01-03", "2012-01-03 13:45:07", "TRUE", "NA", "", "7"]
    assert grid.rows[2] == ["P2", "-4", "0.1", "1999-12-31", "1999-12-31", "FALSE", " x ", "", "0"]


def test_xlsx_sheet_by_index(workbook: bytes):
    assert read_workbook(workbook, 0, WHERE).rows == [["other"]]
    assert read_workbook(workbook, 1, WHERE).sheet_name == "data"


def test_xlsx_missing_sheet(workbook: bytes):
    with pytest.raises(CurationError) as caught:
        read_workbook(workbook, "Data", WHERE)
    assert caught.value.reason is Reason.SHEET_MISSING
    assert "'first'" in str(caught.value) and "'data'" in str(caught.value)


def test_not_a_workbook_is_unreadable():
    with pytest.raises(CurationError) as caught:
        read_workbook(b"pid,age\n1,2\n", 0, WHERE)
    assert caught.value.reason is Reason.UNREADABLE


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (12.0, "12"),
        (-0.0, "0"),
        (1e20, "100000000000000000000"),
        (2.5, "2.5"),
        (0.1, "0.1"),
        (float("nan"), ""),
        (True, "TRUE"),
        (False, "FALSE"),
        (42, "42"),
        (dt.date(2020, 2, 29), "2020-02-29"),
        (dt.datetime(2020, 2, 29), "2020-02-29"),
        (dt.datetime(2020, 2, 29, 8, 5), "2020-02-29 08:05:00"),
        (dt.time(8, 5), "08:05:00"),
        ("  kept  ", "  kept  "),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize("seed", range(12))
def test_floats_text_is_cell_text_of_every_value(seed):
    """The kernels (all whole, none whole, a mix; huge, tiny, -0.0) write what ``cell_text`` writes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    pools = [rng.integers(-10**6, 10**6, n).astype(float), np.round(rng.normal(0, 50, n), 3),
             rng.normal(0, 1, n) * 10.0 ** rng.integers(-12, 25, n), np.array([-0.0, 2.0**63, -(2.0**63), 1e16, 9.5e15])]
    shape = seed % 4
    values = pools[shape] if shape != 3 else np.concatenate([rng.choice(p, n) for p in pools])
    assert floats_text(values).to_pylist() == [cell_text(v) for v in values.tolist()]


def test_xlsx_end_to_end_types(tmp_path: Path):
    """Whole-number cells stay integers, booleans BOOLEAN and dates DATE in the seed (inferred mode)."""
    write_xlsx(tmp_path / "sources" / "demo" / "labs.xlsx", {"labs": [
        ["pid", "count", "flag", "seen"],
        [101.0, 3.0, True, dt.date(2020, 1, 2)],
        [102.0, 4.0, False, dt.date(2021, 3, 4)],
    ]})
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        type_mode: inferred
        tables:
          - batches: [{files: [labs.xlsx], sheet: labs, patient_column: pid}]
    """)
    curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    text = (tmp_path / "out" / "clinical" / "demo_clinical.csv").read_text()
    assert text.splitlines() == [
        "dicom_patient_id,source_batch,pid,count,flag,seen",
        "101,0,101,3,true,2020-01-02",
        "102,0,102,4,false,2021-03-04",
    ]


# CSV ------------------------------------------------------------------------------------

def test_csv_with_bom():
    grid = read_csv("\ufeffProxID,Zone\r\nProstateX-0000,PZ\r\n".encode("utf-8"), ",", None, WHERE)
    assert grid.rows == [["ProxID", "Zone"], ["ProstateX-0000", "PZ"]]
    assert grid.sheet_name is None


@pytest.mark.parametrize("encoding,declared", [("utf-8-sig", None), ("utf-8-sig", "utf-8"), ("utf-16", None)])
def test_csv_second_byte_order_mark_is_the_first_cell_s_text(encoding, declared):
    """One byte-order mark is the encoding's; a second one after it is text (U+FEFF) of the
    first header cell, which every path keeps (Arrow's reader had dropped it as a mark)."""
    data = "\ufeffpid,v\nP1,2\n".encode(encoding)
    assert read_csv(data, ",", declared, WHERE).rows == [["\ufeffpid", "v"], ["P1", "2"]]


def test_csv_cp1252_is_detected():
    data = "Patient;Größe;Notiz\nP1;1,80;caf\u00e9 \u2013 ok \u20ac\n".encode("cp1252")
    grid = read_csv(data, ";", None, WHERE)
    assert grid.rows == [["Patient", "Größe", "Notiz"], ["P1", "1,80", "café – ok €"]]


def test_csv_latin1_fallback_for_bytes_cp1252_lacks():
    data = b"pid,v\nP1,a\x81b\n"  # 0x81 is undefined in cp1252
    assert read_csv(data, ",", None, WHERE).rows[1] == ["P1", "a\x81b"]


def test_csv_utf8_is_preferred_over_cp1252():
    data = "pid,name\nP1,Zoë\n".encode("utf-8")
    assert read_csv(data, ",", None, WHERE).rows[1] == ["P1", "Zoë"]


def test_csv_explicit_encoding_error_names_the_line():
    data = b"pid,v\nP1,ok\nP2,caf\xe9\n"
    with pytest.raises(CurationError) as caught:
        read_csv(data, ",", "utf-8", WHERE)
    assert caught.value.reason is Reason.UNREADABLE
    assert caught.value.where.row == 3


def test_csv_quoted_fields_and_tsv():
    data = b'pid,pos\nP1,"1,2,3"\nP2,"say ""hi"""\n'
    assert read_csv(data, ",", None, WHERE).rows[1:] == [["P1", "1,2,3"], ["P2", 'say "hi"']]
    tsv = read_grid(b"pid\tv\nP1\t1,5\n", "tsv", sheet=0, delimiter=None, encoding=None, where=WHERE)
    assert tsv.rows == [["pid", "v"], ["P1", "1,5"]]


def test_cp1252_csv_end_to_end(tmp_path: Path):
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "a.csv").write_bytes("\ufeffpid,Größe\nP1,caf\u00e9\n".encode("utf-8"))
    (tmp_path / "sources" / "demo" / "b.csv").write_bytes("pid,Größe\nP2,na\u00efve\n".encode("cp1252"))
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        tables:
          - batches: [{files: [a.csv], patient_column: pid}, {files: [b.csv], patient_column: pid}]
    """)
    curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "clinical" / "demo_clinical.csv", dtype=str, encoding="utf-8")
    assert list(table.columns) == ["dicom_patient_id", "source_batch", "pid", "gre"]
    assert table["gre"].tolist() == ["café", "naïve"]


def test_utf16_csv_with_bom_is_detected(tmp_path):
    """A UTF-16 CSV (with its byte-order mark) decodes instead of failing as ragged rows."""
    from curation.errors import Where
    from curation.readers.csv_file import _decode

    text = "pid,v\r\nP1,\u00e9\r\nP2,2\r\n"
    assert _decode(text.encode("utf-16"), None, Where()) == text


def test_a_password_protected_workbook_is_refused_from_its_path(tmp_path):
    from helpers.files import encrypted_xlsx

    (tmp_path / "locked.xlsx").write_bytes(encrypted_xlsx())
    with pytest.raises(CurationError) as caught:
        read_workbook(tmp_path / "locked.xlsx", 0, WHERE)
    assert caught.value.reason is Reason.UNREADABLE and "password-protected" in str(caught.value)


def test_the_source_has_a_path_only_when_it_is_the_downloaded_file(tmp_path):
    import zipfile

    from curation.sources import open_chain

    (tmp_path / "book.xlsx").write_bytes(b"PK not really")
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.writestr("inner.csv", "pid\nP1\n")
    loose = open_chain(tmp_path, ["book.xlsx"], WHERE)
    assert loose.path == tmp_path / "book.xlsx" and loose.path.read_bytes() == loose.data
    member = open_chain(tmp_path, ["data.zip", "inner.csv"], WHERE)
    assert member.path is None and member.data == b"pid\nP1\n"


def test_a_loose_workbook_opened_by_path_is_not_read_into_memory(tmp_path):
    """by_path: the reader opens the file itself; the md5 kept is the file's, streamed."""
    import hashlib
    import zipfile

    from curation.sources import open_chain

    book = write_xlsx(tmp_path / "book.xlsx", {"data": [["pid"], ["P1"]]})
    opened = open_chain(tmp_path, ["book.xlsx"], WHERE, by_path=True)
    assert opened.data is None and opened.path == book
    assert opened.downloaded_md5 == hashlib.md5(book.read_bytes()).hexdigest()
    opened.check_unchanged(WHERE)
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:  # a member has no path: its bytes
        archive.writestr("inner.csv", "pid\nP1\n")
    member = open_chain(tmp_path, ["data.zip", "inner.csv"], WHERE, by_path=True)
    assert member.path is None and member.data == b"pid\nP1\n"


def test_a_workbook_changed_while_it_is_read_stops_the_batch(tmp_path, monkeypatch):
    """The md5 is taken before the reader opens the path again: a file rewritten in between
    would be recorded with the md5 of content it was not read from (it was not checked)."""
    from curation import batch_reader

    book = write_xlsx(tmp_path / "sources" / "demo" / "labs.xlsx", {"labs": [["pid"], ["P1"]]})
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        tables:
          - batches: [{files: [labs.xlsx], sheet: labs, patient_column: pid}]
    """)
    real = batch_reader.read_grid

    def read_then_rewrite(data, *args, **kwargs):
        grid = real(data, *args, **kwargs)
        write_xlsx(book, {"labs": [["pid"], ["P1"], ["P2"]]})  # another program saves the workbook
        return grid

    monkeypatch.setattr(batch_reader, "read_grid", read_then_rewrite)
    with pytest.raises(CurationError) as caught:
        curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    assert caught.value.reason is Reason.UNREADABLE and "changed while it was being read" in str(caught.value)
    assert not (tmp_path / "out").exists()


def _mixed_csv(rows: int, quoted: bool) -> bytes:
    """Columns of every kind the typing tells apart, with blanks, whitespace, leading zeros,
    NA tokens and (``quoted``) quoted cells, so that each block of a small block size sees
    other values."""
    lines = ["pid,int,float,word,date,flag,padded,spaced,na,mixed"]
    for i in range(rows):
        lines.append(",".join([
            f"P{i:04d}", str(i * 7 - 300), f"{i / 8:.3f}" if i % 5 else "", ["alpha", "beta", " gamma "][i % 3],
            f"20{i % 30:02d}-0{1 + i % 9}-1{i % 10}", ["TRUE", "false"][i % 2], f"{i % 13:03d}",
            "  " if i % 17 == 0 else f" v{i} ", "NA" if i % 11 == 0 else str(i), "x" if i == rows - 1 else str(i),
        ]))
    if quoted:  # quoted fields in a middle block: the seed quotes them too
        lines[rows // 2] = lines[rows // 2].replace(",alpha,", ',"alp,ha",').replace(",beta,", ',"be""ta",')
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("type_mode", ["idc", "inferred"])
def test_a_csv_read_in_many_blocks_curates_as_in_one(tmp_path: Path, monkeypatch, type_mode: str, quoted: bool):
    """Arrow reads a large file in blocks, one chunk of every column each, and the chunks are
    kept as they are: the seeds and metadata are the same bytes as from one block."""
    from curation.readers import csv_file

    (tmp_path / "sources" / "demo").mkdir(parents=True)
    data = _mixed_csv(400, quoted)
    (tmp_path / "sources" / "demo" / "a.csv").write_bytes(data)
    write_recipe(tmp_path / "recipes", "demo.yaml", f"""
        collection_id: demo
        type_mode: {type_mode}
        tables:
          - batches: [{{files: [a.csv], patient_column: pid}}]
    """)
    outputs = {}
    for block_size in (1 << 30, 512):
        monkeypatch.setattr(csv_file, "_BLOCK_SIZE", block_size)
        grid = read_csv(data, ",", None, WHERE)
        assert all(getattr(c, "num_chunks", 1) > 1 for c in grid.columns) == (block_size == 512)
        out = tmp_path / f"out{block_size}"
        curate_in_process(tmp_path / "recipes", tmp_path / "sources", out)
        outputs[block_size] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert outputs[512] == outputs[1 << 30]
