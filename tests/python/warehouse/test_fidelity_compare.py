"""The fidelity tool's logic (curation/warehouse/fidelity) on schemas built in code: parsing the published
schemas, DuckDB types as BigQuery names, each kind of difference, known differences and their
staleness, skipping collections without a recipe, and the 80-column report."""

from __future__ import annotations

import re

import duckdb
import pytest

from curation.errors import CurationError, Reason
from curation.warehouse.fidelity.compare import collection_of, compare_release, compare_table
from curation.warehouse.fidelity.known import TableChange, load_known, parse_known
from curation.warehouse.fidelity.published import Column, load_published, parse_published
from curation.warehouse.fidelity.render import render
from curation.warehouse.fidelity.warehouse import built_schemas

RULES = "rules: {r1: first rule, r2: second rule}\n"


def cols(*spec: str) -> list[Column]:
    """'name TYPE' strings -> columns."""
    return [Column(*s.split()) for s in spec]


BASE = cols("dicom_patient_id STRING", "source_batch INTEGER", "age INTEGER", "sex STRING")


def diff_texts(published, built, change=None, table="t_clinical"):
    result = compare_table(table, published, {table: built} if built is not None else {}, change)
    return [(d.text, d.rule) for d in result.differences], result.stale


# published schemas ------------------------------------------------------------------------

def test_repository_copy_parses_with_its_source_header():
    path = load_published.__defaults__[0]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Published idc_v18_clinical table schemas")
    assert "rsyi/whale-bigquery-public-data" in text.split("## ")[0]
    tables = load_published()
    assert len(tables) == 79
    assert tables["table_metadata"][-5:] == cols("source_info RECORD", "source_info.srcs STRING",
                                                 "source_info.md5 STRING", "source_info.table_last_modified STRING",
                                                 "source_info.table_size INTEGER")
    assert tables["prostatex_findings"][:3] == cols("dicom_patient_id STRING", "source_batch INTEGER", "proxid STRING")


@pytest.mark.parametrize("body", ["STRING a.b", "string a", "STRING a\nSTRING a", "STRING"])
def test_malformed_published_schemas_are_errors(body: str):
    with pytest.raises(CurationError) as caught:
        parse_published(f"## t\n```\n{body}\n```\n")
    assert caught.value.reason is Reason.REFERENCE_INVALID


def test_unclosed_block_is_an_error():
    with pytest.raises(CurationError) as caught:
        parse_published("## t\n```\nSTRING a\n")
    assert caught.value.reason is Reason.REFERENCE_INVALID


# the built side ---------------------------------------------------------------------------

def test_built_schemas_name_duckdb_types_as_bigquery_does():
    con = duckdb.connect()
    con.execute("create schema s")
    con.execute("create table s.t (a varchar, b bigint, c double, d boolean, e date, "
                "f struct(x varchar[], y bigint)[], g varchar[], h decimal(38, 9))")
    assert built_schemas(con, "s") == {"t": cols(
        "a STRING", "b INTEGER", "c FLOAT", "d BOOLEAN", "e DATE", "f RECORD", "f.x STRING",
        "f.y INTEGER", "g STRING", "h NUMERIC")}


# differences ------------------------------------------------------------------------------

def test_same_columns_are_exact():
    assert diff_texts(BASE, list(BASE)) == ([], [])


@pytest.mark.parametrize(("built", "text"), [
    (BASE[:3], "missing column sex (STRING)"),
    (BASE + cols("extra INTEGER"), "extra column extra (INTEGER)"),
    (BASE[:2] + cols("age FLOAT") + BASE[3:], "type of age: published INTEGER, built FLOAT"),
    ([BASE[0], BASE[2], BASE[1], BASE[3]], "position of source_batch: published 2, built 3"),
])
def test_each_kind_of_difference_is_found(built, text):
    differences, stale = diff_texts(BASE, built)
    assert differences == [(text, None)] and stale == []


def test_a_missing_column_does_not_move_the_others():
    differences, _ = diff_texts(BASE, [BASE[0], BASE[1], BASE[3]])
    assert differences == [("missing column age (INTEGER)", None)]


def test_record_fields_are_compared_and_a_missing_record_is_one_difference():
    published = BASE + cols("r RECORD", "r.x STRING", "r.y INTEGER")
    assert diff_texts(published, BASE + cols("r RECORD", "r.y INTEGER", "r.x STRING"))[0] == [
        ("position of r.x: published 1, built 2", None)]
    assert diff_texts(published, BASE + cols("r RECORD", "r.x STRING", "r.y FLOAT"))[0] == [
        ("type of r.y: published INTEGER, built FLOAT", None)]
    assert diff_texts(published, BASE)[0] == [("missing column r (RECORD)", None)]


def test_a_table_not_built():
    assert diff_texts(BASE, None)[0] == [("table not built", None)]


# known differences ------------------------------------------------------------------------

def change(text: str) -> TableChange:
    return parse_known(RULES + "tables:\n  t_clinical: " + text).tables["t_clinical"]


def test_a_known_rename_explains_the_column_and_keeps_its_position():
    built = BASE[:2] + cols("age_years INTEGER") + BASE[3:]
    assert diff_texts(BASE, built)[0] == [("missing column age (INTEGER)", None),
                                          ("extra column age_years (INTEGER)", None)]
    assert diff_texts(BASE, built, change("{columns: {age: {built_as: age_years, rule: r1}}}")) == (
        [("renamed age -> age_years", "r1")], [])


def test_a_rename_that_does_not_occur_is_stale():
    _, stale = diff_texts(BASE, list(BASE), change("{columns: {age: {built_as: age_years, rule: r1}}}"))
    assert stale == ["columns.age: built_as age_years, but the build has age"]


@pytest.mark.parametrize(("entry", "built", "stale"), [
    ("{columns: {age: {type: FLOAT, rule: r1}}}", BASE, "columns.age: type FLOAT, but the build has INTEGER"),
    ("{columns: {sex: {not_built: true, rule: r1}}}", BASE, "columns.sex: not_built, but the build has it"),
    ("{columns: {weight: {type: FLOAT, rule: r1}}}", BASE, "columns.weight: not a published column"),
    ("{added: {bmi: {type: FLOAT, rule: r1}}}", BASE, "added.bmi: the build does not have it"),
    ("{added: {age: {type: INTEGER, rule: r1}}}", BASE, "added.age: a published column"),
    ("{not_built: true, rule: r1}", BASE, "not_built: the table is built (as t_clinical)"),
    ("{built_as: t_canc, rule: r1}", BASE, "built_as t_canc: the table is built under its published name"),
])
def test_stale_entries(entry, built, stale):
    assert diff_texts(BASE, list(built), change(entry))[1] == [stale]


@pytest.mark.parametrize(("entry", "built", "explained"), [
    ("{columns: {age: {type: FLOAT, rule: r1}}}", BASE[:2] + cols("age FLOAT") + BASE[3:],
     "type of age: published INTEGER, built FLOAT"),
    ("{columns: {sex: {not_built: true, rule: r1}}}", BASE[:3], "column sex not built"),
    ("{added: {bmi: {type: FLOAT, rule: r1}}}", BASE[:2] + cols("bmi FLOAT") + BASE[2:], "added column bmi (FLOAT)"),
])
def test_column_entries_explain_what_occurs(entry, built, explained):
    assert diff_texts(BASE, built, change(entry)) == ([(explained, "r1")], [])


def test_a_known_type_change_to_another_type_still_differs():
    built = BASE[:2] + cols("age STRING") + BASE[3:]
    differences, _ = diff_texts(BASE, built, change("{columns: {age: {type: FLOAT, rule: r1}}}"))
    assert ("type of age: published FLOAT, built STRING", None) in differences


def test_renamed_table_is_compared_under_its_new_name():
    result = compare_table("t_clinical", BASE, {"t_canc": BASE[:3]}, change("{built_as: t_canc, rule: r1}"))
    assert [(d.text, d.rule) for d in result.differences] == [
        ("table built as t_canc", "r1"), ("missing column sex (STRING)", None)]
    assert result.built_as == "t_canc" and result.status == "differs"


def test_table_not_built_as_known():
    result = compare_table("t_clinical", BASE, {}, change("{not_built: true, rule: r1}"))
    assert result.status == "explained" and [d.rule for d in result.differences] == ["r1"]


def test_letter_case_of_a_table_name_is_a_difference():
    result = compare_table("t_A0", BASE, {"t_a0": BASE}, None)
    assert [d.text for d in result.unexplained] == ["table built as t_a0 (letter case)"]


@pytest.mark.parametrize("text", [
    "tables: {t: {columns: {a: {type: FLOAT, rule: nope}}}}",  # rule not defined
    "tables: {t: {columns: {a: {rule: r1}}}}",  # no change given
    "tables: {t: {built_as: u}}",  # no rule
    "tables: {t: {not_built: true, rule: r1, columns: {a: {type: FLOAT, rule: r1}}}}",
    "tables: {t: {columns: {a: {type: FLOAT, rule: r1, typo: 1}}}}",
])
def test_invalid_known_differences_are_errors(text: str):
    with pytest.raises(CurationError) as caught:
        parse_known(RULES + text)
    assert caught.value.reason is Reason.REFERENCE_INVALID


def test_the_repository_file_is_valid():
    known = load_known()
    assert {"v20_header_strip", "v22_table_renamed", "v22_ar_file_tables"} <= set(known.rules)
    assert set(known.tables) <= set(load_published())


# which tables are compared ----------------------------------------------------------------

def test_collection_is_the_longest_matching_id():
    ids = {"nsclc_radiomics", "nsclc_radiomics_genomics", "tcga_kirc"}
    assert collection_of("nsclc_radiomics_genomics_clinical", ids) == "nsclc_radiomics_genomics"
    assert collection_of("nsclc_radiomics_clinical", ids) == "nsclc_radiomics"
    assert collection_of("cmmd_clinical", ids) is None


def test_only_collections_with_a_recipe_are_compared():
    published = {"table_metadata": cols("a STRING"), "aa_clinical": BASE, "aa_bb_clinical": BASE,
                 "cc_clinical": BASE}
    known = parse_known(RULES + "tables: {cc_clinical: {not_built: true, rule: r1}}")
    report = compare_release(published, {"table_metadata": cols("a STRING"), "aa_clinical": BASE},
                             known, {"aa"}, {"aa", "aa_bb", "cc"})
    assert {r.table: r.status for r in report.results} == {
        "table_metadata": "exact", "aa_clinical": "exact", "aa_bb_clinical": "skipped", "cc_clinical": "skipped"}
    assert report.ok
    report = compare_release(published, {"table_metadata": cols("a STRING"), "aa_clinical": BASE},
                             known, {"aa", "aa_bb"}, {"aa", "aa_bb", "cc"})
    assert {r.table: r.status for r in report.results}["aa_bb_clinical"] == "differs" and not report.ok


def test_an_entry_for_an_unpublished_table_is_stale():
    known = parse_known(RULES + "tables: {zz_clinical: {not_built: true, rule: r1}}")
    report = compare_release({"aa_clinical": BASE}, {"aa_clinical": BASE}, known, {"aa"})
    assert report.orphans == ["zz_clinical: not a published table"] and not report.ok


# the report -------------------------------------------------------------------------------

def test_report_fits_80_columns_and_shows_rules():
    published = load_published()
    known = parse_known(
        "rules: {a_rule_with_a_rather_long_identifier_name: "
        + "a long explanation " * 10 + "}\ntables:\n"
        + "".join(f"  {t}: {{not_built: true, rule: a_rule_with_a_rather_long_identifier_name}}\n"
                  for t in list(published)[2:40]))
    built = {t: [Column(c.path + "_renamed_to_something_long", "STRING") for c in columns]
             for t, columns in list(published.items())[40:]}
    report = compare_release(published, built, known, {t.split("_")[0] for t in published},
                             {t.split("_")[0] for t in published})
    lines = render(report, known, skipped=True)
    assert max(len(line) for line in lines) <= 80
    assert any(line.endswith("[a_rule_with_a_rather_long_identifier_name]") for line in lines)
    assert any(line.startswith("0 exact of 79 published tables compared;") for line in lines)


# the command ------------------------------------------------------------------------------

def test_command_without_a_warehouse_says_to_build(tmp_path, capsys):
    from curation.warehouse.fidelity.__main__ import main

    assert main(["--database", str(tmp_path / "none.duckdb")]) == 2
    assert "run `make build` first" in capsys.readouterr().err


def test_command_reports_a_partial_build(tmp_path, capsys):
    """Only the metadata tables built, as published: the recipes' tables are 'not built'."""
    from helpers import REPO
    from curation.warehouse.fidelity.__main__ import main

    database = tmp_path / "idc.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema idc_v22_clinical")
        con.execute("create table idc_v22_clinical.table_metadata as select 'x' as collection_id")
    code = main(["--database", str(database), "--recipes", str(REPO / "recipes"),
                 "--sources", str(REPO / "data" / "sources")])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert max(len(line) for line in out) <= 80
    findings = out.index(next(line for line in out if line.startswith("prostatex_findings ")))
    assert out[findings].endswith("differs") and out[findings + 1] == "  table not built"
    assert any(re.match(r"0 exact of \d+ published tables compared;", line) for line in out)
