"""Dictionaries through the whole run: tables per form, column_metadata, warnings, the gate,
the dbt test written into the seed YAML, and the real recipes (bonemarrowwsi, prostatex)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from curation import quality_gate
from curation.errors import CurationError, Reason
from curation.metadata import Release
from curation.pipeline import run
from helpers.dictionaries import REPO, acrin_project, redcap_project, write_recipe


def _curate(recipe: Path, sources: Path, out: Path, **options):
    return run([recipe], sources, out, Release(22), **options)


def _column_metadata(out: Path) -> dict[tuple[str, str], dict]:
    frame = pd.read_csv(out / "metadata/raw_column_metadata.csv", dtype=str, keep_default_na=False)
    return {(r["table_name"], r["column"]): r for r in frame.to_dict("records")}


def _values(row: dict) -> list[tuple[str, str | None]]:
    return [(v["option_code"], v["option_description"]) for v in json.loads(row["values"])]


@pytest.fixture(scope="module")
def acrin_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("acrin")
    recipe, sources = acrin_project(tmp)
    out = tmp / "out"
    return _curate(recipe, sources, out), out


def test_acrin_one_table_per_form_with_lower_case_variable_names(acrin_run) -> None:
    _, out = acrin_run
    names = sorted(p.stem for p in (out / "clinical").glob("*.csv"))
    assert names == ["acrin_demo_A0", "acrin_demo_A1", "acrin_demo_BQ"]
    a0 = pd.read_csv(out / "clinical/acrin_demo_A0.csv", dtype=str)
    assert list(a0.columns) == ["dicom_patient_id", "source_batch", "cn", "a0e1", "a0e2", "a0e3", "a0e4d"]
    assert list(a0["dicom_patient_id"]) == ["ACRIN-Demo_001", "ACRIN-Demo_002", "ACRIN-Demo_007",
                                            "ACRIN-Demo_011", "ACRIN-Demo_012"]
    assert list(a0["source_batch"]) == ["0", "0", "0", "1", "1"]
    tables = pd.read_csv(out / "metadata/raw_table_metadata.csv", dtype=str)
    assert sorted(tables["table_name"]) == names
    assert set(tables["number_batches"]) == {"2"}


def test_acrin_types_follow_idcs_acrin_path(acrin_run) -> None:
    _, out = acrin_run
    meta = _column_metadata(out)
    types = {column: row["data_type"] for (table, column), row in meta.items()}
    # idc_path: acrin: a0e1's blank cell in batch 1 is NULL and does not vote (INTEGER);
    # whole numbers INTEGER, decimals FLOAT, text STRING; the patient column cn INTEGER
    assert (types["a0e1"], types["a1e1"], types["a1e2"], types["bq2"]) == ("INTEGER", "INTEGER", "FLOAT", "STRING")
    assert (types["a0e2"], types["a0e3"], types["a1e3"], types["bq1"], types["cn"]) == ("INTEGER",) * 5
    seeds = yaml.safe_load((out / "clinical/_clinical__seeds.yml").read_text())
    a0 = next(s for s in seeds["seeds"] if s["name"] == "acrin_demo_A0")
    assert a0["config"]["column_types"]["a0e1"] == "int64"


def test_dictionary_types_never_change_idc_types(tmp_path: Path) -> None:
    """Regression: under type_mode idc the dictionary's '#' made a0e1 INTEGER although IDC's
    conventional reading publishes it STRING (a blank cell in batch 1)."""
    recipe, sources = acrin_project(tmp_path)
    recipe.write_text(recipe.read_text().replace("  idc_path: acrin\n", ""))
    out = tmp_path / "out"
    _curate(recipe, sources, out)
    types = {column: row["data_type"] for (table, column), row in _column_metadata(out).items()}
    assert (types["a0e1"], types["a1e1"], types["a1e2"], types["cn"]) == ("STRING", "INTEGER", "FLOAT", "STRING")


def test_acrin_column_metadata_from_the_dictionary(acrin_run) -> None:
    _, out = acrin_run
    meta = _column_metadata(out)
    race = meta[("acrin_demo_A0", "a0e3")]
    assert race["column_label"] == "Race"
    assert race["values_source"] == "provided dictionary"
    assert _values(race) == [("1", "White"), ("2", "Black or African American"), ("9", "Unknown")]
    assert json.loads(race["original_column_headers"]) == ["A0E3"]
    derived = meta[("acrin_demo_A0", "a0e4d")]
    assert derived["column_label"] == "Days from Base_dt to registration"
    assert derived["values_source"] == "derived from inspection of values"
    assert _values(derived) == [("0", None), ("1", None), ("3", None), ("5", None), ("12", None)]
    case = meta[("acrin_demo_A0", "cn")]
    assert (case["case_col"], case["column_label"]) == ("true", "CN")  # not in the dictionary: the header


def test_acrin_values_outside_the_dictionary_are_warnings_with_counts(acrin_run) -> None:
    report, out = acrin_run
    coded = [w for w in report.warnings if w.code == "value_not_in_dictionary"]
    assert len(coded) == 1
    warning = coded[0]
    assert (warning.where.table, warning.where.column) == ("acrin_demo_A0", "a0e3")
    assert "'7' (2 rows)" in warning.message
    a0_report = next(t for t in report.tables if t.table_name == "acrin_demo_A0")
    assert warning in a0_report.warnings
    seeds = yaml.safe_load((out / "clinical/_clinical__seeds.yml").read_text())
    a0 = next(s for s in seeds["seeds"] if s["name"] == "acrin_demo_A0")
    race = next(c for c in a0["columns"] if c["name"] == "a0e3")
    assert race["description"] == "Race"
    # the codes the release-wide dictionary tests read; no test node per column
    assert race["config"] == {"meta": {"dictionary_codes": ["1", "2", "9"], "dictionary_closed": False}}
    assert "data_tests" not in race
    age = next(c for c in a0["columns"] if c["name"] == "a0e1")
    assert "config" not in age  # no options: nothing to test against


def test_strict_turns_dictionary_warnings_into_an_error(tmp_path: Path) -> None:
    recipe, sources = acrin_project(tmp_path, dictionary="xlsx")
    with pytest.raises(CurationError) as caught:
        _curate(recipe, sources, tmp_path / "out", strict=True)
    assert caught.value.reason is Reason.STRICT
    assert not (tmp_path / "out").exists()


def test_closed_dictionary_stops_the_run_at_the_gate(tmp_path: Path) -> None:
    recipe, sources = acrin_project(tmp_path)
    text = recipe.read_text().replace("files: [ACRIN-Demo_DataDictionary.xls]}",
                                      "files: [ACRIN-Demo_DataDictionary.xls], closed: true}")
    recipe.write_text(text)
    with pytest.raises(CurationError) as caught:
        _curate(recipe, sources, tmp_path / "out")
    assert caught.value.reason is Reason.QUALITY_GATE
    assert "a0e3" in str(caught.value) and "expect_column_values_to_be_in_set" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_gate_checks_values_only_for_closed_dictionaries() -> None:
    def row(name, data_type, codes=(), closed=None):
        r = {"column": name, "data_type": data_type,
             "values": json.dumps([{"option_code": c, "option_description": "x"} for c in codes]),
             "values_source": "provided dictionary" if codes else "derived from inspection of values"}
        if closed is not None:
            r["values_closed"] = closed
        return r

    frame = pd.DataFrame({"dicom_patient_id": ["P1", "P2"], "source_batch": ["0", "0"], "sex": ["1", "7"]},
                         dtype=object)
    base = [row("dicom_patient_id", "STRING"), row("source_batch", "INTEGER")]
    open_ = quality_gate.validate({"t": frame}, {"t": base + [row("sex", "INTEGER", ["1", "2"], False)]})
    closed = quality_gate.validate({"t": frame}, {"t": base + [row("sex", "INTEGER", ["1", "2"], True)]})
    assert open_ == []
    assert [(f.column, f.expectation) for f in closed] == [("sex", "expect_column_values_to_be_in_set")]


def test_missing_variables_and_undocumented_columns_are_reported(tmp_path: Path) -> None:
    recipe, sources = acrin_project(tmp_path)
    data = sources / "acrin_demo"
    import zipfile

    from helpers.dictionaries import ACRIN_DATA, zip_bytes
    changed = {f"{form}.csv": texts[0] for form, texts in ACRIN_DATA.items()}
    changed["BQ.csv"] = "cn,bq1,extra\n1,1,a\n2,2,b\n7,1,c\n"  # bq2 missing, 'extra' undocumented
    (data / "ACRIN-Demo_Clinical.zip").write_bytes(zip_bytes(changed))
    (data / "ACRIN-Demo_Clinical_Test.zip").write_bytes(zip_bytes(changed))
    assert zipfile.is_zipfile(data / "ACRIN-Demo_Clinical.zip")
    report = _curate(recipe, sources, tmp_path / "out")
    bq = {w.code: w for w in report.warnings if w.where.table == "acrin_demo_BQ"}
    assert "extra" in bq["column_not_in_dictionary"].message
    assert "BQ2" in bq["variable_not_in_data"].message
    meta = _column_metadata(tmp_path / "out")
    assert meta[("acrin_demo_BQ", "extra")]["column_label"] == "extra"


def test_redcap_forms_build_typed_tables_with_coded_metadata(tmp_path: Path) -> None:
    recipe, sources = redcap_project(tmp_path)
    report = _curate(recipe, sources, tmp_path / "out")
    meta = _column_metadata(tmp_path / "out")
    assert {t for t, _ in meta} == {"redcap_demo_demographics", "redcap_demo_baseline"}
    demographics = [c for t, c in meta if t == "redcap_demo_demographics"]
    assert demographics == ["dicom_patient_id", "source_batch", "record_id", "age", "sex", "race___1",
                            "race___2", "race___3", "demographics_complete"]
    types = {(t, c): r["data_type"] for (t, c), r in meta.items()}
    assert types[("redcap_demo_baseline", "visit_date")] == "DATE"
    assert types[("redcap_demo_baseline", "weight")] == "FLOAT"
    assert types[("redcap_demo_baseline", "stage")] == "INTEGER"
    assert types[("redcap_demo_demographics", "record_id")] == "INTEGER"  # the case column keeps its type
    race = meta[("redcap_demo_demographics", "race___3")]
    assert (race["column_label"], _values(race)) == ("Race (choice=Asian)", [("0", "Unchecked"), ("1", "Checked")])
    smoker = meta[("redcap_demo_baseline", "smoker")]
    assert (smoker["values_source"], _values(smoker)) == ("provided dictionary", [("1", "Yes"), ("0", "No")])
    [warning] = [w for w in report.warnings if w.code == "value_not_in_dictionary"]
    assert warning.where.column == "sex" and "'3' (1 row)" in warning.message


def test_malformed_dictionary_stops_the_run_naming_sheet_and_row(tmp_path: Path) -> None:
    from helpers.dictionaries import ACRIN_SHEETS, HEADER, write_acrin_xlsx

    recipe, sources = acrin_project(tmp_path, dictionary="xlsx")
    sheets = dict(ACRIN_SHEETS)
    sheets["A1"] = [HEADER, [1, "A1E1", "Year", "YYYY"], [2, "A1E1", "Year again", "YYYY"]]
    write_acrin_xlsx(sources / "acrin_demo" / "ACRIN-Demo_DataDictionary.xlsx", sheets)
    with pytest.raises(CurationError) as caught:
        _curate(recipe, sources, tmp_path / "out")
    assert caught.value.reason is Reason.DICTIONARY_DUPLICATE_VARIABLE
    assert re.search(r"sheet 'A1', row 3", str(caught.value))
    assert "acrin_demo.yaml" in str(caught.value)


def test_forms_block_is_validated(tmp_path: Path) -> None:
    from curation.recipe import load_recipe

    path = write_recipe(tmp_path, "bad.yaml", """
        collection_id: bad
        forms:
          dictionary: {kind: acrin, files: [d.xls]}
          codes: [A-0]
          batches: [{files: [d.zip, "{form}.csv"], patient_column: cn}]
        """)
    with pytest.raises(CurationError) as caught:
        load_recipe(path, tmp_path)
    assert caught.value.reason is Reason.RECIPE_INVALID and "letters, digits" in str(caught.value)


# --- the real recipes ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    """Each bundled recipe curated with and without its dictionary."""
    tmp = tmp_path_factory.mktemp("real")
    runs = {}
    for name in ("bonemarrowwsi_pediatricleukemia", "prostatex"):
        recipe = REPO / "recipes" / f"{name}.yaml"
        raw = yaml.safe_load(recipe.read_text())
        for table in raw["tables"]:
            table.pop("dictionary", None)
        bare = tmp / "bare" / f"{name}.yaml"
        bare.parent.mkdir(parents=True, exist_ok=True)
        bare.write_text(yaml.safe_dump(raw))
        runs[name] = tuple(
            (_curate(path, REPO / "data" / "sources", tmp / kind / name), tmp / kind / name)
            for kind, path in (("with", recipe), ("without", bare)))
    return runs


def test_bonemarrowwsi_column_metadata_carries_the_loinc_labels(real_runs) -> None:
    (report, out), _ = real_runs["bonemarrowwsi_pediatricleukemia"]
    meta = _column_metadata(out)
    labs = {c: r for (t, c), r in meta.items() if c not in ("dicom_patient_id", "source_batch", "patient_id")}
    assert len(labs) == 18
    assert all(r["column_label"].startswith("LOINC:") for r in labs.values())
    assert labs["hemoglobin"]["column_label"] == "LOINC:718-7 COMPONENT: Hemoglobin DISPLAY_NAME: Hemoglobin (Bld) [Mass/Vol]"
    assert all(r["values_source"] == "derived from inspection of values" for r in labs.values())
    assert report.warnings == []


def test_prostatex_names_types_and_data_do_not_change(real_runs) -> None:
    (report, with_dictionary), (_, without) = real_runs["prostatex"]
    for csv in sorted((without / "clinical").glob("*.csv")):
        assert (with_dictionary / "clinical" / csv.name).read_bytes() == csv.read_bytes()
    after, before = _column_metadata(with_dictionary), _column_metadata(without)
    assert list(after) == list(before)
    assert {k: r["data_type"] for k, r in after.items()} == {k: r["data_type"] for k, r in before.items()}
    assert after[("prostatex_findings", "clinsig")]["column_label"].startswith("Identifier available in training set")
    zone = after[("prostatex_findings", "zone")]
    assert (zone["values_source"], [c for c, _ in _values(zone)]) == ("provided dictionary", ["AS", "PZ", "SV", "TZ"])
    # IDC's recipe gives every ProstateX table the whole document, so KTrans gets labels too
    assert after[("prostatex_ktrans", "ijk")]["column_label"].startswith("Image column (i)")
    # ... and each table is told about the document's variables it does not have, nothing else
    assert {w.code for w in report.warnings} <= {"variable_not_in_data"}


def _typed_by_dictionary(tmp_path: Path, mode: str, data: bytes, dictionary: bytes):
    from curation.pipeline import curate_tables

    sources = tmp_path / "sources" / "codes"
    sources.mkdir(parents=True)
    (sources / "data.csv").write_bytes(data)
    (sources / "dictionary.csv").write_bytes(dictionary)
    recipe = write_recipe(tmp_path / "recipes", "codes.yaml", f"""
        collection_id: codes
        type_mode: {mode}
        tables:
          - dictionary: {{kind: sheet, files: [dictionary.csv], name_column: name, label_column: label,
                          type_column: type}}
            batches:
              - {{files: [data.csv], patient_column: pid}}
    """)
    ((table, _),) = curate_tables([recipe], tmp_path / "sources")
    return {c.name: (c.sql_type, c.values.tolist()) for c in table.columns}


DICTIONARY = b"name,label,type\ncode,Code,numeric\nempty,Never filled,integer\nn,Count,integer\n"


def test_a_numeric_dictionary_type_never_overflows_a_long_code(tmp_path: Path) -> None:
    """Regression: retype re-decided types with pandas and wrote 12345678901234567891 as
    -6101065172474983725 (INTEGER); column_types decides: too long for 64 bits, kept STRING."""
    data = b"pid,code,empty,n\nP1,12345678901234567891,,1\nP2,12345678901234567892,,\n"
    columns = _typed_by_dictionary(tmp_path, "inferred", data, DICTIONARY)
    assert columns["code"] == ("STRING", ["12345678901234567891", "12345678901234567892"])
    assert columns["n"][0] == "INTEGER"  # use_types still works under inferred


def test_a_dictionary_type_never_makes_a_blank_column_integer(tmp_path: Path) -> None:
    data = b"pid,code,empty,n\nP1,1,,1\nP2,2,,2\n"
    for mode in ("inferred", "idc"):
        columns = _typed_by_dictionary(tmp_path / mode, mode, data, DICTIONARY)
        assert columns["empty"][0] == "STRING", mode
