"""The Great Expectations validation of a built release (curation/warehouse/release_validation.py):
one suite per clinical table from the seed properties, over the published tables, with data docs.
A small warehouse is made here in code (DuckDB tables with the declared types, the properties
file in the form ``curate`` writes), so each expectation can be broken on purpose."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from curation.dbt_contract import CLINICAL_SEEDS_YAML
from curation.warehouse.release_validation import _code_value, validate

SCHEMA = "idc_v22_clinical"
COLUMNS = [
    {"name": "dicom_patient_id", "data_type": "STRING"},
    {"name": "source_batch", "data_type": "INTEGER"},
    {"name": "sex", "data_type": "STRING",
     "config": {"meta": {"dictionary_codes": ["F", "M"], "dictionary_closed": True}}},
    {"name": "grade", "data_type": "INTEGER",
     "config": {"meta": {"dictionary_codes": ["1", "2"], "dictionary_closed": False}}},
    {"name": "weight", "data_type": "FLOAT"},
    {"name": "smoker", "data_type": "BOOLEAN"},
    {"name": "seen", "data_type": "DATE"},
]
CLEAN = """select * from (values
    ('P1', 0::bigint, 'F', 1::bigint, 61.5::double, true, date '2020-01-31'),
    ('P2', 0, 'M', 2, null, null, null),
    ('P3', 0, null, null, 80.0, false, date '2021-02-01'))
    t(dicom_patient_id, source_batch, sex, grade, weight, smoker, seen)"""


def _release(tmp_path: Path, select: str = CLEAN, columns=COLUMNS) -> tuple[Path, Path]:
    database, seeds = tmp_path / "idc.duckdb", tmp_path / "seeds"
    (seeds / CLINICAL_SEEDS_YAML).parent.mkdir(parents=True)
    (seeds / CLINICAL_SEEDS_YAML).write_text(yaml.safe_dump(
        {"version": 2, "seeds": [{"name": "demo_clinical", "columns": columns}]}), encoding="utf-8")
    con = duckdb.connect(str(database))
    con.execute(f"create schema {SCHEMA}")
    con.execute(f"create table {SCHEMA}.demo_clinical as {select}")
    con.close()
    return database, seeds


def _failed(tmp_path: Path, select: str, columns=COLUMNS):
    database, seeds = _release(tmp_path, select, columns)
    return validate(database, 22, seeds, None)[1]


def test_clean_release_passes_and_writes_data_docs(tmp_path: Path):
    database, seeds = _release(tmp_path)
    evaluated, failed = validate(database, 22, seeds, tmp_path / "docs")
    assert failed == []
    assert evaluated == 2 + 1 * 2 + len(COLUMNS) + 2  # shape, 2 not-null, a type each, 2 dictionaries
    index = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "demo_clinical" in index


def test_offline_index_links_every_table_page(tmp_path: Path):
    """GE's index lists its pages with scripts from CDNs; tables.html does it in plain HTML,
    each table with its counts and a link to a page that exists."""
    import re

    database, seeds = _release(tmp_path, f"select * replace (7::bigint as grade) from ({CLEAN})")
    validate(database, 22, seeds, tmp_path / "docs")
    offline = (tmp_path / "docs" / "tables.html").read_text(encoding="utf-8")
    assert "<script" not in offline
    links = re.findall(r'href="([^"]+)"', offline)
    assert len(links) == 1 and (tmp_path / "docs" / links[0]).is_file()
    assert f">demo_clinical</a></td><td>{2 + 2 + len(COLUMNS) + 2}</td><td>0</td><td>1</td>" in offline


@pytest.mark.parametrize("change, expectation, column, critical", [
    ("'X' as sex", "expect_column_values_to_be_in_set", "sex", True),  # closed dictionary
    ("7::bigint as grade", "expect_column_values_to_be_in_set", "grade", False),  # open: a warning
    ("'1' as grade", "expect_column_values_to_be_in_type_list", "grade", True),  # loaded as text
    ("null::varchar as dicom_patient_id", "expect_column_values_to_not_be_null", "dicom_patient_id", True),
    ("'2020-01-31' as seen", "expect_column_values_to_be_in_type_list", "seen", True),
])
def test_each_broken_expectation_is_reported(tmp_path: Path, change, expectation, column, critical):
    name = change.split(" as ")[1]
    select = f"select * replace ({change}) from ({CLEAN})"
    failed = _failed(tmp_path, select)
    assert [(f.expectation, f.column, f.critical) for f in failed] == [(expectation, column, critical)], name
    assert "demo_clinical" in str(failed[0])


def test_shape_is_checked(tmp_path: Path):
    swapped = _failed(tmp_path / "a", f"select * exclude (smoker), smoker from ({CLEAN})")
    assert [f.expectation for f in swapped] == ["expect_table_columns_to_match_ordered_list"]
    empty = _failed(tmp_path / "b", f"select * from ({CLEAN}) where false")
    assert [f.expectation for f in empty] == ["expect_table_row_count_to_be_between"]


@pytest.mark.parametrize("code, data_type, value", [
    ("1", "INTEGER", 1), ("01", "INTEGER", None), ("+1", "INTEGER", None), ("-3", "INTEGER", -3),
    ("1.5", "FLOAT", 1.5), ("1.0", "FLOAT", 1.0), ("1", "FLOAT", None), ("inf", "FLOAT", None),
    ("true", "BOOLEAN", True), ("TRUE", "BOOLEAN", None), ("2020-02-30", "DATE", None),
    ("x", "STRING", "x"),
])
def test_codes_compare_as_dbt_compares_them_as_text(code, data_type, value):
    """A code matches the values whose text (cast to varchar, as dbt's dictionary test does)
    is the code: an INTEGER 1 prints as "1", never "01"; a FLOAT 1.0 as "1.0"."""
    assert _code_value(code, data_type) == value
    if value is not None and data_type in ("INTEGER", "FLOAT", "BOOLEAN"):
        sql_type = {"INTEGER": "bigint", "FLOAT": "double", "BOOLEAN": "boolean"}[data_type]
        assert duckdb.sql(f"select cast(cast('{code}' as {sql_type}) as varchar)").fetchall()[0][0] == code


def test_data_docs_folder_may_be_relative(tmp_path: Path, monkeypatch):
    """As the Makefile passes it (build/data_docs): a relative folder, under the working one."""
    database, seeds = _release(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert validate(database, 22, seeds, Path("docs_here"))[1] == []
    assert (tmp_path / "docs_here" / "index.html").is_file()


def test_command_is_quiet_about_warnings_unless_verbose(tmp_path: Path, capsys):
    """Errors are always listed; warnings (values outside an open dictionary) are counted, and
    listed one by one with --verbose; the exit status says whether a critical one failed."""
    from curation.warehouse.release_validation import main

    database, seeds = _release(tmp_path, f"select * replace (7::bigint as grade) from ({CLEAN})")
    args = ["--database", str(database), "--seeds", str(seeds), "--docs", str(tmp_path / "docs")]
    assert main(args) == 0
    quiet = capsys.readouterr()
    assert "0 failed, 1 warning(s)" in quiet.out and "1 table(s)" in quiet.out
    assert "grade" not in quiet.err
    assert main([*args, "--verbose"]) == 0
    assert "warning: demo_clinical: column 'grade'" in capsys.readouterr().err
    broken, seeds = _release(tmp_path / "b", f"select * replace ('X' as sex) from ({CLEAN})")
    assert main(["--database", str(broken), "--seeds", str(seeds), "--docs", str(tmp_path / "d2")]) == 1
    assert "error: demo_clinical: column 'sex'" in capsys.readouterr().err
