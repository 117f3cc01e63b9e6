"""How dictionary variables find their columns (``match_by``, ``columns``), and column_metadata
of real collections curated with the blocks ``recipe_blocks``/``acrin_block`` make."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from curation.dictionaries.idc_forms import acrin_block, recipe_blocks
from curation.errors import CurationError, Reason
from curation.metadata import Release
from curation.pipeline import run
from helpers.files import write_xlsx
from test_dictionary_idc_forms import ACRIN_6667, ACRIN_6668, ENTRIES, SOURCES


def _curate(recipe: dict, sources: Path, out: Path):
    path = out.parent / "recipes" / f"{recipe['collection_id']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(recipe, sort_keys=False))
    return run([path], sources, out, Release(22))


def _metadata(out: Path) -> dict[str, dict]:
    frame = pd.read_csv(out / "metadata/raw_column_metadata.csv", dtype=str, keep_default_na=False)
    return {r["column"]: r for r in frame.to_dict("records")}


def _codes(row: dict) -> list:
    return [(v["option_code"], v["option_description"]) for v in json.loads(row["values"])]


# --- match_by, columns ---------------------------------------------------------------------

def _demo(tmp_path: Path, **block) -> tuple:
    sources = tmp_path / "sources"
    write_xlsx(sources / "demo" / "demo.xlsx", {
        "data": [["id", "PR  [%] 2", "Age (Y)", "a0e4d", "Sex"], ["P1", 10, 61, 3, "M"], ["P2", 20, 55, 4, "F"]],
        "dictionary": [["name", "label"], ["id", "Patient"], ["PR [%] 2", "Progesterone %"], ["Age", "Age at MRI"],
                       ["a0e4\nd", "Days to consent"], ["Sex", "Sex at birth"]],
    })
    recipe = {"collection_id": "demo", "tables": [{
        "batches": [{"files": ["demo.xlsx"], "sheet": "data", "patient_column": "id"}],
        "dictionary": {"kind": "sheet", "files": ["demo.xlsx"], "sheet": "dictionary", "name_column": "name",
                       "label_column": "label", **block}}]}
    report = _curate(recipe, sources, tmp_path / "out")
    labels = {c: r["column_label"] for c, r in _metadata(tmp_path / "out").items()}
    return labels, {w.code: w.message for w in report.warnings}


def test_match_by_name_normalizes_the_variable_and_joins_wrapped_names(tmp_path: Path) -> None:
    labels, warnings = _demo(tmp_path)
    assert (labels["a0e4d"], labels["sex"]) == ("Days to consent", "Sex at birth")  # 'a0e4\nd' wrapped
    assert (labels["pr___2"], labels["age_y"]) == ("PR  [%] 2", "Age (Y)")  # not described: the header
    assert "pr___2" in warnings["column_not_in_dictionary"] and "Age" in warnings["variable_not_in_data"]


def test_match_by_header_compares_the_header_text(tmp_path: Path) -> None:
    labels, _ = _demo(tmp_path, match_by="header")
    assert (labels["pr___2"], labels["sex"]) == ("Progesterone %", "Sex at birth")  # runs of spaces aside
    assert labels["a0e4d"] == "a0e4d"


def test_columns_map_wins_and_map_mode_uses_only_it(tmp_path: Path) -> None:
    labels, _ = _demo(tmp_path / "a", columns={"Age": "age_y"})
    assert (labels["age_y"], labels["sex"]) == ("Age at MRI", "Sex at birth")
    labels, warnings = _demo(tmp_path / "b", match_by="map", columns={"Age": "age_y"})
    assert (labels["age_y"], labels["sex"]) == ("Age at MRI", "Sex")
    with pytest.raises(CurationError) as caught:
        _demo(tmp_path / "c", match_by="map")
    assert caught.value.reason is Reason.RECIPE_INVALID and "match_by: map needs 'columns'" in str(caught.value)


@pytest.mark.parametrize(("columns", "message"), [({"Weight": "age_y"}, "no variable 'Weight'"),
                                                  ({"Age": "age"}, "no column 'age'")])
def test_columns_map_naming_nothing_is_an_error(tmp_path: Path, columns, message) -> None:
    with pytest.raises(CurationError) as caught:
        _demo(tmp_path, columns=columns)
    assert caught.value.reason is Reason.DICTIONARY_INVALID
    assert message in str(caught.value) and "demo.xlsx" in str(caught.value)


# --- real collections ----------------------------------------------------------------------

DATA = {  # collection -> (patient id steps, data batch)
    "acrin_6698": ([{"prefix": "ACRIN-6698-"}], {"files": ["Full-Collection-Ancillary-Patient-Information-file.xlsx"],
                                                 "sheet": 0, "patient_column": "I-SPY 2 Research ID"}),
    "spine_mets_ct_seg": ([], {"files": ["Spine-Mets-CT-SEG_Clinical.xlsx"], "sheet": 1, "patient_column": "Case"}),
    "colorectal_liver_metastases": ([], {"files": ["Colorectal-Liver-Metastases-Clinical-data-April-2023.xlsx"],
                                         "sheet": 0, "patient_column": "Patient-ID"}),
    "advanced_mri_breast_lesions": ([], {"files": ["Advanced-MRI-Breast-Lesions-DA-Clinical-Sep2024.xlsx"],
                                         "sheet": 0, "header_rows": [2], "patient_column": "Patient ID"}),
}
FORM_OF = {"acrin_6698": "ispy2", "spine_mets_ct_seg": "spinal", "colorectal_liver_metastases": "colorectal",
           "advanced_mri_breast_lesions": "ambl"}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    runs = {}
    for collection, (steps, batch) in DATA.items():
        _, entry, archives = ENTRIES[FORM_OF[collection]]
        table = {"batches": [batch], "dictionary": recipe_blocks(entry, SOURCES / collection, archives)}
        if steps:
            table["patient_id"] = steps
        out = tmp_path_factory.mktemp(collection) / "out"
        report = _curate({"collection_id": collection, "tables": [table]}, SOURCES, out)
        runs[collection] = (report, _metadata(out))
    return runs


def test_ispy2_labels_and_codes_in_column_metadata(real) -> None:
    report, meta = real["acrin_6698"]
    assert meta["t0"]["column_label"] == "T0 (baseline) MRI study included in collection"
    assert meta["t0"]["values_source"] == "provided dictionary"
    assert _codes(meta["t0"]) == [("0", "No"), ("1", "Yes")]
    assert _codes(meta["race"])[:2] == [("White", None), ("Black", None)]  # bare codes: no description
    described = [r for c, r in meta.items() if r["values_source"] == "provided dictionary"]
    assert len(described) == 25
    # what the dictionary and the data really disagree on: 'non-pCR' vs 'Non-pCR', a typo'd header
    assert sorted(w.code for w in report.warnings) == [
        "column_not_in_dictionary", "value_not_in_dictionary", "variable_not_in_data"]


def test_spinal_map_describes_the_renamed_columns(real) -> None:
    report, meta = real["spine_mets_ct_seg"]
    assert (meta["case"]["column_label"], meta["age_y"]["column_label"]) == ("Patient ID", "Subject Age at Diagnosis")
    assert meta["comments_fractures"]["column_label"] == "Neoplasm Vertebra Lesion Comment"
    # the one warning: its patient-id column is named `case`, an SQL reserved word (kept, quoted)
    assert [(w.code, w.where.column) for w in report.warnings] == [("reserved_word", "case")]


def test_colorectal_special_codes_are_listed_but_not_enforced(real) -> None:
    report, meta = real["colorectal_liver_metastases"]
    assert _codes(meta["sex"]) == [("1", "Male"), ("2", "Female")]
    cea = meta["carcinoembryonic_antigen"]
    assert (cea["values_source"], _codes(cea), cea["data_type"]) == (
        "provided dictionary", [("-999", "not applicable")], "FLOAT")
    assert report.warnings == []


def test_ambl_columns_by_letter_described_through_their_header(real) -> None:
    report, meta = real["advanced_mri_breast_lesions"]
    assert meta["pathology3"]["column_label"].startswith("the pathology corresponding to tumor/benign3 and pos3")
    assert [c for c, _ in _codes(meta["tumor_benign5"])] == ["0", "1", "-1"]
    assert meta["pr_sii_2"]["values_source"] == "provided dictionary"
    described = sum(r["values_source"] == "provided dictionary" for r in meta.values())
    assert described == 43


@pytest.fixture(scope="module")
def acrin_runs(tmp_path_factory):
    runs = {}
    for collection, uzip, udir, dictfile in (ACRIN_6668, ACRIN_6667):
        block = acrin_block(SOURCES / collection, uzip, udir, dictfile)
        member = "{form}.csv" if collection == "acrin_nsclc_fdg_pet" else "6667_{form} reviewed.csv"
        forms = {"dictionary": block, "codes": ["A0", "F1", "IM", "PR"],
                 "patient_id": [{"zero_pad": 3}, {"tcia_prefix": "-"}],
                 "batches": [{"files": [z, f"{d}/{member}"], "patient_column": "cn"} for z, d in zip(uzip, udir)]}
        out = tmp_path_factory.mktemp(collection) / "out"
        recipe = {"collection_id": collection, "tcia_name": collection.upper(), "forms": forms}
        runs[collection] = (_curate(recipe, SOURCES, out), _metadata(out))
    return runs


def test_acrin_sas_formats_give_no_value_warnings(acrin_runs) -> None:
    report, meta = acrin_runs["acrin_contralateral_breast_mr"]
    assert [w for w in report.warnings if w.code == "value_not_in_dictionary"] == []
    assert meta["entryage"]["values_source"] == "derived from inspection of values"  # 'best8.' is no code
    report, meta = acrin_runs["acrin_nsclc_fdg_pet"]
    warned = sorted(w.where.column for w in report.warnings if w.code == "value_not_in_dictionary")
    # only List variables whose option lists in the file are incomplete (ime42 lists 4 and 5 only)
    assert warned == ["a0e14", "a0e28", "a0e42", "f1e26", "f1e43", "f1e48", "f1e6", "f1e69", "ime34", "ime42",
                      "ime72", "ime78"]
    assert meta["rec"]["values_source"] == "derived from inspection of values"  # '#' with '2 | 8'
    assert _codes(meta["a0e2"]) == [("1", "No"), ("2", "Yes")]
    assert meta["a0e2"]["column_label"] == "HAS THE ELIGIBILITY CHECKLIST BEEN COMPLETED?"
