"""No value altered to fit a type, no cell made NULL uncounted, and seeds that read back as written."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from curation import seed_writer
from curation.errors import CurationError, Reason
from helpers.curate import curate
from helpers.files import csv_bytes
from hostile_files import inline, number, raw_xlsx

RECIPE = """\
    collection_id: demo
    type_mode: {mode}
    tables:
      - batches:
          - files: [{file}]
            patient_column: patient
    """


def _table(tmp_path, data: bytes, mode: str = "inferred", file: str = "data.csv"):
    (table,) = curate(tmp_path, RECIPE.format(mode=mode, file=file), {file: data})
    return table


def test_leading_zero_codes_keep_their_text(tmp_path):
    table = _table(tmp_path, csv_bytes("patient,code,n", "P1,007,1", "P2,000123456789012345,2", "P3,12,3"))
    assert table.types["code"] == "STRING"
    assert table.frame()["code"].tolist() == ["007", "000123456789012345", "12"]


def test_a_padded_whole_decimal_column_keeps_its_text_in_a_string_column(tmp_path):
    table = _table(tmp_path, csv_bytes("patient,code", "P1,007", "P2,12.0"), "idc")
    assert table.types["code"] == "STRING" and table.frame()["code"].tolist() == ["007", "12.0"]


@pytest.mark.parametrize("mode", ["inferred", "idc"])
def test_long_whole_decimals_keep_every_digit(tmp_path, mode):
    table = _table(tmp_path, csv_bytes("patient,big", "P1,12345678901234567.0", "P2,1.0"), mode)
    assert table.frame()["big"].tolist() == ["12345678901234567", "1"]  # not 12345678901234568


def test_a_decimal_that_float64_rounds_to_whole_stays_a_decimal(tmp_path):
    table = _table(tmp_path, csv_bytes("patient,x", "P1,12345678901234567.5", "P2,1.5"))
    assert table.types["x"] == "FLOAT" and table.frame()["x"].tolist() == ["12345678901234567.5", "1.5"]


@pytest.mark.parametrize("mode", ["inferred", "idc"])
def test_scientific_strings_are_not_integers_and_keep_their_text(tmp_path, mode):
    table = _table(tmp_path, csv_bytes("patient,x", "P1,1e3", "P2,2E5"), mode)
    assert table.types["x"] != "INTEGER" and table.frame()["x"].tolist() == ["1e3", "2E5"]


def test_the_dictionary_numeric_type_never_overflows(tmp_path):
    """Issue 14 item 1: the dictionary's type is decided by curation.column_types (no second,
    pandas, decision), so a 20-digit code is not turned into -6101065172474983725."""
    from curation.column_types import retype

    values = pd.Series(["12345678901234567891", "5"], dtype="str")
    assert retype(values, "STRING", "NUMBER") is None  # does not fit INTEGER nor FLOAT exactly
    assert retype(values, "STRING", "INTEGER") is None


def _book(*rows) -> bytes:
    return raw_xlsx(list(enumerate(rows, start=1)))


def test_excel_error_cells_and_uncached_formulas_are_counted(tmp_path):
    book = _book([inline("A1", "patient"), inline("B1", "x")],
                 [inline("A2", "P1"), '<c r="B2" t="e"><v>#DIV/0!</v></c>'],
                 [inline("A3", "P2"), '<c r="B3"><f>1/0</f></c>'],
                 [inline("A4", "P3"), '<c r="B4" t="e"><v>#N/A</v></c>'],
                 [inline("A5", "P4"), number("B5", "4")])
    table = _table(tmp_path, book, file="data.xlsx")
    warnings = {w.code: w.message for w in table.report.warnings}
    assert "2 Excel error cell(s)" in warnings["excel_error_cells"] and "cell B2" in warnings["excel_error_cells"]
    assert "1 formula(s)" in warnings["uncached_formulas"] and "cell B3" in warnings["uncached_formulas"]


def test_whitespace_only_cells_are_counted(tmp_path):
    table = _table(tmp_path, csv_bytes("patient,x,y", "P1,1,a", "P2,  ,b", "P3,3,\t"))
    (warning,) = [w for w in table.report.warnings if w.code == "whitespace_cells"]
    assert warning.message.startswith("2 cell(s)") and (warning.where.row, warning.where.column) == (3, "x")


@pytest.mark.parametrize("value", ["bare\rcr", "crlf\r\nin", "lf\nin", 'quote"in', "comma,in", "\r", '"'])
def test_seeds_are_valid_csv_whatever_the_value(tmp_path, value):
    """What dbt seed does: DuckDB loads the seed; every value comes back (the CR one did not)."""
    frame = pd.DataFrame({"dicom_patient_id": pd.Series(["P1", "P2"], dtype="str"),
                          "v": pd.Series([value, "plain"], dtype="str")})
    path = tmp_path / "t.csv"
    path.write_bytes(seed_writer.render_seed(frame, "t"))
    with duckdb.connect() as con:
        loaded = con.execute("select * from read_csv(?, header = true, all_varchar = true)", [str(path)]).fetchall()
    assert loaded == [("P1", value), ("P2", "plain")]


def test_a_seed_that_would_not_read_back_stops_the_run(monkeypatch):
    frame = pd.DataFrame({"a": pd.Series(["x\ry", "z"], dtype="str")})
    with pytest.raises(CurationError) as caught:
        seed_writer.check_round_trip(frame, b"a\nx\ry\nz\n", "t")  # the CR written unquoted
    assert caught.value.reason is Reason.SEED_ROUND_TRIP
    with pytest.raises(CurationError) as caught:
        seed_writer.check_round_trip(frame, b'a\n"x\ry"\nw\n', "t")  # a value changed
    assert caught.value.reason is Reason.SEED_ROUND_TRIP and caught.value.where.row == 3
    seed_writer.check_round_trip(frame, seed_writer.render_seed(frame, "t"), "t")


def test_idc_types_that_drop_leading_zeros_say_so(tmp_path):
    table = _table(tmp_path, csv_bytes("patient,code", "P1,007", "P2,12"), "idc")
    assert table.types["code"] == "INTEGER"  # IDC's published type for such a column
    (warning,) = [w for w in table.report.warnings if w.code == "leading_zeros_dropped"]
    assert warning.message.startswith("1 value(s)") and warning.where.row == 2


def _with_dictionary(tmp_path, data: bytes, dictionary: bytes):
    """Curate one inferred table described by a sheet dictionary, through the pipeline."""
    from curation.pipeline import curate_tables
    from helpers.curate import lay_out

    recipe = """\
        collection_id: demo
        type_mode: inferred
        tables:
          - dictionary: {kind: sheet, files: [dictionary.csv], name_column: name, label_column: label,
                         type_column: type, code_column: option, description_column: meaning}
            batches:
              - {files: [data.csv], patient_column: pid}
        """
    recipe_path, sources = lay_out(tmp_path, recipe, {"data.csv": data, "dictionary.csv": dictionary})
    ((table, _),) = curate_tables([recipe_path], sources)
    return table


def test_a_numeric_dictionary_type_never_overflows_a_long_code(tmp_path):
    """Issue 14 item 1: a dictionary saying "numeric" turned the code 12345678901234567891 into
    -6101065172474983725. The dictionary's type goes through curation.column_types, which keeps
    the column as its values are (too long for 64 bits, not exactly a float) and says so."""
    table = _with_dictionary(
        tmp_path, csv_bytes("pid,code,n", "P1,12345678901234567891,1", "P2,12345678901234567892,2.0"),
        b"name,label,type,option,meaning\ncode,Code,numeric,,\nn,Count,numeric,,\n")
    columns = {c.name: c for c in table.columns}
    assert columns["code"].label == "Code"  # described by the dictionary
    assert (columns["code"].sql_type, columns["code"].values.tolist()) == (
        "STRING", ["12345678901234567891", "12345678901234567892"])
    mismatches = [w for w in table.report.warnings if w.code == "dictionary_type_mismatch"]
    assert [w.where.column for w in mismatches] == ["code"]
    # the same dictionary type where every value fits is taken, converted by column_types
    assert (columns["n"].sql_type, columns["n"].values.tolist()) == ("INTEGER", ["1", "2"])


def test_long_codes_are_compared_with_a_dictionary_by_their_digits(tmp_path):
    """Two 20-digit codes are one float64: compared through a float, 12345678901234567892 was
    taken for the dictionary's 12345678901234567891."""
    table = _with_dictionary(
        tmp_path, csv_bytes("pid,code", "P1,12345678901234567891", "P2,12345678901234567892"),
        b"name,label,type,option,meaning\ncode,Code,,12345678901234567891,first\n")
    (unknown,) = [w for w in table.report.warnings if w.code == "value_not_in_dictionary"]
    assert "'12345678901234567892' (1 row)" in unknown.message and "567891" not in unknown.message
