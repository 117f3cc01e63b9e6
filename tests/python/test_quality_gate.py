"""The quality gate: checks made from column_metadata stop bad tables before writing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from curation import quality_gate
from curation.errors import CurationError, Reason
from curation.metadata import Release
from curation.pipeline import run


def _column(name: str, data_type: str, values: list[str] | None = None) -> dict:
    return {
        "column": name, "data_type": data_type,
        "values": json.dumps([{"option_code": v, "option_description": None} for v in values or []]),
        "values_source": "provided dictionary" if values else "derived from inspection of values",
    }


COLUMNS = [_column("dicom_patient_id", "STRING"), _column("source_batch", "INTEGER"),
           _column("age", "INTEGER"), _column("sex", "STRING", ["1", "2"])]


def _frame(**overrides) -> pd.DataFrame:
    data = {"dicom_patient_id": ["P1", "P2"], "source_batch": ["0", "0"], "age": ["61", "70"],
            "sex": ["1", "2"]}
    data.update(overrides)
    return pd.DataFrame(data, dtype=object)


def test_clean_table_passes() -> None:
    assert quality_gate.validate({"t": _frame()}, {"t": COLUMNS}) == []


@pytest.mark.parametrize(("overrides", "column", "expectation"), [
    ({"age": ["61", "seventy"]}, "age", "expect_column_values_to_match_regex"),
    ({"dicom_patient_id": ["P1", None]}, "dicom_patient_id", "expect_column_values_to_not_be_null"),
    ({"sex": ["1", "9"]}, "sex", "expect_column_values_to_be_in_set"),
    # text the curator never writes for an INTEGER, which dbt would not load as one
    ({"age": ["61", "9223372036854775808"]}, "age", "expect_column_values_to_match_regex"),
    ({"age": ["61", "70.0"]}, "age", "expect_column_values_to_match_regex"),
])
def test_each_failure_names_table_column_and_expectation(overrides, column, expectation) -> None:
    failures = quality_gate.validate({"t": _frame(**overrides)}, {"t": COLUMNS})
    assert [(f.table, f.column, f.expectation) for f in failures] == [("t", column, expectation)]


def test_column_order_and_row_count() -> None:
    frame = _frame()[["source_batch", "dicom_patient_id", "age", "sex"]].iloc[0:0]
    kinds = {f.expectation for f in quality_gate.validate({"t": frame}, {"t": COLUMNS})}
    assert {"expect_table_row_count_to_be_between", "expect_table_columns_to_match_ordered_list"} <= kinds


def test_empty_table_stops_the_run_and_writes_nothing(tmp_path: Path) -> None:
    sources = tmp_path / "sources" / "demo"
    sources.mkdir(parents=True)
    (sources / "t.csv").write_text("pid,x\nP1,1\n", encoding="utf-8")
    recipe = tmp_path / "demo.yaml"
    recipe.write_text("collection_id: demo\ntables:\n  - batches:\n      - files: [t.csv]\n"
                      "        patient_column: pid\n", encoding="utf-8")
    out = tmp_path / "seeds"
    run([recipe], tmp_path / "sources", out, Release(22))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (sources / "t.csv").write_text("pid,x\n", encoding="utf-8")  # header only: zero rows
    with pytest.raises(CurationError) as caught:
        run([recipe], tmp_path / "sources", out, Release(22))
    assert caught.value.reason is Reason.QUALITY_GATE
    assert "demo_clinical" in str(caught.value)
    assert "expect_table_row_count_to_be_between" in str(caught.value)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_the_type_check_is_column_types_decision() -> None:
    """The gate keeps no patterns: a DATE that does not exist or a FLOAT of inf fails, as
    ``curation.column_types.conforms`` says."""
    columns = [*COLUMNS, _column("seen", "DATE"), _column("dose", "FLOAT")]
    frame = _frame(seen=["2012-02-29", "2013-02-29"], dose=["1.5", "inf"])
    failures = quality_gate.validate({"t": frame}, {"t": columns})
    assert [(f.column, f.expectation) for f in failures] == [
        ("seen", "expect_column_values_to_match_regex"), ("dose", "expect_column_values_to_match_regex")]
    assert "'2013-02-29'" in failures[0].detail and "'inf'" in failures[1].detail
