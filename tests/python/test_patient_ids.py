"""Patient-id rules (curation/patient_ids.py): each step, their order, and their validation.

Below the rule, the rules declared in recipes and curated:
Every patient-id rule IDC uses, declared in a recipe and applied through the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pydantic import TypeAdapter, ValidationError

from curation.errors import CurationError, Reason
from curation.patient_ids import apply_rule, PatientIdStep
from curation.recipe import Recipe
from helpers.curate import curate, curate_in_process
from helpers.files import csv_bytes, csv_text, write_recipe, xlsx


STEPS = TypeAdapter(list[PatientIdStep])


def steps(*raw: dict):
    """Steps parsed as a recipe's YAML gives them (one-key mappings)."""
    return STEPS.validate_python(list(raw))


def recipe_with(patient_id: list, tcia_name: str | None = "ACRIN-FLT-Breast") -> dict:
    return {
        "collection_id": "acrin_flt_breast",
        "tcia_name": tcia_name,
        "tables": [{"patient_id": patient_id,
                    "batches": [{"files": ["a.csv"], "patient_column": "pid"}]}],
    }


@pytest.mark.parametrize(
    ("step", "value", "expected"),
    [
        ({"prefix": "LIDC-IDRI-"}, "0001", "LIDC-IDRI-0001"),
        ({"suffix": "_T1"}, "P7", "P7_T1"),
        ({"zero_pad": 4}, "7", "0007"),
        ({"zero_pad": 2}, "12345", "12345"),  # never truncates
        ({"tcia_prefix": "_"}, "001", "ACRIN-FLT-Breast_001"),
        ({"tcia_prefix": "-"}, "17", "ACRIN-FLT-Breast-17"),
        ({"replace": {"old": "_", "new": "-"}}, "TCGA_A1_0001", "TCGA-A1-0001"),
        ({"replace": {"old": "Patient ", "new": ""}}, "Patient 12", "12"),
        ({"drop_trailing": 2}, "QIN-HN-01-A", "QIN-HN-01"),
        ({"regex": r"^(\w+-\d+)_"}, "ProstateX-0001_visit2", "ProstateX-0001"),
        ({"regex": r"ID=(\d+)"}, "case ID=42 (left)", "42"),  # search, not match
        ({"as_is": True}, " Odd Value ", " Odd Value "),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
def test_each_rule(step, value, expected):
    assert apply_rule(steps(step), value, "ACRIN-FLT-Breast") == expected


def test_steps_parse_to_the_right_rule():
    parsed = steps({"prefix": "a"}, {"suffix": "b"}, {"zero_pad": 3}, {"tcia_prefix": "_"},
                   {"replace": {"old": "x", "new": "y"}}, {"drop_trailing": 1}, {"regex": "(a)"},
                   {"as_is": True})
    assert [type(s).__name__ for s in parsed] == [
        "Prefix", "Suffix", "ZeroPad", "TciaPrefix", "Replace", "DropTrailing", "RegexCapture", "AsIs"]


def test_no_steps_keep_the_value():
    assert apply_rule([], "ProstateX-0042", None) == "ProstateX-0042"


def test_steps_apply_in_the_order_given():
    value = "7"
    assert apply_rule(steps({"zero_pad": 4}, {"prefix": "P-"}), value, None) == "P-0007"
    assert apply_rule(steps({"prefix": "P-"}, {"zero_pad": 4}), value, None) == "0P-7"
    chain = steps({"regex": r"(\d+)$"}, {"zero_pad": 3}, {"tcia_prefix": "_"}, {"suffix": "-x"})
    assert apply_rule(chain, "case 5", "QIN-Breast") == "QIN-Breast_005-x"
    swap = steps({"replace": {"old": "_", "new": "-"}}, {"drop_trailing": 2})
    assert apply_rule(swap, "A_B_01", None) == "A-B-"


def test_tcia_prefix_needs_tcia_name():
    with pytest.raises(ValueError, match="tcia_name"):
        apply_rule(steps({"tcia_prefix": "_"}), "001", None)


def test_regex_that_does_not_match_is_an_error():
    with pytest.raises(ValueError, match="does not match"):
        apply_rule(steps({"regex": r"^(\d+)$"}), "ABC", None)


def test_valid_recipe_rules_validate():
    recipe = Recipe.model_validate(recipe_with([{"regex": r"^(\d+)"}, {"zero_pad": 3}]))
    assert [type(s).__name__ for s in recipe.tables[0].patient_id] == ["RegexCapture", "ZeroPad"]


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ([{"regex": r"^\d+$"}], "capture group"),
        ([{"regex": r"^(?:\d+)$"}], "capture group"),  # a non-capturing group does not count
        ([{"zero_pad": 0}], "greater than 0"),
        ([{"zero_pad": -3}], "greater than 0"),
        ([{"drop_trailing": 0}], "greater than 0"),
        ([{"replace": {"old": "", "new": "-"}}], "at least 1"),
        ([{"prefix": "A", "suffix": "B"}], "Extra inputs"),  # one key per step
        ([{"pad": 3}], "Extra inputs"),  # unknown step
    ],
    ids=["regex-no-group", "regex-non-capturing", "zero-pad-0", "zero-pad-negative",
         "drop-trailing-0", "replace-empty-old", "two-keys", "unknown-step"],
)
def test_invalid_rules_are_rejected_by_recipe_validation(rule, complaint):
    with pytest.raises(ValidationError) as caught:
        Recipe.model_validate(recipe_with(rule))
    assert complaint in str(caught.value)


def test_batch_rule_is_also_validated():
    raw = recipe_with([])
    raw["tables"][0]["batches"][0]["patient_id"] = [{"zero_pad": 0}]
    with pytest.raises(ValidationError):
        Recipe.model_validate(raw)


def test_invalid_regex_is_a_validation_error():
    """Regression: re.error (not a ValueError) escaped pydantic's validation (fixed in 0c044ba)."""
    with pytest.raises(ValidationError):
        Recipe.model_validate(recipe_with([{"regex": "(["}]))


def test_invalid_regex_in_a_recipe_file_is_a_curation_error(tmp_path: Path):
    """Regression: `curate` died with a re.error traceback (fixed in 0c044ba)."""
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "a.csv").write_bytes(csv_text("pid", "1"))
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        tables:
          - patient_id: [{regex: "(["}]
            batches: [{files: [a.csv], patient_column: pid}]
    """)
    with pytest.raises(CurationError) as caught:
        curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    assert caught.value.reason is Reason.RECIPE_INVALID


def test_drop_trailing_longer_than_the_value_is_an_error():
    """Regression: value[:-n] silently gave '' (fixed in 0c044ba)."""
    with pytest.raises(ValueError):
        apply_rule(steps({"drop_trailing": 5}), "abc", None)


def test_rule_giving_an_empty_patient_id_stops_the_run(tmp_path: Path):
    """Regression: an empty capture group gave a NULL dicom_patient_id (fixed in 0c044ba)."""
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "a.csv").write_bytes(csv_text("pid,v", "ID-1,1", "X,2"))
    write_recipe(tmp_path / "recipes", "demo.yaml", r"""
        collection_id: demo
        tables:
          - patient_id: [{regex: "^(?:ID-)?(\\d*)"}]
            batches: [{files: [a.csv], patient_column: pid}]
    """)
    with pytest.raises(CurationError) as caught:
        curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    assert caught.value.reason in (Reason.EMPTY_PATIENT_ID, Reason.PATIENT_ID_RULE)
    assert caught.value.where.row == 3


def test_rules_end_to_end_table_rule_and_batch_override(tmp_path: Path):
    """The table's rule applies to every batch unless a batch gives its own; the source
    patient column keeps the original value."""
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "train.csv").write_bytes(csv_text("Case,v", "1,a", "22,b"))
    (tmp_path / "sources" / "demo" / "test.csv").write_bytes(csv_text("Case,v", "case_3,c"))
    write_recipe(tmp_path / "recipes", "demo.yaml", r"""
        collection_id: demo
        tcia_name: Demo-Collection
        tables:
          - patient_id: [{zero_pad: 3}, {tcia_prefix: "_"}]
            batches:
              - files: [train.csv]
                patient_column: Case
              - files: [test.csv]
                patient_column: 1
                patient_id: [{regex: "_(\\d+)$"}, {zero_pad: 3}, {prefix: "Demo-Collection_"}]
    """)
    curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "clinical" / "demo_clinical.csv", dtype=str)
    assert table["dicom_patient_id"].tolist() == ["Demo-Collection_001", "Demo-Collection_022",
                                                  "Demo-Collection_003"]
    assert table["case"].tolist() == ["1", "22", "case_3"]
    assert table["source_batch"].tolist() == ["0", "0", "1"]


def test_rule_failure_in_the_pipeline_names_the_place(tmp_path: Path):
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "a.csv").write_bytes(csv_text("pid", "P1", "oops"))
    write_recipe(tmp_path / "recipes", "demo.yaml", r"""
        collection_id: demo
        tables:
          - patient_id: [{regex: "^P(\\d+)$"}]
            batches: [{files: [a.csv], patient_column: pid}]
    """)
    with pytest.raises(CurationError) as caught:
        curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    assert caught.value.reason is Reason.PATIENT_ID_RULE
    assert "'oops'" in str(caught.value) and "demo.yaml" in str(caught.value)
    assert caught.value.where.column == "pid"
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------------------
# Below the rule, the rules declared in recipes and curated


def ids(tmp_path: Path, rule: str, values: list[str], tcia_name: str = "ACRIN-FLT-Breast") -> list[str]:
    data = csv_bytes("pid", *values)
    text = (f"collection_id: demo\ntcia_name: {tcia_name}\ntables:\n  - patient_id: {rule}\n"
            "    batches:\n      - {files: [a.csv], patient_column: pid}\n")
    (t,) = curate(tmp_path, text, {"a.csv": data})
    assert t.frame()["pid"].tolist() == values  # the source column keeps the original value
    return t.frame()["dicom_patient_id"].tolist()


@pytest.mark.parametrize(
    ("rule", "values", "expected"),
    [
        ("[]", ["PROSTATEx-0001"], ["PROSTATEx-0001"]),  # value as is
        ("[{as_is: true}]", ["A_1"], ["A_1"]),
        ("[{prefix: 'TCGA-'}]", ["AB-1234"], ["TCGA-AB-1234"]),
        ("[{suffix: '_CT'}]", ["P1"], ["P1_CT"]),
        ("[{zero_pad: 3}]", ["7", "42", "1234"], ["007", "042", "1234"]),
        ("[{zero_pad: 3}, {tcia_prefix: '_'}]", ["1"], ["ACRIN-FLT-Breast_001"]),  # TCIA name + separator
        ("[{replace: {old: _, new: '-'}}]", ["C3L_00001"], ["C3L-00001"]),  # characters
        ("[{replace: {old: BreastDX, new: BreastDx}}]", ["BreastDX-01-0001"], ["BreastDx-01-0001"]),  # fixed substring
        ("[{drop_trailing: 2}]", ["P001_1", "P002_2"], ["P001", "P002"]),
        ("[{regex: '^(\\w+-\\d+)'}]", ["LUNG1-001 (CT)"], ["LUNG1-001"]),  # regex capture
        ("[{regex: '(\\d+)$'}, {zero_pad: 4}, {prefix: 'QIN-'}]", ["case 12"], ["QIN-0012"]),  # composed
    ],
)
def test_rule(tmp_path: Path, rule: str, values: list[str], expected: list[str]):
    assert ids(tmp_path, rule, values) == expected


def test_numeric_excel_ids_do_not_gain_dot_zero(tmp_path: Path):
    text = ("collection_id: demo\ntables:\n  - patient_id: [{prefix: 'HCC_'}]\n"
            "    batches:\n      - {files: [a.xlsx], patient_column: ID}\n")
    (t,) = curate(tmp_path, text, {"a.xlsx": xlsx({"s": [["ID"], [1.0], [25.0]]})})
    assert t.frame()["dicom_patient_id"].tolist() == ["HCC_1", "HCC_25"]


@pytest.mark.parametrize(
    ("rule", "value", "row"),
    [("[{regex: '^P(\\d+)$'}]", "oops", 3), ("[{drop_trailing: 4}]", "abc", 3),
     ("[{tcia_prefix: '-'}]", "x", 2)],
)
def test_a_value_the_rule_cannot_take_names_its_row(tmp_path: Path, rule: str, value: str, row: int):
    values = ["P12345", value] if row == 3 else [value]
    with pytest.raises(CurationError) as caught:
        ids(tmp_path, rule, values, tcia_name="" if "tcia" in rule else "T")
    assert caught.value.reason in (Reason.PATIENT_ID_RULE, Reason.RECIPE_INVALID)
    if caught.value.reason is Reason.PATIENT_ID_RULE:
        assert caught.value.where.row == row and caught.value.where.column == "pid"
