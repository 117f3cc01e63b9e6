"""`curate import-idc`: every key of IDC's recipes maps onto ours, with IDC's semantics.

Each test builds a small collection folder and an IDC entry in code, converts it, and then
curates the generated recipe, so that a mapping is checked by what it reads (which header,
which rows, which patient column), not only by the YAML it writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from helpers.files import write_xlsx, write_zip
from curation.errors import CurationError, Reason
from curation.idc_import import import_idc, write_recipes
from curation.recipe import load_recipe
from curation.table_builder import build_table


def _convert(tmp_path: Path, entries: dict) -> tuple[dict[str, dict], list[str]]:
    notes = tmp_path / "clinical_notes.json"
    notes.write_text(json.dumps(entries), encoding="utf-8")
    recipes, skipped = import_idc(notes, tmp_path / "sources")
    return {r.collection_id: r for r in recipes}, skipped


def _folder(tmp_path: Path, collection: str) -> Path:
    folder = tmp_path / "sources" / collection
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _tables(tmp_path: Path, imported) -> dict[str, object]:
    """Curate a generated recipe in memory: table name -> CuratedTable."""
    path = tmp_path / f"{imported.collection_id}.yaml"
    path.write_text(imported.render("clinical_notes.json"), encoding="utf-8")
    loaded = load_recipe(path, tmp_path / "sources")
    return {loaded.recipe.table_name(t): build_table(loaded, t) for t in loaded.recipe.tables}


def _column(table, name: str) -> list:
    return next(c for c in table.columns if c.name == name).values.tolist()


def test_srcs_filenm_sheet_and_tabletypes(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    write_xlsx(folder / "d.xlsx", {"first": [["id", "x"], ["P1", 1]], "second": [["id", "y"], ["P2", 2]]})
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "case_id": "same",
                                              "srcs": [[{"filenm": "d.xlsx", "sheet": 0}],
                                                       [{"filenm": "d.xlsx", "sheet": 1}]],
                                              "tabletypes": [{"one": "first table"}, {"two": "second"}]}})
    tables = _tables(tmp_path, recipes["demo"])
    assert sorted(tables) == ["demo_one", "demo_two"]
    assert tables["demo_one"].description == "first table"
    assert _column(tables["demo_two"], "y") == ["2"]


def test_default_table_is_clinical_and_first_column_is_the_patient(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid,x\nP1,1\n", encoding="utf-8")
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[{"filenm": "d.csv"}]]}})
    table = _tables(tmp_path, recipes["demo"])["demo_clinical"]
    assert _column(table, "dicom_patient_id") == ["P1"]


def test_headrows_skiprows_and_maxrow_count_as_idc_does(tmp_path: Path) -> None:
    """pandas reads sheet row 1 as its header, so data row i is sheet row i + 2: headrows [1]
    is sheet row 2; skipRows [2] drops data row 1 (sheet row 3, P1); maxRow 4 keeps data rows
    below 4 (sheet rows up to 5: P4 goes)."""
    folder = _folder(tmp_path, "demo")
    write_xlsx(folder / "d.xlsx", {"s": [["title"], ["pid", "x"], ["P1", 1], ["P2", 2], ["P3", 3], ["P4", 4]]})
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[
        {"filenm": "d.xlsx", "headrows": [1], "skipRows": [2], "maxRow": 4}]]}})
    batch = recipes["demo"].recipe["tables"][0]["batches"][0]
    assert (batch["header_rows"], batch["skip_rows"], batch["last_data_row"]) == ([2], [3], 5)
    table = _tables(tmp_path, recipes["demo"])["demo_clinical"]
    assert _column(table, "dicom_patient_id") == ["P2", "P3"]


def test_two_header_rows_and_pivot(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    write_xlsx(folder / "d.xlsx", {"s": [["Patient", "", "B-1", "B-2"], ["Age", "years", 50, 60]]})
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "case_id": "same", "srcs": [[
        {"filenm": "d.xlsx", "headrows": [0, 1], "pivot": "true"}]]}})
    batch = recipes["demo"].recipe["tables"][0]["batches"][0]
    assert batch["pivot"] is True and batch["header_rows"] == [1, 2]
    table = _tables(tmp_path, recipes["demo"])["demo_clinical"]
    assert _column(table, "dicom_patient_id") == ["B-1", "B-2"]
    assert _column(table, "age_years") == ["50", "60"]


def test_skipcols_and_patientidrow_count_kept_columns(tmp_path: Path) -> None:
    """patientIdRow is a 0-based position among the columns left after skipCols."""
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("a,drop,b,pid,c\n1,x,2,P1,3\n", encoding="utf-8")
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[
        {"filenm": "d.csv", "skipCols": [1], "patientIdRow": 2}]]}})
    batch = recipes["demo"].recipe["tables"][0]["batches"][0]
    assert batch["skip_columns"] == [2]
    assert batch["patient_column"] == 4 and batch["idc_cast_column"] == 4
    table = _tables(tmp_path, recipes["demo"])["demo_clinical"]
    assert _column(table, "dicom_patient_id") == ["P1"]
    assert [c.name for c in table.columns][2:] == ["a", "b", "pid", "c"]


def test_patientidcol_names_the_patient_column(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("n,Patient ID\n1,P7\n", encoding="utf-8")
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[
        {"filenm": "d.csv", "patientIdCol": "patient_id"}]]}})
    table = _tables(tmp_path, recipes["demo"])["demo_clinical"]
    assert _column(table, "dicom_patient_id") == ["P7"]
    assert "idc_cast_column" not in recipes["demo"].recipe["tables"][0]["batches"][0]


@pytest.mark.parametrize(("rule", "tcia_api", "value", "expected"), [
    ("same", None, "P-1", "P-1"),
    ("breast", None, "BreastDX-01-0001", "BreastDx-01-0001"),
    ("acrin 6698", None, "102212", "ACRIN-6698-102212"),
    ("acrin format", "ACRIN-NSCLC-FDG-PET", "7", "ACRIN-NSCLC-FDG-PET-007"),
    ("acrin flt format", "ACRIN-FLT-Breast", "7", "ACRIN-FLT-Breast_007"),
    ("switch dash", None, "C3L_00001", "C3L-00001"),
    ("3DCT-RT", None, "5", "HN_P005"),
    ("ispy", None, "1001", "ISPY1_1001"),
    ("ispy2", None, "100899", "ISPY2-100899"),
    ("lung_pt", None, "A0001", "Lung_Dx-A0001"),
    ("add colec", "MIDRC-RICORD-1A", "419639-000082", "MIDRC-RICORD-1A-419639-000082"),
    ("remind", None, "7", "ReMIND-007"),
    ("ea1141", None, "12", "EA1141-12"),
    ("upenn-gbm", None, "UPENN-GBM-00001_11", "UPENN-GBM-00001"),
])
def test_case_id_rules(tmp_path: Path, rule, tcia_api, value, expected) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text(f"pid\n{value}\n", encoding="utf-8")
    entry = {"tcia": "yes", "case_id": rule, "srcs": [[{"filenm": "d.csv"}]]}
    if tcia_api:
        entry["tcia_api"] = tcia_api
    recipes, _ = _convert(tmp_path, {"demo": entry})
    table = _tables(tmp_path, recipes["demo"])["demo_clinical"]
    assert _column(table, "dicom_patient_id") == [expected]


def test_case_id_per_source_overrides_the_collection_rule(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "a.csv").write_text("pid,x\nBreastDX-1,1\n", encoding="utf-8")
    (folder / "b.csv").write_text("pid,x\nBreastDX-2,2\n", encoding="utf-8")
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "case_id": "breast", "srcs": [[
        {"filenm": "a.csv"}, {"filenm": "b.csv", "case_id": "same"}]]}})
    table = _tables(tmp_path, recipes["demo"])["demo_clinical"]
    assert _column(table, "dicom_patient_id") == ["BreastDx-1", "BreastDX-2"]
    assert _column(table, "source_batch") == ["0", "1"]


def test_unknown_case_id_rule_is_an_error_naming_collection_and_key(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid\nP1\n", encoding="utf-8")
    with pytest.raises(CurationError) as caught:
        _convert(tmp_path, {"demo": {"tcia": "yes", "case_id": "cc", "srcs": [[{"filenm": "d.csv"}]]}})
    assert caught.value.reason is Reason.RECIPE_INVALID
    assert "'demo'" in str(caught.value) and "'case_id'" in str(caught.value)


@pytest.mark.parametrize("key", ["headerformatspec", "specAttr", "reindex", "mystery"])
def test_keys_it_cannot_map_are_errors(tmp_path: Path, key: str) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid\nP1\n", encoding="utf-8")
    with pytest.raises(CurationError) as caught:
        _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[{"filenm": "d.csv", key: "x"}]]}})
    assert f"'{key}'" in str(caught.value) and "'demo'" in str(caught.value)


def test_archive_reads_the_zip_member(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    write_zip(folder / "a.zip", {"inner/d.csv": b"pid,x\nZ1,1\n"})
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[
        {"filenm": "inner/d.csv", "archive": ["a.zip"]}]]}})
    assert recipes["demo"].recipe["tables"][0]["batches"][0]["files"] == ["a.zip", "inner/d.csv"]
    assert _column(_tables(tmp_path, recipes["demo"])["demo_clinical"], "dicom_patient_id") == ["Z1"]


def test_archive_falls_back_to_the_file_in_the_folder(tmp_path: Path) -> None:
    """IDC unpacks the archive next to the files: a file not in it is read from the folder."""
    folder = _folder(tmp_path, "demo")
    write_zip(folder / "dicts.zip", {"dicts/x.xlsx": b"not read"})
    (folder / "sub").mkdir()
    (folder / "sub" / "d.csv").write_text("pid\nF1\n", encoding="utf-8")
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[
        {"filenm": "./sub/d.csv", "archive": ["dicts.zip"]}]]}})
    assert recipes["demo"].recipe["tables"][0]["batches"][0]["files"] == ["sub/d.csv"]


def test_collection_level_uzip_is_an_archive(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    write_zip(folder / "u.zip", {"d.csv": b"pid\nU1\n"})
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "uzip": "u.zip", "srcs": [[{"filenm": "d.csv"}]]}})
    assert recipes["demo"].recipe["tables"][0]["batches"][0]["files"] == ["u.zip", "d.csv"]


def test_missing_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    _folder(tmp_path, "demo")
    with pytest.raises(CurationError) as caught:
        _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[{"filenm": "gone.csv"}]]}})
    assert "gone.csv" in str(caught.value) and "'filenm'" in str(caught.value)


def test_filterrows_keeps_the_collections_rows(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid,coll\nP1,demo\nP2,other\n", encoding="utf-8")
    recipes, _ = _convert(tmp_path, {"demo": {"tcia": "yes", "srcs": [[{"filenm": "d.csv", "filterRows": "coll"}]]}})
    assert _column(_tables(tmp_path, recipes["demo"])["demo_clinical"], "dicom_patient_id") == ["P1"]


def test_ar_file_tables_are_shared_and_held_by_the_last_collection(tmp_path: Path) -> None:
    """IDC writes an analysis-result table once per collection naming it: the last one wins."""
    for collection in ("alpha", "beta"):
        folder = _folder(tmp_path, collection)
        (folder / "qa.csv").write_text("Collection,PatientID,x\nalpha,A1,1\ngamma-x,G1,2\n", encoding="utf-8")
    entry = {"tcia": "yes", "srcs": [[{"filenm": "qa.csv", "patientIdCol": "patientid", "ar_file": "yes"}]],
             "tabletypes": [{"shared_qa_results": "QA results"}]}
    (_folder(tmp_path, "alpha") / "c.csv").write_text("pid\nA1\n", encoding="utf-8")
    alpha = {**entry, "srcs": [[{"filenm": "c.csv"}], *entry["srcs"]],
             "tabletypes": [{"clinical": "clinical data"}, *entry["tabletypes"]]}
    recipes, _ = _convert(tmp_path, {"alpha": alpha, "beta": entry})
    alpha_tables = [t.get("published_name", t["name"]) for t in recipes["alpha"].recipe["tables"]]
    assert alpha_tables == ["clinical"]
    assert "shared_qa_results" in recipes["alpha"].render("x") and "recipes/beta.yaml" in recipes["alpha"].render("x")
    shared = recipes["beta"].recipe["tables"][0]
    assert shared["published_name"] == "shared_qa_results"
    assert shared["image_collections"] == ["alpha", "beta", "gamma_x"]
    assert sorted(_tables(tmp_path, recipes["beta"])) == ["shared_qa_results"]


def test_bigquery_copies_build_only_srcs2(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "cptac_demo")
    (folder / "extra.csv").write_text("case_id,x\nC3L-1,1\n", encoding="utf-8")
    recipes, skipped = _convert(tmp_path, {
        "cptac_demo": {"spec": "CPTAC", "srcs": {"table": "isb.x", "patientIdCol": "case_id"},
                       "srcs2": [[{"filenm": "extra.csv", "patientIdCol": "case_id"}]],
                       "tabletypes2": [{"extra": "extra data"}]},
        "gone": {"spec": "ignore", "srcs": [[{"filenm": "x.csv"}]]}})
    assert [t["name"] for t in recipes["cptac_demo"].recipe["tables"]] == ["extra"]
    assert "BigQuery" in recipes["cptac_demo"].render("x")
    assert any(line.startswith("gone:") for line in skipped)


def test_entries_without_tcia_yes_or_with_a_file_spec_build_nothing(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (_folder(tmp_path, name) / "d.csv").write_text("pid\nP1\n", encoding="utf-8")
    recipes, skipped = _convert(tmp_path, {"a": {"srcs": [[{"filenm": "d.csv"}]]},
                                           "b": {"tcia": "yes", "spec": "d.csv", "srcs": [[{"filenm": "d.csv"}]]}})
    assert recipes == {} and len(skipped) == 2


def test_output_is_deterministic_and_loads(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid\nP1\n", encoding="utf-8")
    entries = {"demo": {"tcia": "yes", "srcs": [[{"filenm": "d.csv"}]]}}
    first, _ = _convert(tmp_path, entries)
    second, _ = _convert(tmp_path, entries)
    assert first["demo"].render("n") == second["demo"].render("n")
    out = tmp_path / "recipes"
    write_recipes({"demo.yaml": first["demo"].render("n")}, out)
    assert yaml.safe_load((out / "demo.yaml").read_text())["collection_id"] == "demo"
    load_recipe(out / "demo.yaml", tmp_path / "sources")


def _index(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    import duckdb

    path = tmp_path / "idc_index.parquet"
    values = ", ".join(f"('{c}', '{p}')" for c, p in rows)
    duckdb.sql(f"copy (select * from (values {values}) t(collection_id, PatientID)) to '{path}' (format parquet)")
    return path


def test_ids_that_miss_images_make_the_check_warn_with_counts(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid\nP1\nP2\nP3\n", encoding="utf-8")
    index = _index(tmp_path, [("demo", "P1"), ("demo", "P2")])
    notes = tmp_path / "n.json"
    notes.write_text(json.dumps({"demo": {"tcia": "yes", "srcs": [[{"filenm": "d.csv"}]]}}), encoding="utf-8")
    recipes, _ = import_idc(notes, tmp_path / "sources", index_path=index)
    assert recipes[0].recipe["patients_without_images"] == "warn"
    assert "demo_clinical 1 of 3" in recipes[0].render("n")


def test_all_ids_with_images_keep_the_check_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid\nP1\n", encoding="utf-8")
    index = _index(tmp_path, [("demo", "P1")])
    notes = tmp_path / "n.json"
    notes.write_text(json.dumps({"demo": {"tcia": "yes", "srcs": [[{"filenm": "d.csv"}]]}}), encoding="utf-8")
    recipes, _ = import_idc(notes, tmp_path / "sources", index_path=index)
    assert "patients_without_images" not in recipes[0].recipe


def test_a_tcia_api_spelling_that_links_to_no_image_follows_the_dicom_prefix(tmp_path: Path) -> None:
    """IDC's 'add colec' rule writes tcia_api before the id; where the DICOM PatientIDs of the
    collection start otherwise, the recipe follows DICOM and says so."""
    folder = _folder(tmp_path, "demo")
    (folder / "d.csv").write_text("pid\n001\n002\n", encoding="utf-8")
    index = _index(tmp_path, [("demo", "Demo-Set_001"), ("demo", "Demo-Set_002")])
    notes = tmp_path / "n.json"
    notes.write_text(json.dumps({"demo": {"tcia": "yes", "case_id": "add colec", "tcia_api": "DEMO-SET",
                                          "srcs": [[{"filenm": "d.csv"}]]}}), encoding="utf-8")
    recipes, _ = import_idc(notes, tmp_path / "sources", index_path=index)
    rendered = recipes[0].render("n")
    assert recipes[0].recipe["tables"][0]["patient_id"] == [{"prefix": "Demo-Set_"}]
    assert "follows DICOM" in rendered and "patients_without_images" not in recipes[0].recipe
    assert _column(_tables(tmp_path, recipes[0])["demo_clinical"], "dicom_patient_id") == ["Demo-Set_001", "Demo-Set_002"]


def test_the_committed_recipes_are_the_converters_output(tmp_path: Path) -> None:
    """recipes/ holds what `curate import-idc` writes from the bundled IDC recipe file; a line
    edited by hand ends with a '# hand edit: why' comment (and is the only kind that may differ)."""
    from helpers import REPO
    from curation.index_path import series_index

    index = series_index()
    if index is None:
        pytest.skip("no IDC series index installed")
    recipes, _ = import_idc(REPO / "data" / "sources" / "idc_clinical_notes_v22.json", REPO / "data" / "sources",
                            index_path=index.path)
    generated = {f"{r.collection_id}.yaml": r.render("idc_clinical_notes_v22.json") for r in recipes}
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "recipes").glob("*.yaml")
                 if p.read_text(encoding="utf-8").startswith("# Generated by `curate import-idc`")}
    assert sorted(committed) == sorted(generated)
    for name, text in committed.items():
        ours, theirs = text.splitlines(), generated[name].splitlines()
        assert len(ours) == len(theirs), name
        assert [a for a, b in zip(ours, theirs) if a != b and "# hand edit:" not in a] == [], name
