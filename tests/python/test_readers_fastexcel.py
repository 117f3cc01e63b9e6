"""The fast xlsx/xlsm path (fastexcel to Arrow) gives exactly python-calamine's Grid, or steps
aside (curation/readers/fastexcel_path.py ``read_fastexcel``): on every workbook of the repository's real
sources, and on hostile workbooks made here."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from curation.errors import Where
from curation.readers import Grid, inspect_bounds, read_workbook
from curation.readers.fastexcel_path import _DAY_MS, _EPOCH_MS, _durations_text, _times_text, read_fastexcel
from curation.readers.grid import cell_text
from curation.readers.workbook import _read_calamine

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
WHERE = Where(recipe="demo.yaml", file="book.xlsx")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _workbooks() -> list[tuple[str, bytes]]:
    """Every xlsx/xlsm under data/sources, loose or inside a ZIP archive."""
    found = []
    for path in sorted(SOURCES.rglob("*")):
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            found.append((str(path.relative_to(SOURCES)), path.read_bytes()))
        elif path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in sorted(archive.namelist()):
                    if member.lower().endswith(WORKBOOK_SUFFIXES):
                        found.append((f"{path.relative_to(SOURCES)}!{member}", archive.read(member)))
    return found


def _sheets() -> list[tuple[str, bytes, str]]:
    cases = []
    for label, data in _workbooks():
        try:
            names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
        except Exception:  # not a workbook calamine opens (e.g. macOS resource forks): no calamine Grid
            names = []
        cases.extend((label, data, name) for name in names)
    return cases


def _same(fast: Grid, slow: Grid) -> None:
    assert fast.n_rows == slow.n_rows
    assert len(fast.columns) == len(slow.columns)
    for j, (a, b) in enumerate(zip(fast.columns, slow.columns)):
        assert a.type == b.type, j
        assert a.to_pylist() == b.to_pylist(), f"column {j}"
    assert fast.merged == slow.merged
    assert fast.sheet_name == slow.sheet_name


def _fast(data: bytes, sheet: int | str = 0) -> Grid | None:
    return read_fastexcel(data, sheet, WHERE, inspect_bounds(data, sheet, WHERE, "xlsx"))


CORPUS = _sheets()


def test_the_corpus_has_workbooks():
    assert CORPUS, "data/sources holds xlsx workbooks"


@pytest.mark.parametrize("label,data,sheet", CORPUS, ids=[f"{c[0]}:{c[2]}" for c in CORPUS])
def test_real_sources_fast_path_equals_calamine(label: str, data: bytes, sheet: str):
    slow = _read_calamine(data, sheet, WHERE)
    fast = _fast(data, sheet)
    if fast is not None:
        _same(fast, slow)
    _same(read_workbook(data, sheet, WHERE), read_workbook(data, sheet, WHERE, engine="calamine"))


def _book(rows: list[list], *, merged: tuple[str, ...] = (), formats: dict[str, str] | None = None,
          errors: dict[str, str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(i, j, value)
    for ref, fmt in (formats or {}).items():
        cells = ws[ref]
        for row in cells if isinstance(cells, tuple) else ((cells,),):
            for cell in row:
                cell.number_format = fmt
    for ref, code in (errors or {}).items():
        ws[ref].value = code
        ws[ref].data_type = "e"
    for ref in merged:
        ws.merge_cells(ref)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FLOATS = [1.5, 2, -0.0, 0.1, 1e-5, 1.5e-5, 0.0001, 1e16, 1.5e16, 2**53 + 1, 2.0**63, 2.0**70, 1e300,
          5e-324, 123456789.123456789, 0.1234567891234, 29.020000000000003, -7, 1e15 + 0.3, 99999.99999]
SERIALS = [0, 0.5, 0.999988, 1, 1.25, 59, 60, 60.5, 61, 43832.123456789, 43832.0000057, 2958465.9999999,
           36526.999999999, 25569.0004]


def _clean_rows() -> list[list]:
    n = len(FLOATS)
    rows = [["id", "number", "flag", "when", "span", "text", "sparse"]]
    for i in range(max(n, len(SERIALS))):
        rows.append([f"P{i:03d}", FLOATS[i % n], i % 3 == 0, SERIALS[i % len(SERIALS)],
                     SERIALS[i % len(SERIALS)], ["01", "1.50", "NA", " x ", "TRUE", "1e5"][i % 6],
                     None if i % 4 else 0.25 * i])
    return rows


CLEAN = {
    "numbers, booleans, date-times, durations, numbers stored as text": dict(
        rows=_clean_rows(), formats={"D2:D40": "yyyy-mm-dd hh:mm:ss", "E2:E40": "[h]:mm:ss"}),
    "leading blank rows and columns, merged cells": dict(
        rows=[[], [], [None, None, "a", "b"], [None, None, 1, "x"], [None, None, 2.5, None],
              [None, None, None, "y"]], merged=("C6:D7", "A1:B2", "E9")),
    "dates and times by type": dict(
        rows=[["d", "t", "dt"]] + [[dt.date(1900, 1, 1) + dt.timedelta(days=37 * i), dt.time(i % 24, 7, 3),
                                     dt.datetime(2020, 1, 2, 3, 4, 5, 1000 * i)] for i in range(40)]),
    "one text column": dict(rows=[["only"], ["a"], ["b"]]),
}


@pytest.mark.parametrize("seed", range(6))
def test_times_text_is_cell_text_of_the_values_calamine_reads(seed):
    """Date-times (not midnight) and times of 1899-12-31, whole seconds or with milliseconds,
    before and after 1970: the kernels write what ``cell_text`` writes of python-calamine's value."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ms = np.concatenate([rng.integers(_EPOCH_MS, 253402300799999, 300), _EPOCH_MS + rng.integers(0, _DAY_MS, 100),
                         rng.integers(-25567, 2932896, 100) * _DAY_MS + rng.integers(1, 86400, 100) * 1000,
                         np.array([_EPOCH_MS, _EPOCH_MS + _DAY_MS - 1, -1, 1, 999])])
    ms = ms[(ms % _DAY_MS != 0) | (ms < _EPOCH_MS + _DAY_MS)]  # midnights after day one are dates, not these

    def calamine_value(value: int):
        moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=value)
        return moment.time() if moment.date() == dt.date(1899, 12, 31) else moment

    assert _times_text(ms).to_pylist() == [cell_text(calamine_value(v)) for v in ms.tolist()]


@pytest.mark.parametrize("seed", range(6))
def test_durations_text_is_cell_text_of_every_timedelta(seed):
    """Durations of days (one, several, negative: floored), hours, seconds and milliseconds."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ms = np.concatenate([rng.integers(-10**11, 10**11, 300), rng.integers(-10**6, 10**6, 100),
                         rng.integers(-3, 4, 20) * _DAY_MS, np.array([0, 1, -1, _DAY_MS - 1, -_DAY_MS])])
    assert _durations_text(ms).to_pylist() == [cell_text(dt.timedelta(milliseconds=v)) for v in ms.tolist()]


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_clean_workbooks_take_the_fast_path_and_equal_calamine(case: str):
    data = _book(**CLEAN[case])
    fast = _fast(data)
    assert fast is not None, "a workbook without mixed columns is read through fastexcel"
    _same(fast, _read_calamine(data, 0, WHERE))
    _same(read_workbook(data, 0, WHERE), read_workbook(data, 0, WHERE, engine="calamine"))


HOSTILE = {
    "numbers and words in one column": dict(rows=[["v"], [1.5], ["word"], [1e-5], [True]]),
    "NA text in a number column": dict(rows=[["v"], [1.5], ["NA"], [2]]),
    "null-looking texts in a boolean column": dict(rows=[["v"], [True], ["null"], [False]]),
    "nan text in a number column": dict(rows=[["v"], [1.5], ["nan"], [2]]),
    "booleans mixed with numbers": dict(rows=[["v"], [True], [1], [0.5], [False]]),
    "booleans mixed with integers": dict(rows=[["v"], [True], [1], [0]]),
    "error cells": dict(rows=[["v", "w"], [1, 2], [3, 4]], errors={"A2": "#N/A", "B3": "#DIV/0!"}),
    "date-times mixed with durations": dict(rows=[["v"], [1.5], [2.25]], formats={"A2": "yyyy-mm-dd hh:mm",
                                                                                  "A3": "[h]:mm"}),
    "dates mixed with numbers": dict(rows=[["v"], [dt.date(2020, 1, 2)], [3.5]]),
    "duplicate header names": dict(rows=[["a", "a", "a_1"], [1, 2, 3]]),
    "a numeric header": dict(rows=[["a", 2019, 0.1234567891234], ["x", 2, 3]]),
    "a boolean header": dict(rows=[["a", True], ["x", 2]]),
    "a title row above the header": dict(rows=[["Title"], [], ["a", "b"], [1, 2.5], [3, 4]]),
    "a blank header cell": dict(rows=[["a", None, "c"], [1, 2, 3]]),
    "a header named like a generated one": dict(rows=[["__UNNAMED__1", None], [1, 2]]),
    "formulas without cached values": dict(rows=[["a", "b"], [1, "=A2*2"], [2, "=SUM(A2:A3)"]]),
    "empty sheet": dict(rows=[]),
    "a header only": dict(rows=[[None, "a", "b"]]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_workbooks_equal_calamine(case: str):
    data = _book(**HOSTILE[case])
    slow = _read_calamine(data, 0, WHERE)
    fast = _fast(data)
    if fast is not None:
        _same(fast, slow)
    _same(read_workbook(data, 0, WHERE), read_workbook(data, 0, WHERE, engine="calamine"))


@pytest.mark.parametrize("case", ["numbers and words in one column", "NA text in a number column",
                                  "null-looking texts in a boolean column", "nan text in a number column",
                                  "booleans mixed with numbers", "booleans mixed with integers", "error cells",
                                  "duplicate header names", "a numeric header", "a boolean header",
                                  "a title row above the header"])
def test_what_fastexcel_would_change_goes_to_calamine(case: str):
    """Each of these reads differently through fastexcel (coerced, nulled, renamed): the checks
    must see it, not the comparison above by luck."""
    assert _fast(_book(**HOSTILE[case])) is None


def test_engine_calamine_does_not_use_fastexcel(monkeypatch):
    import curation.readers.workbook as workbook

    def refuse(*args, **kwargs):
        raise AssertionError("fastexcel used")

    monkeypatch.setattr(workbook, "read_fastexcel", refuse)
    data = _book(**CLEAN["one text column"])
    assert read_workbook(data, 0, WHERE, engine="calamine").rows == [["only"], ["a"], ["b"]]
    assert read_workbook(data, 0, WHERE, engine="openpyxl").rows == [["only"], ["a"], ["b"]]


def _loose_sheets() -> list[tuple[str, str]]:
    """(path, sheet) of every sheet of each workbook file under data/sources (not in a ZIP)."""
    cases = []
    for path in sorted(SOURCES.rglob("*")):
        if path.suffix.lower() in (*WORKBOOK_SUFFIXES, ".xls", ".xlsb"):
            try:
                names = CalamineWorkbook.from_path(str(path)).sheet_names
            except Exception:  # not a workbook calamine opens (e.g. macOS resource forks)
                continue
            cases.extend((str(path.relative_to(SOURCES)), name) for name in names)
    return cases


@pytest.mark.parametrize(("label", "sheet"), _loose_sheets())
def test_a_workbook_read_from_its_path_is_the_one_read_from_its_bytes(label: str, sheet: str):
    path = SOURCES / label
    file_format = path.suffix.lower().lstrip(".")
    for engine in ("auto", "calamine"):
        _same(read_workbook(path, sheet, WHERE, file_format=file_format, engine=engine),
              read_workbook(path.read_bytes(), sheet, WHERE, file_format=file_format, engine=engine))
    if file_format in ("xlsx", "xlsm"):
        by_path, by_bytes = read_fastexcel(path, sheet, WHERE, inspect_bounds(path, sheet, WHERE, file_format)), _fast(
            path.read_bytes(), sheet)
        assert (by_path is None) == (by_bytes is None)
        if by_path is not None:
            _same(by_path, by_bytes)


def test_openpyxl_reads_a_workbook_from_its_path(tmp_path):
    data = _book(**HOSTILE["numbers and words in one column"])
    (tmp_path / "book.xlsx").write_bytes(data)
    _same(read_workbook(tmp_path / "book.xlsx", 0, WHERE, engine="openpyxl"),
          read_workbook(data, 0, WHERE, engine="openpyxl"))


def test_a_workbook_path_that_is_not_a_workbook_is_unreadable(tmp_path):
    from curation.errors import CurationError, Reason

    (tmp_path / "book.xlsx").write_bytes(b"pid,age\n1,2\n")
    with pytest.raises(CurationError) as caught:
        read_workbook(tmp_path / "book.xlsx", 0, WHERE)
    assert caught.value.reason is Reason.UNREADABLE and "cannot open the workbook" in str(caught.value)
