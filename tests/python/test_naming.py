"""Column names: IDC's header normalization (curation/naming.py) and what the curator adds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.curate import curate_in_process
from helpers.files import csv_text, write_recipe
from curation.naming import (
    RESERVED_NAMES,
    join_header_cells,
    normalize_header,
    unique_names,
)

NAME = re.compile(r"[a-z0-9_]*")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ProxID", "proxid"),
        ("ClinSig", "clinsig"),
        ("DCMSerDescr", "dcmserdescr"),
        ("Spacing Between Slices", "spacing_between_slices"),
        ("Gleason/Grade", "gleason_grade"),
        ("T-stage", "t_stage"),
        ("Eosinophils/100 Leukocytes", "eosinophils_100_leukocytes"),
        ("a / b", "a___b"),  # every '/', '-' and space becomes '_', none are merged
        ("Size (mm)", "size_mm"),
        ("%GC#", "gc"),
        ("Weight [kg]*", "weight_kg"),
        ("Größe", "gre"),  # non-ASCII letters are dropped, not transliterated
        ("tab\there", "tabhere"),  # only the plain space becomes '_'
        ("2nd Opinion", "c_2nd_opinion"),
        ("1", "c_1"),
        ("(1) Age", "c_1_age"),  # the digit check is made after dropping characters
        ("_private", "_private"),
        ("already_ok_9", "already_ok_9"),
        ("", ""),
        ("()", ""),
    ],
)
def test_normalize_header_examples(header, expected):
    assert normalize_header(header) == expected


@pytest.mark.parametrize(
    ("cells", "joined", "name"),
    [
        (["Lesion", "Size (mm)"], "Lesion_Size (mm)", "lesion_size_mm"),
        (["Patient", "", "ID"], "Patient_ID", "patient_id"),
        ([" Visit ", "3-month"], "Visit _3-month", "visit__3_month"),  # blanks inside are kept
        (["3", "month"], "3_month", "c_3_month"),
        (["", ""], "", ""),
    ],
)
def test_multi_row_headers_are_joined_with_underscore(cells, joined, name):
    assert join_header_cells(cells) == joined
    assert normalize_header(join_header_cells(cells)) == name


@pytest.mark.parametrize(("cells", "release", "name"), [
    (["treatment "], 18, "treatment_"),
    (["treatment "], 19, "treatment_"),
    (["treatment "], 20, "treatment"),
    (["treatment "], 22, "treatment"),
    ([" Lesion", "Size "], 18, "_lesion_size_"),
    ([" Lesion", "Size "], 22, "lesion_size"),
])
def test_the_naming_rule_is_a_function_of_the_release(cells, release, name):
    """Since v20 IDC strips the joined header before replacing blanks; v18 and v19 did not."""
    assert normalize_header(join_header_cells(cells, release)) == name


def test_unique_names_numbers_duplicates_in_order():
    names, renamed = unique_names(["age", "zone", "age", "age", "zone"], set())
    assert names == ["age", "zone", "age_2", "age_3", "zone_2"]
    assert renamed == [("age", "age_2"), ("age", "age_3"), ("zone", "zone_2")]


def test_unique_names_respects_taken_and_existing_suffixes():
    names, _ = unique_names(["dicom_patient_id", "a", "a_2", "a"], set(RESERVED_NAMES))
    assert names == ["dicom_patient_id_2", "a", "a_2", "a_3"]


def _curate_one_csv(tmp_path: Path, text: bytes, header_rows: str = "[1]", patient_column: str = "pid"):
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "t.csv").write_bytes(text)
    write_recipe(tmp_path / "recipes", "demo.yaml", f"""
        collection_id: demo
        tables:
          - batches: [{{files: [t.csv], header_rows: {header_rows}, patient_column: {patient_column}}}]
    """)
    report = curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "out")
    header = (tmp_path / "out" / "clinical" / "demo_clinical.csv").read_text().splitlines()[0]
    return header.split(","), report.tables[0]


def test_curated_names_from_a_two_row_header(tmp_path: Path):
    text = csv_text("Patient,,Lesion,,2nd,Labs", "ID,Age,Zone,Size (mm),Read,", "P1,60,PZ,4,x,12")
    header, _ = _curate_one_csv(tmp_path, text, header_rows="[1, 2]", patient_column="Patient_ID")
    assert header == ["dicom_patient_id", "source_batch", "patient_id", "patient_age", "lesion_zone",
                      "lesion_size_mm", "c_2nd_read", "labs"]


def test_empty_header_becomes_column_n_and_duplicates_are_numbered(tmp_path: Path):
    text = csv_text("pid,Age,,AGE,age,(%),Source Batch,", "P1,1,x,2,3,y,s,", "P2,4,,5,6,,t,")
    header, report = _curate_one_csv(tmp_path, text)
    assert header == ["dicom_patient_id", "source_batch", "pid", "age", "column_3", "age_2", "age_3",
                      "column_6", "source_batch_2"]
    codes = sorted(w.code for w in report.warnings)
    assert codes == ["duplicate_name"] * 3 + ["empty_header"] * 2
    assert report.columns_dropped == {"no header and no values": 1}  # the trailing empty column


def test_renaming_is_deterministic(tmp_path: Path):
    text = csv_text("pid,x,X,x-,x ,x_2", "P1,1,2,3,4,5")
    first, _ = _curate_one_csv(tmp_path / "a", text)
    second, _ = _curate_one_csv(tmp_path / "b", text)
    assert first == second == ["dicom_patient_id", "source_batch", "pid", "x", "x_2", "x_", "x_3", "x_2_2"]


# Property tests ---------------------------------------------------------------------------

headers = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=["Cs"]), st.sampled_from("/- _09aZ")),
    max_size=30,
)


@given(headers)
def test_normalized_names_are_sql_safe(header):
    name = normalize_header(header)
    assert NAME.fullmatch(name)
    assert not name[:1].isdigit()


@given(headers)
def test_normalize_is_idempotent(header):
    once = normalize_header(header)
    assert normalize_header(once) == once


@given(headers)
def test_normalize_keeps_every_ascii_letter_and_digit(header):
    """Only characters outside [A-Za-z0-9] are dropped or changed (plus a possible c_ prefix)."""
    kept = re.sub(r"[^a-z0-9]", "", normalize_header(header))
    expected = re.sub(r"[^A-Za-z0-9]", "", header).lower()
    assert kept in (expected, "c" + expected)


@given(st.lists(st.text(alphabet="ab_2", max_size=4), max_size=12), st.sets(st.sampled_from(["a", "b", "a_2"])))
def test_unique_names_unique_and_stable(names, taken):
    out, renamed = unique_names(names, set(taken))
    assert len(out) == len(names)
    assert len(set(out)) == len(out)
    assert not set(out) & taken
    assert (out, renamed) == unique_names(list(names), set(taken))
    # order of appearance decides: a prefix of the input gets a prefix of the output
    for k in range(len(names) + 1):
        assert unique_names(names[:k], set(taken))[0] == out[:k]
    for original, new in zip(names, out):
        assert new == original or re.fullmatch(re.escape(original) + r"_\d+", new)
    assert renamed == [(o, n) for o, n in zip(names, out) if o != n]
