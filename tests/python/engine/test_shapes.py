"""Every source shape a recipe can describe, each from files generated here, with its expected seed.

Each test curates a small generated source and compares the seed CSV text, the column types,
and the row account (which must balance) with what is written in the test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers.curate import curate, Curated, expected
from helpers.files import csv_bytes, xls, xlsb, xlsx, zipped


def one(tmp_path: Path, recipe: str, files: dict[str, bytes]) -> Curated:
    (table,) = curate(tmp_path, recipe, files)
    assert table.report.balanced, table.report
    return table


def recipe(*batches: str, mode: str = "idc", table: str = "") -> str:
    body = "\n".join(f"      - {b}" for b in batches)
    return f"collection_id: demo\ntcia_name: Demo\ntype_mode: {mode}\ntables:\n  - {table}batches:\n{body}\n"


# readers ------------------------------------------------------------------------------------

def test_csv_quoting_embedded_separator_quote_and_newline(tmp_path: Path):
    data = csv_bytes('pid,note,n', 'P1,"a, b",1', 'P2,"say ""hi""",2', 'P3,"two\nlines",3')
    t = one(tmp_path, recipe("{files: [a.csv], patient_column: pid}"), {"a.csv": data})
    assert t.frame()["note"].tolist() == ["a, b", 'say "hi"', "two\nlines"]
    assert t.types["n"] == "INTEGER"


def test_tsv_and_declared_separator_and_quote(tmp_path: Path):
    files = {"a.tsv": csv_bytes("pid\tv", "P1\tx,y", "P2\t3"),
             "b.txt": csv_bytes("pid;v", "P3;'p;q'", "P4;'it''s'")}
    t = one(tmp_path, recipe("{files: [a.tsv], patient_column: pid}",
                             "{files: [b.txt], patient_column: pid, delimiter: ';', quotechar: \"'\"}"), files)
    assert t.csv == expected("""
        dicom_patient_id,source_batch,pid,v
        P1,0,P1,"x,y"
        P2,0,P2,3
        P3,1,P3,p;q
        P4,1,P4,it's
    """)


def test_csv_without_quoting(tmp_path: Path):
    files = {"a.csv": csv_bytes('pid|v', 'P1|"quoted"')}
    t = one(tmp_path, recipe("{files: [a.csv], patient_column: pid, delimiter: '|', quotechar: null}"), files)
    assert t.frame()["v"].tolist() == ['"quoted"']


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [("utf-8", None), ("utf-8-sig", None), ("cp1252", None), ("latin-1", "latin-1"),
     ("utf-8-sig", "utf-8"), ("cp1252", "cp1252")],
)
def test_encodings_detected_or_declared(tmp_path: Path, encoding: str, declared: str | None):
    text = "Pätient ID,Ärzt\nP1,Müller\nP2,Cœur\n" if encoding != "latin-1" else "Pätient ID,Ärzt\nP1,Müller\nP2,Ñu\n"
    option = f", encoding: {declared}" if declared else ""
    t = one(tmp_path, recipe(f"{{files: [a.csv], patient_column: Pätient ID{option}}}"),
            {"a.csv": text.encode(encoding)})
    assert list(t.frame().columns) == ["dicom_patient_id", "source_batch", "ptient_id", "rzt"]
    assert t.column("rzt").provenance[0].header_cells == ("Ärzt",)  # no BOM, no mojibake
    assert t.frame()["rzt"].tolist()[0] == "Müller"


def test_xlsx_numbers_dates_and_booleans(tmp_path: Path):
    rows = [["pid", "whole", "dec", "day", "stamp", "flag"],
            [1001.0, 12.0, 1.5, dt.date(2020, 1, 31), dt.datetime(2020, 1, 31, 8, 30), True],
            [1002.0, 13.0, 2.25, dt.date(2021, 2, 1), dt.datetime(2021, 2, 1, 9, 0), False]]
    t = one(tmp_path, recipe("{files: [a.xlsx], patient_column: pid}", mode="inferred"), {"a.xlsx": xlsx({"s": rows})})
    assert t.csv == expected("""
        dicom_patient_id,source_batch,pid,whole,dec,day,stamp,flag
        1001,0,1001,12,1.5,2020-01-31,2020-01-31 08:30:00,true
        1002,0,1002,13,2.25,2021-02-01,2021-02-01 09:00:00,false
    """)
    assert t.types == {"dicom_patient_id": "STRING", "source_batch": "INTEGER", "pid": "INTEGER",
                       "whole": "INTEGER", "dec": "FLOAT", "day": "DATE", "stamp": "STRING", "flag": "BOOLEAN"}


def test_sheets_by_index_and_by_name(tmp_path: Path):
    book = xlsx({"notes": [["read me"]], "train": [["pid", "v"], ["P1", 1]], "test": [["pid", "v"], ["P2", 2]]})
    t = one(tmp_path, recipe("{files: [b.xlsx], sheet: 1, patient_column: pid}",
                             "{files: [b.xlsx], sheet: test, patient_column: pid}"), {"b.xlsx": book})
    assert t.frame()["dicom_patient_id"].tolist() == ["P1", "P2"]
    assert [p.sheet_name for p in t.column("v").provenance] == ["train", "test"]


def test_legacy_xls(tmp_path: Path):
    book = xls({"data": [["pid", "n", "x", "day"], [7.0, 3.0, 0.5, dt.date(2001, 5, 6)], [8.0, 4.0, 1.25, dt.date(2002, 7, 8)]]})
    t = one(tmp_path, recipe("{files: [old.xls], patient_column: pid}", mode="inferred"), {"old.xls": book})
    assert t.csv == expected("""
        dicom_patient_id,source_batch,pid,n,x,day
        7,0,7,3,0.5,2001-05-06
        8,0,8,4,1.25,2002-07-08
    """)
    assert t.types["day"] == "DATE" and t.types["n"] == "INTEGER"


def test_xlsb(tmp_path: Path):
    book = xlsb([["pid", "n", "x", "flag"], [101.0, 3.0, 0.25, True], [102.0, 4.0, 1.5, False]], sheet="labs")
    t = one(tmp_path, recipe("{files: [b.xlsb], sheet: labs, patient_column: pid}", mode="inferred"),
            {"b.xlsb": book})
    assert t.csv == expected("""
        dicom_patient_id,source_batch,pid,n,x,flag
        101,0,101,3,0.25,true
        102,0,102,4,1.5,false
    """)
    assert t.types["n"] == "INTEGER" and t.types["flag"] == "BOOLEAN"


def test_openpyxl_engine_reads_the_same(tmp_path: Path):
    rows = [["pid", "v", "d"], ["P1", 2.0, dt.date(2020, 1, 2)], ["P2", 2.5, None]]
    files = {"a.xlsx": xlsx({"s": rows})}
    a = one(tmp_path / "a", recipe("{files: [a.xlsx], patient_column: pid}"), files)
    b = one(tmp_path / "b", recipe("{files: [a.xlsx], patient_column: pid, engine: openpyxl}"), files)
    assert a.csv == b.csv


def test_zip_members_at_any_depth(tmp_path: Path):
    inner = zipped({"deep/data.csv": csv_bytes("pid,v", "P1,1")})
    middle = zipped({"inner.zip": inner})
    outer = zipped({"folder/middle.zip": middle})
    t = one(tmp_path, recipe("{files: [outer.zip, folder/middle.zip, inner.zip, deep/data.csv], patient_column: pid}"),
            {"outer.zip": outer})
    assert t.frame()["v"].tolist() == ["1"]
    assert t.table.batches[0].chain == ("outer.zip", "folder/middle.zip", "inner.zip", "deep/data.csv")


def test_workbook_inside_a_zip(tmp_path: Path):
    files = {"a.zip": zipped({"x/book.xlsx": xlsx({"s": [["pid"], ["P1"]]})})}
    t = one(tmp_path, recipe("{files: [a.zip, x/book.xlsx], patient_column: pid}"), files)
    assert t.frame()["pid"].tolist() == ["P1"]


# layout -------------------------------------------------------------------------------------

def test_two_header_rows_with_a_merged_group_cell(tmp_path: Path):
    rows = [["", "Blood", None, None, "Other"],
            ["Patient", "Hb", "WBC", "Plt", ""],
            ["P1", 13.1, 6.5, 250, "x"]]
    book = xlsx({"s": rows}, merges={"s": ["B1:D1"]})
    t = one(tmp_path, recipe("{files: [a.xlsx], header_rows: [1, 2], patient_column: Patient}"), {"a.xlsx": book})
    assert list(t.frame().columns) == ["dicom_patient_id", "source_batch", "patient", "blood_hb", "blood_wbc",
                                       "blood_plt", "other"]
    assert t.column("blood_wbc").provenance[0].header_cells == ("Blood", "WBC")


def test_merged_lowest_header_cell_is_repeated_and_suffixed(tmp_path: Path):
    rows = [["pid", "Score", None], ["P1", 1, 2]]
    book = xlsx({"s": rows}, merges={"s": ["B1:C1"]})
    (t,) = curate(tmp_path, recipe("{files: [a.xlsx], patient_column: pid}"), {"a.xlsx": book})
    assert list(t.frame().columns)[2:] == ["pid", "score", "score_2"]
    assert [w.code for w in t.report.warnings] == ["duplicate_name"]


def test_header_below_title_rows_units_row_skipped_and_trailing_notes_cut(tmp_path: Path):
    data = csv_bytes("Study export,,", "generated 2020,,", "pid,age,weight", ",years,kg",
                     "P1,61,80.5", "P2,70,", "", "Notes: weight missing for P2,,", "see protocol,,")
    t = one(tmp_path, recipe("{files: [a.csv], header_rows: [3], skip_rows_after_header: 1, "
                             "patient_column: pid, stop_at_blank_row: true}"), {"a.csv": data})
    assert t.csv == expected("""
        dicom_patient_id,source_batch,pid,age,weight
        P1,0,P1,61,80.5
        P2,0,P2,70,
    """)
    assert t.report.rows_read == 6
    assert dict(t.report.rows_skipped) == {"skip_rows_after_header": 1, "trailing notes": 3}


def test_stop_at_a_notes_line_and_last_data_row(tmp_path: Path):
    data = csv_bytes("pid,v", "P1,1", "P2,2", "P3,3", "Legend: v is a score,")
    a = one(tmp_path / "a", recipe("{files: [a.csv], patient_column: pid, stop_at: '(?i)legend'}"), {"a.csv": data})
    assert a.frame()["pid"].tolist() == ["P1", "P2", "P3"]
    assert dict(a.report.rows_skipped) == {"trailing notes": 1}
    b = one(tmp_path / "b", recipe("{files: [a.csv], patient_column: pid, last_data_row: 3}"), {"a.csv": data})
    assert b.frame()["pid"].tolist() == ["P1", "P2"]
    assert dict(b.report.rows_skipped) == {"after last_data_row": 2}


def test_skip_rows_and_skip_columns(tmp_path: Path):
    data = csv_bytes("pid,keep,internal,also", "P1,a,x,1", "TEST,b,y,2", "P2,c,z,3")
    t = one(tmp_path, recipe("{files: [a.csv], patient_column: pid, skip_rows: [3], skip_columns: [internal, 4]}"),
            {"a.csv": data})
    assert t.csv == expected("""
        dicom_patient_id,source_batch,pid,keep
        P1,0,P1,a
        P2,0,P2,c
    """)
    assert dict(t.report.rows_skipped) == {"skip_rows": 1}
    assert dict(t.report.columns_dropped) == {"skip_columns": 2}
    assert t.column("keep").provenance[0].column_number == 1


def test_pivoted_sheet(tmp_path: Path):
    rows = [["Patient", "A-1", "A-2", "A-3"],
            ["Age", 61, 70, 55],
            ["Grade", "G1", "G2", None],
            ["Weight", 80.5, 71, 60]]
    t = one(tmp_path, recipe("{files: [p.xlsx], pivot: true, patient_column: Patient}", mode="inferred"),
            {"p.xlsx": xlsx({"s": rows})})
    assert t.csv == expected("""
        dicom_patient_id,source_batch,patient,age,grade,weight
        A-1,0,A-1,61,G1,80.5
        A-2,0,A-2,70,G2,71
        A-3,0,A-3,55,,60
    """)
    assert t.types["age"] == "INTEGER" and t.types["weight"] == "FLOAT"
    assert t.column("grade").provenance[0].column_number == 2  # the sheet row it came from (0-based)


def test_row_filter_keeps_one_collection(tmp_path: Path):
    data = csv_bytes("pid,collection,v", "P1,ours,1", "Q1,theirs,2", "P2, ours ,3", "Q2,other,4")
    t = one(tmp_path, recipe("{files: [a.csv], patient_column: pid, row_filter: {column: collection, equals: ours}}"),
            {"a.csv": data})
    assert t.frame()["pid"].tolist() == ["P1", "P2"]
    assert dict(t.report.rows_skipped) == {"row_filter": 2}
    listed = one(tmp_path / "b", recipe("{files: [a.csv], patient_column: pid, "
                                        "row_filter: {column: 2, equals: [ours, other]}}"), {"a.csv": data})
    assert listed.frame()["pid"].tolist() == ["P1", "P2", "Q2"]


def test_batches_from_several_sheets_with_defaults(tmp_path: Path):
    book = xlsx({"train": [["Case", "v"], [1, "a"], [2, "b"]], "test": [["Case", "v", "w"], [3, "c", 0.5]]})
    text = ("collection_id: demo\ntables:\n  - batch_defaults: {patient_column: Case}\n"
            "    batches:\n      - {files: [b.xlsx], sheets: [train, test]}\n")
    t = one(tmp_path, text, {"b.xlsx": book})
    assert t.csv == expected("""
        dicom_patient_id,source_batch,case,v,w
        1,0,1,a,
        2,0,2,b,
        3,1,3,c,0.5
    """)
    assert t.types["case"] == "STRING"  # idc: the first column is cast to integer-or-text, published STRING
    w = t.column("w")
    assert [p.batch for p in w.provenance] == [1] and [p.sheet_name for p in w.provenance] == ["test"]


def test_batches_from_several_files(tmp_path: Path):
    files = {"a.csv": csv_bytes("ID,x", "1,2"), "b.xlsx": xlsx({"s": [["ID", "x"], [2.0, 3.5]]})}
    t = one(tmp_path, recipe("{files: [a.csv], patient_column: ID}", "{files: [b.xlsx], patient_column: ID}"), files)
    assert t.frame()["id"].tolist() == ["1", "2"]
    assert t.types["x"] == "FLOAT"
    assert [p.file for p in t.column("x").provenance] == ["a.csv", "b.xlsx"]
    assert [p.sheet_name for p in t.column("x").provenance] == [None, "s"]


# names --------------------------------------------------------------------------------------

def test_header_names_duplicates_empty_and_reserved_words(tmp_path: Path):
    data = csv_bytes("Patient ID,Size (mm),size-mm,,select,Order,values,2nd visit,dicom_patient_id",
                     "P1,1,2,3,4,5,6,7,8")
    (t,) = curate(tmp_path, recipe("{files: [a.csv], patient_column: Patient ID}"), {"a.csv": data})
    assert list(t.frame().columns) == [
        "dicom_patient_id", "source_batch", "patient_id", "size_mm", "size_mm_2", "column_4", "select",
        "order", "values", "c_2nd_visit", "dicom_patient_id_2"]
    codes = sorted(w.code for w in t.report.warnings)
    assert codes == ["duplicate_name", "duplicate_name", "empty_header"]
    assert t.report.balanced


def test_column_without_header_or_values_is_dropped_and_accounted(tmp_path: Path):
    data = csv_bytes("pid,,v", "P1,,1")
    t = one(tmp_path, recipe("{files: [a.csv], patient_column: pid}"), {"a.csv": data})
    assert list(t.frame().columns)[2:] == ["pid", "v"]
    assert dict(t.report.columns_dropped) == {"no header and no values": 1}


# patient ids --------------------------------------------------------------------------------

def test_numeric_excel_ids_do_not_gain_dot_zero(tmp_path: Path):
    book = xlsx({"s": [["pid"], [7.0], [12.0]]})
    t = one(tmp_path, recipe("{files: [a.xlsx], patient_column: pid}", table="patient_id: [{zero_pad: 3}]\n    "),
            {"a.xlsx": book})
    assert t.frame()["dicom_patient_id"].tolist() == ["007", "012"]
    assert t.frame()["pid"].tolist() == ["7", "12"]


def test_openpyxl_takes_over_when_calamine_cannot_open_a_workbook(tmp_path: Path, monkeypatch):
    import curation.readers.workbook as workbook

    rows = [["", "Blood", None], ["Patient", "Hb", "WBC"], ["P1", 13.0, 6.5]]
    files = {"a.xlsx": xlsx({"s": rows}, merges={"s": ["B1:C1"]})}
    text = recipe("{files: [a.xlsx], header_rows: [1, 2], patient_column: Patient}")
    expected_csv = one(tmp_path / "calamine", text, files).csv

    def broken(*args, **kwargs):
        raise ValueError("calamine cannot read this file")

    monkeypatch.setattr(workbook, "_read_calamine", broken)
    assert one(tmp_path / "fallback", text, files).csv == expected_csv
    assert expected_csv.splitlines()[0] == "dicom_patient_id,source_batch,patient,blood_hb,blood_wbc"
