"""Column types (curation/column_types.py): IDC's published typing, and the inferred mode."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import csv_text, curate_in_process, write_recipe
from curation.column_types import decide_type, format_values, profile

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def series(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def typed(mode: str, *batches: list[str] | None) -> str:
    """The type of a column over batches; None stands for a batch without the column."""
    profiles = [profile(series(*b)) for b in batches if b is not None]
    return decide_type(profiles, any(b is None for b in batches), mode)


def formatted(sql_type: str, *batches: list[str]) -> list:
    values = [v for b in batches for v in b]
    return format_values(series(*values), sql_type, [profile(series(*b)) for b in batches]).tolist()


# idc mode ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("batches", "expected"),
    [
        ([["1", "NA", "2"]], "STRING"),  # prostatex TopLevel
        ([["1", "", "2"]], "STRING"),  # a blank makes the batch text
        ([["1.5", "", "2.5"]], "STRING"),
        ([["TRUE", "FALSE", ""]], "STRING"),
        ([["1", "2"], ["3", "NA"]], "STRING"),
        ([["1", "2"], None], "STRING"),  # an integer column missing from a batch
        ([["TRUE", "FALSE"], None], "STRING"),  # prostatex ClinSig: training batch only
        ([None, ["FALSE", "TRUE"]], "STRING"),
        ([["1.5", "2.25"], None], "FLOAT"),  # SpacingBetweenSlices stays FLOAT
        ([["1.5", "2"], ["3", "4"]], "FLOAT"),
        ([["1.0", "2.0"]], "STRING"),  # all-whole decimals: integer written as text
        ([["1.0", "2.0"], ["3", "4"]], "STRING"),
        ([["1", "2"], ["3", "4"]], "INTEGER"),
        ([["-1", "+2", " 3 "]], "INTEGER"),
        ([["TRUE", "false"], ["True", "FALSE"]], "BOOLEAN"),
        ([["TRUE", "FALSE"], ["1", "0"]], "STRING"),
        ([["2012-01-03", "2013-02-04"]], "STRING"),  # IDC has no DATE columns from pandas
        ([["PZ", "TZ"]], "STRING"),
        ([["", ""]], "STRING"),
        ([["1", "2"], ["", ""]], "STRING"),
    ],
)
def test_idc_mode(batches, expected):
    assert typed("idc", *batches) == expected


def test_idc_all_whole_decimals_are_written_as_integers_text():
    assert formatted("STRING", ["1.0", "2.0"], ["3", "4"]) == ["1", "2", "3", "4"]


def test_idc_na_kept_as_string_and_blank_as_null():
    assert formatted("STRING", ["1", "NA", ""]) == ["1", "NA", None]


def test_idc_text_batch_keeps_its_decimal_text():
    """A blank makes the batch text in IDC, so '1.0' stays '1.0'.

    Regression: format_values ignored has_blank and wrote '1' (fixed in 0c044ba)."""
    assert formatted("STRING", ["1.0", "", "2.0"]) == ["1.0", None, "2.0"]


# inferred mode ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("batches", "expected"),
    [
        ([["1", "", "2"]], "INTEGER"),  # blanks are ignored
        ([["12.0", "13"]], "INTEGER"),
        ([["12.0"], None], "INTEGER"),  # a missing batch does not matter
        ([["1", "2"], ["2.5", ""]], "FLOAT"),
        ([["1", "2.5", "1e-3"]], "FLOAT"),
        ([["true", "FALSE", ""]], "BOOLEAN"),
        ([["2012-01-03", "", "1999-12-31"]], "DATE"),
        ([["2012-01-03"], ["2012-02-30"]], "STRING"),  # not a real date
        ([["2012-01-03"], ["5"]], "STRING"),  # mixed kinds
        ([["TRUE"], ["1"]], "STRING"),
        ([["1", "NA"]], "STRING"),  # NA is text in both modes
        ([["", " "]], "STRING"),
        ([["1", "2"], ["x"]], "STRING"),
    ],
)
def test_inferred_mode(batches, expected):
    assert typed("inferred", *batches) == expected


def test_inferred_values_are_formatted_for_their_type():
    assert formatted("INTEGER", ["12.0", "", " 7 ", "+3"]) == ["12", None, "7", "3"]
    assert formatted("BOOLEAN", ["TRUE", "False", ""]) == ["true", "false", None]
    assert formatted("FLOAT", [" 1.5", "2", ""]) == ["1.5", "2", None]
    assert formatted("DATE", ["2012-01-03 ", ""]) == ["2012-01-03", None]


@pytest.mark.parametrize("mode", ["idc", "inferred"])
def test_integers_beyond_int64_are_not_typed_integer(mode):
    """Regression: typed INTEGER, then format_values raised OverflowError (fixed in 0c044ba)."""
    values = ["1", "99999999999999999999"]
    sql_type = typed(mode, values)
    out = formatted(sql_type, values)
    assert out == values
    assert sql_type != "INTEGER"


@pytest.mark.parametrize(
    "word",
    ["abc", "NA", "n/a", "nan", "NaN", "inf", "-inf", "1,5", "12 mm", "<5",
     "Infinity", "-infinity"],  # regression: 'Infinity' was FLOAT (fixed in 0c044ba)
)
@pytest.mark.parametrize("mode", ["idc", "inferred"])
def test_a_non_numeric_word_makes_integers_string(word, mode):
    assert typed(mode, ["1", "2", word]) == "STRING"


def test_types_end_to_end_in_the_seed_yaml(tmp_path: Path):
    """Both modes through the whole pipeline, as the seed properties file records them."""
    import yaml

    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "a.csv").write_bytes(
        csv_text("pid,n,top,f,w,flag", "P1,1,1,1.5,1.0,TRUE", "P2,2,NA,2.5,2.0,FALSE"))
    (tmp_path / "sources" / "demo" / "b.csv").write_bytes(csv_text("pid,n,top,f,w", "P3,3,2,3.5,3.0"))
    for mode in ("idc", "inferred"):
        write_recipe(tmp_path / "recipes", "demo.yaml", f"""
            collection_id: demo
            type_mode: {mode}
            tables:
              - batches:
                  - {{files: [a.csv], patient_column: pid}}
                  - {{files: [b.csv], patient_column: pid}}
        """)
        out = tmp_path / mode
        curate_in_process(tmp_path / "recipes", tmp_path / "sources", out)
        doc = yaml.safe_load((out / "clinical" / "_clinical__seeds.yml").read_text())
        types = {c["name"]: c["data_type"] for c in doc["seeds"][0]["columns"]}
        expected = {
            "idc": ["STRING", "INTEGER", "STRING", "INTEGER", "STRING", "FLOAT", "STRING", "STRING"],
            "inferred": ["STRING", "INTEGER", "STRING", "INTEGER", "STRING", "FLOAT", "INTEGER", "BOOLEAN"],
        }[mode]
        assert list(types.values()) == expected, mode
        assert list(types) == ["dicom_patient_id", "source_batch", "pid", "n", "top", "f", "w", "flag"]


# property tests ---------------------------------------------------------------------------

@given(st.lists(INT64, min_size=1, max_size=30))
def test_any_integers_infer_integer(numbers):
    texts = [str(n) for n in numbers]
    assert typed("inferred", texts) == "INTEGER"
    assert formatted("INTEGER", texts) == texts


@given(
    st.lists(INT64, min_size=1, max_size=30),
    st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=8).filter(
        lambda w: w.strip().upper() not in {"TRUE", "FALSE", "NAN", "INF", "INFINITY"}),
    st.integers(min_value=0),
)
def test_one_word_makes_integers_string(numbers, word, where):
    texts = [str(n) for n in numbers]
    texts.insert(where % (len(texts) + 1), word)
    assert typed("inferred", texts) == "STRING"
