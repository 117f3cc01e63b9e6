"""Column types (curation/column_types.py): IDC's published typing, and the inferred mode."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.curate import curate_in_process
from helpers.files import csv_text, write_recipe
from curation.column_types import (
    PANDAS_NA_TOKENS,
    ColumnType,
    decide_type,
    format_values,
    misfit,
    profile,
    type_column,
)

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
        ([["TRUE", "false"], ["True", "FALSE"]], "STRING"),  # the conventional path never publishes BOOLEAN
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


# idc mode, conventional path: the column IDC casts (its patientIdRow) ----------------------

def _types_and_rows(tmp_path: Path, recipe: str, files: dict[str, bytes]):
    from helpers.curate import curate

    (table,) = curate(tmp_path, recipe, files)
    return table.types, table.frame()


CAST_FILES = {"a.csv": csv_text("id,pid,n", "007,P1,1", "12.0,P2,2"),
              "b.csv": csv_text("id,pid,n", "3,P3,3", "4,P4,4")}


def _cast_recipe(mode: str = "idc", option: str = "") -> str:
    return f"""
        collection_id: demo
        type_mode: {mode}
        tables:
          - batches:
              - {{files: [a.csv], patient_column: pid{option}}}
              - {{files: [b.csv], patient_column: pid{option}}}
    """


def test_idc_first_column_is_string_whatever_the_patient_column_and_keeps_its_text(tmp_path: Path):
    types, frame = _types_and_rows(tmp_path, _cast_recipe(), CAST_FILES)
    assert (types["id"], types["n"]) == ("STRING", "INTEGER")
    assert frame["id"].tolist() == ["007", "12.0", "3", "4"]  # never altered


def test_idc_cast_column_by_header_or_position_moves_the_rule(tmp_path: Path):
    for option in (", idc_cast_column: n", ", idc_cast_column: 3"):
        types, frame = _types_and_rows(tmp_path / option[-1], _cast_recipe(option=option), CAST_FILES)
        assert (types["id"], types["n"]) == ("STRING", "STRING")  # id: all-whole decimals, as before
        assert frame["n"].tolist() == ["1", "2", "3", "4"]
    files = {"a.csv": csv_text("id,pid,n", "1,P1,1"), "b.csv": csv_text("id,pid,n", "2,P2,2")}
    types, _ = _types_and_rows(tmp_path / "moved", _cast_recipe(option=", idc_cast_column: n"), files)
    assert (types["id"], types["n"]) == ("INTEGER", "STRING")


def test_first_column_rule_is_idc_only(tmp_path: Path):
    types, frame = _types_and_rows(tmp_path, _cast_recipe("inferred"), CAST_FILES)
    # not cast, so typed by the values: 007 is a code (leading zeros are never dropped), so STRING
    assert types["id"] == "STRING" and frame["id"].tolist() == ["007", "12.0", "3", "4"]
    types, frame = _types_and_rows(tmp_path / "unpadded", _cast_recipe("inferred"),
                                   {**CAST_FILES, "a.csv": csv_text("id,pid,n", "7,P1,1", "12.0,P2,2")})
    assert types["id"] == "INTEGER" and frame["id"].tolist() == ["7", "12", "3", "4"]


def test_idc_cast_column_not_kept_is_a_recipe_error(tmp_path: Path):
    from curation.errors import CurationError, Reason

    option = ", skip_columns: [n], idc_cast_column: n"
    with pytest.raises(CurationError) as caught:
        _types_and_rows(tmp_path, _cast_recipe(option=option), CAST_FILES)
    assert caught.value.reason is Reason.RECIPE_INVALID and caught.value.where.column == "n"


# idc mode, ACRIN path: pandas' default NA reading, then BigQuery's auto-detection ----------

def acrin(*batches: list[str] | None) -> str:
    return acrin_typed(*batches).sql_type


def acrin_typed(*batches: list[str] | None):
    parts = [series(*b) if b is not None else series(*[""] * 2) for b in batches]
    stacked = pd.concat(parts, ignore_index=True)
    profiles = [profile(series(*b)) for b in batches if b is not None]
    return type_column(stacked, profiles, any(b is None for b in batches), "idc", "acrin")


@pytest.mark.parametrize(
    ("batches", "expected"),
    [
        ([["1", "NA", "2"]], "INTEGER"),  # NA is NULL to pandas: it does not vote
        ([["1", "", "2"]], "INTEGER"),
        ([["1", "N/A"], ["null", "3"]], "INTEGER"),
        ([["1.0", "2"]], "INTEGER"),  # whole floats recast to Int64
        ([["1.5", ""], ["2", "3"]], "FLOAT"),
        ([["1", "2"], None], "INTEGER"),  # missing from a batch: NULL, unlike the conventional path
        ([["True", "false", ""], None], "BOOLEAN"),
        ([["TRUE", "1"]], "STRING"),
        ([["", ""], ["", ""]], "STRING"),  # no value at all
        ([["NA", "N/A"]], "STRING"),
        ([["1", "x"]], "STRING"),
        ([[" NA", "1"]], "STRING"),  # pandas matches NA tokens exactly: ' NA' is text
        ([["1", "na"]], "STRING"),  # and case-sensitively
        ([["2010-01-02", "NA"]], "DATE"),  # BigQuery detects YYYY-MM-DD dates
        ([["2010-01-02 10:00:00"]], "STRING"),  # a TIMESTAMP to BigQuery: no such type here
        ([["1", "inf"]], "STRING"),
        ([["1", "99999999999999999999"]], "STRING"),
    ],
)
def test_acrin_path(batches, expected):
    assert acrin(*batches) == expected


def test_acrin_path_every_row_votes():
    """Not only the 500 rows BigQuery's auto-detection documents as its sample: the published
    acrin_nsclc_fdg_pet_F1 has f1e33 INTEGER with its only value in row 1216 of 1541."""
    assert acrin([""] * 1215 + ["3"] + [""] * 325) == "INTEGER"
    assert acrin(["1"] * 600 + ["x"]) == "STRING"


def test_acrin_path_na_text_is_null_in_typed_columns_and_kept_in_text_columns():
    typed = acrin_typed(["1", "NA", "", "2.0"])
    assert typed.values.tolist()[0::3] == ["1", "2"] and typed.values.isna().tolist() == [False, True, True, False]
    assert typed.nulled.tolist() == [False, True, False, False]  # the blank is not text: not reported
    text = acrin_typed(["x", "NA", ""])
    assert text.sql_type == "STRING" and text.values.tolist()[:2] == ["x", "NA"] and not text.nulled.any()


def test_pandas_default_na_tokens_are_what_pandas_reads_as_missing():
    """The token list is pandas' own: every token is NaN to read_csv, and nothing else of a
    few near misses is."""
    import io

    cells = list(PANDAS_NA_TOKENS) + [" NA", "na", "NA ", "none", "-", "."]
    frame = pd.read_csv(io.StringIO("a\n" + "\n".join(f'"{c}"' for c in cells) + "\n"), dtype=object)
    missing = dict(zip(cells, frame["a"].isna()))
    assert all(missing[t] for t in PANDAS_NA_TOKENS)
    assert not any(missing[c] for c in cells[len(PANDAS_NA_TOKENS):])
    try:
        from pandas._libs.parsers import STR_NA_VALUES
    except ImportError:  # pragma: no cover - a private name of pandas
        return
    assert set(STR_NA_VALUES) == set(PANDAS_NA_TOKENS) | {""}


def test_acrin_path_end_to_end_reports_na_text(tmp_path: Path):
    recipe = """
        collection_id: demo
        type_mode: idc
        tables:
          - idc_path: acrin
            batches:
              - {files: [a.csv], patient_column: cn}
              - {files: [b.csv], patient_column: cn}
    """
    files = {"a.csv": csv_text("cn,age,note,flag", "1,61,NA,True", "2,NA,x,"),
             "b.csv": csv_text("cn,age,flag", "3,N/A,false", "4,48,true")}
    from helpers.curate import curate

    (table,) = curate(tmp_path, recipe, files)
    assert table.types == {"dicom_patient_id": "STRING", "source_batch": "INTEGER", "cn": "INTEGER",
                           "age": "INTEGER", "note": "STRING", "flag": "BOOLEAN"}
    assert table.frame()["note"].tolist() == ["NA", "x", "", ""]  # text kept in a STRING column
    (warning,) = [w for w in table.report.warnings if w.code == "idc_null_text"]
    assert (warning.where.column, warning.where.batch, warning.where.row) == ("age", 0, 3)
    assert warning.message.startswith("2 cell(s)")


# recipe overrides (Table.column_types) -----------------------------------------------------

def _override_recipe(types: str) -> str:
    return f"""
        collection_id: demo
        tables:
          - column_types: {types}
            batches:
              - {{files: [a.csv], patient_column: pid}}
              - {{files: [b.csv], patient_column: pid}}
    """


OVERRIDE_FILES = {"a.csv": csv_text("pid,n,code,day", "P1,1,007,2020-01-02", "P2,,12,"),
                  "b.csv": csv_text("pid,n,code,day", "P3,3,x1,2021-03-04")}


def test_override_sets_a_type_every_value_fits(tmp_path: Path):
    types, frame = _types_and_rows(tmp_path, _override_recipe("{n: INTEGER, day: DATE}"), OVERRIDE_FILES)
    assert (types["n"], types["day"], types["code"]) == ("INTEGER", "DATE", "STRING")
    assert frame["n"].tolist() == ["1", "", "3"] and frame["day"].tolist() == ["2020-01-02", "", "2021-03-04"]


def test_override_that_a_value_does_not_fit_stops_the_run_naming_the_row(tmp_path: Path):
    from curation.errors import CurationError, Reason

    with pytest.raises(CurationError) as caught:
        _types_and_rows(tmp_path, _override_recipe("{code: INTEGER}"), OVERRIDE_FILES)
    error = caught.value
    assert error.reason is Reason.COLUMN_TYPE_MISFIT
    assert (error.where.recipe, error.where.table, error.where.column) == ("demo.yaml", "demo_clinical", "code")
    # 007 does not fit INTEGER (it would lose its leading zeros), in batch 0; x1 in batch 1
    assert (error.where.batch, error.where.row) == (0, 2) and "'007'" in error.message


def test_override_of_an_unknown_column_is_a_recipe_error(tmp_path: Path):
    from curation.errors import CurationError, Reason

    for name in ("nope", "source_batch"):
        with pytest.raises(CurationError) as caught:
            _types_and_rows(tmp_path / name, _override_recipe(f"{{{name}: STRING}}"), OVERRIDE_FILES)
        assert caught.value.reason is Reason.RECIPE_INVALID and caught.value.where.column == name


def test_override_error_writes_nothing(tmp_path: Path):
    from curation.errors import CurationError

    from helpers.curate import lay_out

    recipe, sources = lay_out(tmp_path, _override_recipe("{code: FLOAT}"), OVERRIDE_FILES)
    with pytest.raises(CurationError):
        curate_in_process(recipe, sources, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("values", "sql_type", "first_bad"),
    [
        (["1", "", "12.0", "+7"], "INTEGER", None),
        (["1", "2.5"], "INTEGER", 1),
        (["1", "99999999999999999999"], "INTEGER", 1),
        (["1", "99999999999999999999"], "FLOAT", 1),  # a code, not a number: FLOAT would change it
        (["1", "2.5", "1e-3"], "FLOAT", None),
        (["1", "NA"], "FLOAT", 1),
        (["TRUE", "false", ""], "BOOLEAN", None),
        (["TRUE", "1"], "BOOLEAN", 1),
        (["2012-02-28", "2012-02-30"], "DATE", 1),
        (["anything", "1"], "STRING", None),
    ],
)
def test_misfit_agrees_with_the_inference(values, sql_type, first_bad):
    assert misfit(series(*values), sql_type) == first_bad


@given(st.lists(st.one_of(INT64.map(str), st.floats(allow_nan=False).map(repr),
                          st.sampled_from(["TRUE", "false", "2020-01-31", "x", "NA", ""])), min_size=1, max_size=12))
def test_the_inferred_type_is_one_every_value_fits(texts):
    sql_type = typed("inferred", texts)
    assert sql_type in list(ColumnType)
    assert misfit(series(*texts), sql_type) is None


# idc mode, conventional path: rows removed after IDC's reading still type the column -------

def test_idc_rows_removed_after_reading_still_count(tmp_path: Path):
    """IDC types the whole sheet read with its first row as the header: a lower header row,
    skip_rows and rows past last_data_row still vote (spie_aapm_lung_ct_challenge: notes
    past maxRow make nodule_number STRING), trailing empty rows of a workbook do not."""
    from helpers.files import xlsx

    rows = [["group", "", ""], ["pid", "n", "m"], ["P1", 1, 5], ["P2", 2, 6], ["P3", 3, 7],
            ["*a note", None, 8], [None, None, None]]
    files = {"a.xlsx": xlsx({"s": rows})}

    def typed_as(mode: str, option: str) -> dict:
        recipe = f"""
            collection_id: demo
            type_mode: {mode}
            tables:
              - batches:
                  - {{files: [a.xlsx], patient_column: pid, header_rows: [2]{option}}}
        """
        types, _ = _types_and_rows(tmp_path / f"{mode}{len(option)}", recipe, files)
        return types

    # the header row 2 is a data row to pandas (text): every column is text to IDC
    assert typed_as("idc", ", last_data_row: 5") == {
        "dicom_patient_id": "STRING", "source_batch": "INTEGER", "pid": "STRING", "n": "STRING", "m": "STRING"}
    assert typed_as("inferred", ", last_data_row: 5")["n"] == "INTEGER"


def test_idc_rows_past_last_data_row_count_but_trailing_empty_rows_do_not(tmp_path: Path):
    from helpers.files import xlsx

    rows = [["pid", "n", "m", "k"], ["P1", 1, 5, 1.5], ["P2", 2, 6, 2.5], ["*note", None, 7, None],
            [None, None, None, None], [None, None, None, None]]
    recipe = """
        collection_id: demo
        tables:
          - batches:
              - {files: [a.xlsx], patient_column: pid, last_data_row: 3, idc_cast_column: k}
    """
    types, frame = _types_and_rows(tmp_path, recipe, {"a.xlsx": xlsx({"s": rows})})
    assert (types["n"], types["m"]) == ("STRING", "INTEGER")  # n's blank cell in the note row is text
    assert frame["n"].tolist() == ["1", "2"]


# One set of type names, one map per target (curation.column_types), and ``conforms``.

def _load_script(name: str):
    """A module of the offline BigQuery check (bigquery_check/; the ZetaSQL check runs in its
    own venv, so it imports nothing of curation and keeps its own copy of the map)."""
    import importlib

    return importlib.import_module(f"bigquery_check.{name}")


def _seed_type(column_type: ColumnType, target: str) -> str:
    """A seed column type as dbt renders it for ``target``."""
    import jinja2

    from curation.column_types import SEED_TYPES

    return jinja2.Template(SEED_TYPES[column_type]).render(target={"type": target})


def test_every_target_map_names_every_type_once():
    from curation.column_types import BIGQUERY_TYPES, DUCKDB_TYPES, SEED_TYPES, ZETASQL_TYPES

    for target in (SEED_TYPES, DUCKDB_TYPES, BIGQUERY_TYPES, ZETASQL_TYPES):
        assert list(target) == list(ColumnType) or set(target) == set(ColumnType)
        assert len(set(target.values())) == len(ColumnType)  # no two types share a name


@pytest.mark.parametrize("column_type", list(ColumnType))
def test_a_seed_type_loads_on_duckdb_as_the_duckdb_type(column_type):
    import duckdb

    from curation.column_types import DUCKDB_TYPES

    loaded = duckdb.sql(f"select cast(null as {_seed_type(column_type, 'duckdb')}) as x").types[0]
    assert str(loaded) == DUCKDB_TYPES[column_type]


@pytest.mark.parametrize("column_type", list(ColumnType))
def test_a_seed_type_is_the_bigquery_type_and_zetasql_kind(column_type):
    from curation.column_types import BIGQUERY_TYPES, ZETASQL_TYPES

    zetasql_check = _load_script("zetasql_check")
    standard = BIGQUERY_TYPES[column_type]
    assert _seed_type(column_type, "bigquery").upper() == standard
    assert _load_script("offline_catalog").bigquery_type(column_type.value, "test") == standard
    assert zetasql_check.LEGACY_NAMES.get(column_type.value, column_type.value) == standard
    assert zetasql_check.ZETASQL_KINDS[standard] == ZETASQL_TYPES[column_type]
    kind = ZETASQL_TYPES[column_type].removeprefix("TYPE_")
    assert zetasql_check.TYPE_NAMES.get(kind, kind) == column_type.value  # the name IDC publishes


def _conforming(column_type: str, values: list[str]) -> list[bool]:
    import pyarrow as pa

    from curation.column_types import conforms

    return conforms(pa.array(values, type=pa.large_string()), column_type).to_pylist()


@given(st.lists(st.one_of(INT64.map(str), INT64.map(lambda n: f"+{n:03d}.0" if n >= 0 else f"{n}.00")),
                min_size=1, max_size=20))
def test_integer_seed_text_conforms(texts):
    written = format_values(series(*texts), "INTEGER", []).tolist()
    assert all(_conforming("INTEGER", written))


@pytest.mark.parametrize(("column_type", "values"), [
    ("FLOAT", [" 1.5", "-2e-3", ".5", "7", "+1."]),
    ("BOOLEAN", ["TRUE", "false", " True "]),
    ("DATE", ["2012-02-29", " 2020-01-31"]),
    ("STRING", ["  padded ", "007", ""]),
])
def test_seed_text_of_every_type_conforms(column_type, values):
    assert misfit(series(*values), column_type) is None
    assert all(_conforming(column_type, format_values(series(*values), column_type, []).tolist()))


@pytest.mark.parametrize(("column_type", "value"), [
    ("INTEGER", "+5"), ("INTEGER", "007"), ("INTEGER", "7.0"), ("INTEGER", " 5"), ("INTEGER", ""),
    ("INTEGER", "9223372036854775808"), ("INTEGER", "-9223372036854775809"),
    ("FLOAT", "inf"), ("FLOAT", "nan"), ("FLOAT", "1e999"), ("FLOAT", "1,5"), ("FLOAT", " 1.5"),
    ("BOOLEAN", "TRUE"), ("BOOLEAN", "yes"), ("BOOLEAN", "1"),
    ("DATE", "2013-02-29"), ("DATE", "2020-1-01"), ("DATE", "2020-01-31 08:30:00"),
])
def test_text_not_written_for_a_type_does_not_conform(column_type, value):
    assert _conforming(column_type, [value, None]) == [False, True]  # NULL conforms to every type


def test_idc_seed_text_conforms_too():
    """IDC's types keep a padded decimal's text in a FLOAT column (``01.5``)."""
    column = type_column(series("01.5", "2"), [profile(series("01.5", "2"))], False, "idc")
    assert column.sql_type == "FLOAT" and all(_conforming("FLOAT", column.values.tolist()))


def test_int64_bounds_conform():
    assert _conforming("INTEGER", ["9223372036854775807", "-9223372036854775808", "-0"]) == [True, True, False]


def test_codes_compare_by_their_digits_never_through_a_float():
    from curation.column_types import code_text

    assert code_text("12345678901234567891") != code_text("12345678901234567892")  # one float64
    assert [code_text(v) for v in (" 1.0", "+1", "001", "1.", "-0", "-5.00")] == ["1", "1", "1", "1", "0", "-5"]
    assert [code_text(v) for v in ("1e3", "1.5", "A1", "")] == ["1e3", "1.5", "A1", ""]


def test_the_dbt_type_name_macro_agrees_with_the_target_maps():
    """macros/cross_db/idc_type_name.sql names a built column's type as column_metadata does;
    for the curated types it must give back what curation.column_types maps them to."""
    import re

    from curation.column_types import BIGQUERY_TYPES, DUCKDB_TYPES

    text = (Path(__file__).resolve().parents[2] / "macros" / "cross_db" / "idc_type_name.sql").read_text()
    for adapter, names in (("duckdb", DUCKDB_TYPES), ("bigquery", BIGQUERY_TYPES)):
        body = text.split(f"macro {adapter}__idc_type_name")[1].split("endmacro")[0]
        macro = dict(re.findall(r"'(\w+)': '(\w+)'", body))
        assert {t: macro.get(names[t]) for t in ColumnType} == {t: t.value for t in ColumnType}, adapter
