"""Bounded resources: ZIP bombs, far-out workbook cells, and the peak memory of a hostile run.

Each bomb is refused from what the file declares (ZipInfo sizes, the sheet's cell
references) before anything is inflated or allocated; the limits are ``curation.limits``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from curation import limits
from curation.errors import CurationError, Reason
from helpers.curate import curate
from helpers.files import csv_bytes, zipped
from hostile_files import inline, number, raw_xlsx, understating_zip, zip_bomb

CSV_RECIPE = """\
    collection_id: demo
    type_mode: inferred
    tables:
      - batches:
          - files: {files}
            patient_column: patient
    """
XLSX_RECIPE = CSV_RECIPE.replace("patient_column: patient", "patient_column: patient\n            format: xlsx")
OVER_DEFAULT = limits.Limits().max_member_bytes + (1 << 20)


def _raises(tmp_path, recipe, files) -> CurationError:
    with pytest.raises(CurationError) as caught:
        curate(tmp_path, recipe, files)
    return caught.value


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb("data.csv", OVER_DEFAULT)


def test_a_zip_bomb_is_refused_from_its_zipinfo_before_inflating(tmp_path, bomb):
    assert len(bomb) < OVER_DEFAULT / 200  # a small file...
    error = _raises(tmp_path, CSV_RECIPE.format(files="[data.zip, data.csv]"), {"data.zip": bomb})
    assert error.reason is Reason.TOO_LARGE
    # ...refused from its declared size (the inflating bound says "inflates past the limit")
    assert error.where.file == "data.csv" and f"inflates to {OVER_DEFAULT:,} bytes, over the limit" in error.message


def test_a_zip_bomb_inside_a_zip_is_refused(tmp_path, bomb):
    outer = zipped({"inner.zip": bomb})
    error = _raises(tmp_path, CSV_RECIPE.format(files="[outer.zip, inner.zip, data.csv]"), {"outer.zip": outer})
    assert error.reason is Reason.TOO_LARGE and error.where.file == "data.csv"


def test_the_ratio_limit_refuses_a_bomb_under_the_size_limit(tmp_path, monkeypatch, bomb):
    monkeypatch.setenv("CURATE_MAX_MEMBER_MB", "4096")
    error = _raises(tmp_path, CSV_RECIPE.format(files="[data.zip, data.csv]"), {"data.zip": bomb})
    assert error.reason is Reason.TOO_LARGE and "times" in error.message


def test_the_limits_are_configurable(tmp_path, monkeypatch):
    data = csv_bytes("patient,age", *[f"P{i},{i}" for i in range(2000)])
    monkeypatch.setenv("CURATE_MAX_MEMBER_MB", str(len(data) / 2 / 2**20))
    error = _raises(tmp_path, CSV_RECIPE.format(files="[data.zip, data.csv]"), {"data.zip": zipped({"data.csv": data})})
    assert error.reason is Reason.TOO_LARGE
    monkeypatch.setenv("CURATE_MAX_MEMBER_MB", "1")
    (table,) = curate(tmp_path / "ok", CSV_RECIPE.format(files="[data.zip, data.csv]"),
                      {"data.zip": zipped({"data.csv": data})})
    assert table.report.rows_written == 2000


def test_a_member_is_bounded_while_it_is_inflated_too(tmp_path, monkeypatch):
    """The streaming bound, with the ZipInfo check out of the way: inflation stops at the limit."""
    data = csv_bytes("patient,age", *[f"P{i},{i}" for i in range(50_000)])
    monkeypatch.setattr(limits, "check_member_info", lambda *args: None)
    monkeypatch.setenv("CURATE_MAX_MEMBER_MB", str(len(data) / 4 / 2**20))
    error = _raises(tmp_path, CSV_RECIPE.format(files="[data.zip, data.csv]"), {"data.zip": zipped({"data.csv": data})})
    assert error.reason is Reason.TOO_LARGE and "inflates past" in error.message


def test_a_member_whose_header_understates_its_size_is_an_error(tmp_path):
    data = csv_bytes("patient,age", *[f"P{i},{i}" for i in range(1000)])
    lying = understating_zip("data.csv", data, declared=100)
    error = _raises(tmp_path, CSV_RECIPE.format(files="[data.zip, data.csv]"), {"data.zip": lying})
    assert error.reason in (Reason.UNREADABLE, Reason.TOO_LARGE)


def test_duplicate_zip_member_names_are_an_error(tmp_path):
    import io
    import warnings
    import zipfile

    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        archive.writestr("data.csv", csv_bytes("patient,age", "P1,1", "P2,2"))
        archive.writestr("data.csv", csv_bytes("patient,age", "P3,3"))
    error = _raises(tmp_path, CSV_RECIPE.format(files="[data.zip, data.csv]"), {"data.zip": buffer.getvalue()})
    assert error.reason is Reason.UNREADABLE
    assert "2 members named 'data.csv'" in error.message and error.where.file == "data.csv"


def test_a_workbook_with_one_cell_far_out_is_refused_before_it_is_read(tmp_path):
    book = raw_xlsx([(1, [inline("A1", "patient")]), (2, [inline("A2", "P1")]),
                     (1048576, [number("XFD1048576", "1")])])
    assert len(book) < 5000
    error = _raises(tmp_path, XLSX_RECIPE.format(files="[data.xlsx]"), {"data.xlsx": book})
    assert error.reason is Reason.TOO_LARGE
    assert error.where.sheet == "data" and "1,048,576 rows x 16,384 columns" in error.message


def test_a_workbook_declaring_a_huge_dimension_is_refused(tmp_path):
    book = raw_xlsx([(1, [inline("A1", "patient")]), (2, [inline("A2", "P1")])], dimension="A1:XFD1048576")
    error = _raises(tmp_path, XLSX_RECIPE.format(files="[data.xlsx]"), {"data.xlsx": book})
    assert error.reason is Reason.TOO_LARGE and error.where.sheet == "data"


def test_a_workbook_within_the_cell_limit_reads(tmp_path):
    book = raw_xlsx([(1, [inline("A1", "patient"), inline("B1", "age")]), (2, [inline("A2", "P1"), number("B2", "4")])],
                    dimension="A1:B2")
    (table,) = curate(tmp_path, XLSX_RECIPE.format(files="[data.xlsx]"), {"data.xlsx": book})
    assert table.report.rows_written == 1


def test_a_workbook_whose_sheet_xml_is_a_bomb_is_refused(tmp_path):
    book = raw_xlsx([(1, [inline("A1", "patient")]), (2, [inline("A2", "P1")])], padding=OVER_DEFAULT)
    assert len(book) < OVER_DEFAULT / 200
    error = _raises(tmp_path, XLSX_RECIPE.format(files="[data.xlsx]"), {"data.xlsx": book})
    assert error.reason is Reason.TOO_LARGE and error.where.file == "xl/worksheets/sheet1.xml"


def _peak_rss_mb(tmp_path, recipe: str, files: dict[str, bytes]) -> tuple[int, str]:
    """Peak resident memory of a ``curate`` process on the given inputs, in MB, and its stderr."""
    from helpers.curate import lay_out

    recipe_path, sources_root = lay_out(tmp_path, recipe, files)
    probe = textwrap.dedent("""\
        import resource, subprocess, sys
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
        print(done.stdout + done.stderr)
        """)
    curate_command = [sys.executable, "-m", "curation.cli", "--recipes", str(recipe_path.parent), "--sources",
                      str(sources_root), "--out", str(tmp_path / "out"), "--first-release"]
    done = subprocess.run([sys.executable, "-c", probe, *curate_command], capture_output=True, text=True, check=True)
    peak, _, output = done.stdout.partition("\n")
    return int(peak), output


@pytest.mark.parametrize("case", ["zip_bomb", "far_cell", "alias_bomb"])
def test_peak_memory_on_the_hostile_set_stays_under_2_gb(tmp_path, case, bomb):
    if case == "zip_bomb":
        recipe, files = CSV_RECIPE.format(files="[data.zip, data.csv]"), {"data.zip": bomb}
    elif case == "far_cell":
        recipe = XLSX_RECIPE.format(files="[data.xlsx]")
        files = {"data.xlsx": raw_xlsx([(1, [inline("A1", "patient")]), (1048576, [number("XFD1048576", "1")])])}
    else:
        levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
        recipe, files = "\n".join(levels) + "\n" + textwrap.dedent(CSV_RECIPE.format(files="[data.csv]")), {
            "data.csv": csv_bytes("patient,age", "P1,1")}
    peak, output = _peak_rss_mb(tmp_path, recipe, files)
    print(f"peak RSS {case}: {peak} MB")
    assert peak < 2048, (peak, output)
    assert {"zip_bomb": "too_large", "far_cell": "too_large", "alias_bomb": "recipe_invalid"}[case] in output


def test_a_bomb_inside_a_docx_dictionary_is_refused_before_it_is_opened(tmp_path):
    from curation.sources import open_chain
    from curation.errors import Where

    (tmp_path / "dict.docx").write_bytes(zip_bomb("word/document.xml", OVER_DEFAULT, head=b"<w:document>"))
    with pytest.raises(CurationError) as caught:
        open_chain(tmp_path, ["dict.docx"], Where(recipe="demo.yaml"))
    assert caught.value.reason is Reason.TOO_LARGE and caught.value.where.file == "word/document.xml"
