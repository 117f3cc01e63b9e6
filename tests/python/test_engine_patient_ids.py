"""Every patient-id rule IDC uses, declared in a recipe and applied through the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.errors import CurationError, Reason
from helpers.curate import curate
from helpers.files import csv_bytes, xlsx


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
