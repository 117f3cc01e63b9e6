"""Harmonized core variables: the mapping-file loader (errors name file and line), the seed rows
each rule writes, and the dbt models on a small curated collection built here (one rule per
test: codes, spellings, Yes/No columns collapsed, 0/1 flags, age groups kept as ranges, the
latest assessment, the round trip back to the source cell)."""

from __future__ import annotations

import csv
import io
import shutil
import textwrap
from pathlib import Path

import pytest

from curation.errors import CurationError, Reason
from curation.harmonization.__main__ import main as harmonization_main
from curation.harmonization.release import ReleaseTables
from curation.harmonization.seeds import check_release, load_mappings, seed_files
from curation.harmonization.standard import load_standard
from curation.metadata import Release
from curation.pipeline import run
from helpers.dbt_project import DbtProject
from helpers.dictionaries import REPO

STANDARD = load_standard()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str, name: str = "demo.yml") -> CurationError:
    write(tmp_path, name, text)
    with pytest.raises(CurationError) as caught:
        load_mappings(tmp_path, STANDARD)
    assert caught.value.reason is Reason.HARMONIZATION_INVALID
    return caught.value


SEX = """
collection_id: demo
mappings:
  - variable: sex
    table: demo_clinical
    column: gender
    values:
      male: M
      female: {female}
    why: gender holds male / female
"""


# the loader --------------------------------------------------------------------------------

def test_bundled_mappings_load_and_the_committed_seeds_are_current():
    """harmonization/*.yml all validate, and seeds/harmonization is what the loader writes from them."""
    loaded = load_mappings(REPO / "harmonization", STANDARD)
    assert loaded.rows
    for name, data in seed_files(loaded, STANDARD).items():
        committed = REPO / "seeds" / "harmonization" / name
        assert committed.read_bytes() == data, f"{name} is stale: run python -m curation.harmonization"


def test_wrong_permissible_value_names_file_line_and_the_exact_spelling(tmp_path: Path):
    error = load_error(tmp_path, SEX.format(female="f"))
    assert "demo.yml line 8" in str(error)
    assert "'f' is not a permissible value of sex" in str(error)
    assert "did you mean 'F'" in str(error)


def test_unknown_variable_is_named_with_its_line(tmp_path: Path):
    error = load_error(tmp_path, SEX.format(female="F").replace("variable: sex", "variable: gender"))
    assert "demo.yml line 3" in str(error) and "unknown variable 'gender'" in str(error)


def test_a_mapping_needs_a_why_and_exactly_one_rule(tmp_path: Path):
    error = load_error(tmp_path, SEX.format(female="F").replace("    why: gender holds male / female\n", ""))
    assert "why" in str(error) and "line 3" in str(error)
    both = SEX.format(female="F").replace("    why:", "    number: {unit: years, reference_point: scan}\n    why:")
    assert "exactly one of" in str(load_error(tmp_path, both))


def test_number_variable_cannot_take_a_value_list(tmp_path: Path):
    text = SEX.format(female="F").replace("variable: sex", "variable: age_at_index")
    assert "map it with number or ranges" in str(load_error(tmp_path, text))


def test_collection_id_must_match_the_file_name(tmp_path: Path):
    error = load_error(tmp_path, SEX.format(female="F"), "other.yml")
    assert "differs from the file name" in str(error) and "other.yml line 1" in str(error)


def test_scalars_stay_text(tmp_path: Path):
    """1, 01 and No are the source's strings, not numbers or booleans."""
    write(tmp_path, "demo.yml", """
        collection_id: demo
        mappings:
          - variable: sex
            table: demo_clinical
            column: gender
            values:
              "01": M
              2: F
              No: U
            why: coded
        """)
    rows = load_mappings(tmp_path, STANDARD).rows
    assert sorted(r.source_value for r in rows) == ["01", "2", "No"]


def test_release_check_names_missing_table_and_column_and_skips_absent_collections(tmp_path: Path):
    write(tmp_path, "demo.yml", SEX.format(female="F"))
    loaded = load_mappings(tmp_path, STANDARD)
    assert check_release(loaded, ReleaseTables({"other_t": ("other", ("x",))})) == ["demo"]
    with pytest.raises(CurationError, match=r"demo.yml line 3: column 'gender' is not in demo_clinical"):
        check_release(loaded, ReleaseTables({"demo_clinical": ("demo", ("dicom_patient_id", "sex"))}))
    with pytest.raises(CurationError, match=r"table 'demo_clinical' is not in the curated release; demo has demo_t"):
        check_release(loaded, ReleaseTables({"demo_t": ("demo", ("gender",))}))
    with pytest.raises(CurationError, match=r"belongs to other"):
        check_release(loaded, ReleaseTables({"demo_clinical": ("other", ("gender",)), "x": ("demo", ())}))


def test_cli_error_is_one_line_and_leaves_earlier_seeds(tmp_path: Path, capsys):
    mappings, out = tmp_path / "mappings", tmp_path / "out"
    write(mappings, "demo.yml", SEX.format(female="F"))
    assert harmonization_main(["--mappings", str(mappings), "--no-release-check", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write(mappings, "demo.yml", SEX.format(female="Female"))
    assert harmonization_main(["--mappings", str(mappings), "--no-release-check", "--out", str(out)]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1 and "demo.yml line 8" in message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_rules_write_one_seed_row_per_source_value(tmp_path: Path):
    write(tmp_path, "demo.yml", """
        collection_id: demo
        mappings:
          - variable: race
            table: demo_a0
            one_column_per_value:
              selected: "2"
              not_selected: ["1"]
              columns: {r_white: White, r_asian: Asian}
            why: one Yes/No column per race
          - variable: race
            table: demo_clinical
            column: race
            values: {"Asian;White": [Asian, White]}
            why: several races in one cell
          - variable: ajcc_clinical_stage
            table: demo_clinical
            column: stage
            edition: 7th
            values: {IIIa: Stage IIIA}
            why: stage group
          - variable: age_at_index
            table: demo_clinical
            column: agegp
            ranges: {unit: years, reference_point: diagnosis, values: {"<=40": [null, 40], "41-50": [41, 50]}}
            why: age groups
        """)
    rows = {(r.column_name, r.source_value, r.variable, r.permissible_value): r
            for r in load_mappings(tmp_path, STANDARD).rows}
    assert rows["r_white", "2", "race", "White"].rule == "one_column_per_value"
    assert rows["r_asian", "1", "race", ""].rule == "not_selected"
    assert rows["race", "Asian;White", "race", "Asian"].ncit_code == "C41260"
    assert rows["race", "Asian;White", "race", "White"].ncit_code == "C41261"
    assert rows["stage", "IIIa", "ajcc_staging_edition", "7th"].ncit_code == "C90530"
    low = rows["agegp", "<=40", "age_at_index", "<=40"]
    assert (low.rule, low.range_low, low.range_high, low.unit) == ("range", "", "40", "years")


# the dbt models ----------------------------------------------------------------------------

DEMO_RECIPE = """
collection_id: harm_demo
tables:
  - name: clinical
    batches:
      - files: [clinical.csv]
        patient_column: pid
  - name: followup
    batches:
      - files: [followup.csv]
        patient_column: pid
  - name: groups
    batches:
      - files: [groups.csv]
        patient_column: pid
"""

DEMO_FILES = {
    "clinical.csv": "pid,Gender,White,Asian,Dead,Age,Stage,Histology\n"
                    "H-1,Female,Yes,No,1,64.5,IIIa,adeno\n"
                    "H-2,male,No,Yes,0,NA,IIIb,\n"
                    "H-3,F,Yes,Yes,0,38,Ib,xyz\n",
    "followup.csv": "pid,Days,Status\nH-1,30,alive\nH-1,400,dead\nH-2,10,alive\nH-2,5,lost\nH-3,,alive\n",
    "groups.csv": "pid,Age group\nH-1,61-70\nH-2,<=40\nH-3,<=40\n",
}

DEMO_MAPPING = """
collection_id: harm_demo
mappings:
  - variable: sex
    table: harm_demo_clinical
    column: gender
    values: {Female: F, male: M, F: F}
    why: spellings of sex
  - variable: race
    table: harm_demo_clinical
    one_column_per_value:
      selected: "Yes"
      not_selected: ["No"]
      columns: {white: White, asian: Asian}
    why: one Yes/No column per race
  - variable: vital_status
    table: harm_demo_clinical
    column: dead
    values: {"1": Dead, "0": Alive}
    why: a 0/1 death flag
  - variable: vital_status
    table: harm_demo_followup
    column: status
    values: {alive: Alive, dead: Dead, lost: Unknown}
    assessed_at: days
    why: follow-up forms, days from baseline
  - variable: age_at_index
    table: harm_demo_clinical
    column: age
    number: {unit: years, reference_point: diagnosis}
    unmapped: {NA: no age}
    why: age at diagnosis
  - variable: age_at_index
    table: harm_demo_groups
    column: age_group
    ranges: {unit: years, reference_point: diagnosis, values: {"<=40": [null, 40], "61-70": [61, 70]}}
    why: age groups
  - variable: ajcc_clinical_stage
    table: harm_demo_clinical
    column: stage
    edition: 7th
    values: {IIIa: Stage IIIA, IIIb: Stage IIIB, Ib: Stage IB}
    why: stage group, 7th edition
  - variable: tumor_tissue_morphology
    table: harm_demo_clinical
    column: histology
    values: {adeno: 8140/3}
    why: histology
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DbtProject:
    root = tmp_path_factory.mktemp("harmonized")
    project = DbtProject(root)
    shutil.copytree(REPO / "analyses", project.root / "analyses")
    sources = root / "sources"
    for name, text in DEMO_FILES.items():
        write(sources / "harm_demo", name, text)
    recipe = write(root / "recipes", "harm_demo.yaml", DEMO_RECIPE)
    run([recipe], sources, project.seeds, Release(22), quality_gate=False)
    write(root / "mappings", "harm_demo.yml", DEMO_MAPPING)
    assert harmonization_main(["--mappings", str(root / "mappings"), "--release", str(project.seeds / "clinical"),
                               "--out", str(project.root / "seeds" / "harmonization")]) == 0
    project.load()
    results = project.dbt("build", "--select", "clinical_values", "stg_clinical__patients", "path:seeds/harmonization",
                          "path:models/harmonized", "path:tests/dbt/harmonized", "--indirect-selection", "cautious")
    failed = {name: result for name, result in results.items() if result[0] not in ("success", "pass")}
    assert not failed, failed
    return project


def patient(demo: DbtProject, pid: str) -> dict:
    rows = demo.sql(f"select * from idc_v22_harmonized.harmonized_patients where dicom_patient_id = '{pid}'")
    assert len(rows) == 1
    return rows[0]


def test_spellings_map_to_one_code(demo: DbtProject):
    assert [(patient(demo, p)["sex"], patient(demo, p)["sex_ncit_code"]) for p in ("H-1", "H-2", "H-3")] == [
        ("F", "C16576"), ("M", "C20197"), ("F", "C16576")]


def test_yes_no_columns_collapse_into_one_race(demo: DbtProject):
    both = patient(demo, "H-3")
    assert (both["race"], both["race_ncit_code"], both["race_source_column"]) == (
        "Asian; White", "C41260; C41261", "asian; white")
    assert patient(demo, "H-1")["race"] == "White"


def test_latest_assessment_wins(demo: DbtProject):
    # H-1: the 0/1 flag says Dead, follow-up says alive at day 30 and dead at day 400
    assert (patient(demo, "H-1")["vital_status"], patient(demo, "H-1")["vital_status_assessed_at"]) == ("Dead", 400)
    # H-2: lost at day 5, alive at day 10 (rows with a time beat the flag with none)
    assert (patient(demo, "H-2")["vital_status"], patient(demo, "H-2")["vital_status_source_table"]) == (
        "Alive", "harm_demo_followup")


def test_zero_one_flag_maps_by_its_meaning(demo: DbtProject):
    rows = demo.sql("select dicom_patient_id, value from idc_v22_harmonized.harmonized_values "
                    "where source_column = 'dead' order by 1")
    assert [(r["dicom_patient_id"], r["value"]) for r in rows] == [("H-1", "Dead"), ("H-2", "Alive"), ("H-3", "Alive")]


def test_age_groups_stay_ranges_and_numbers_stay_as_written(demo: DbtProject):
    exact, grouped = patient(demo, "H-1"), patient(demo, "H-2")
    assert (exact["age"], float(exact["age_low"]), float(exact["age_high"]), exact["age_reference_point"]) == (
        "64.5", 64.5, 64.5, "diagnosis")
    assert (grouped["age"], grouped["age_low"], float(grouped["age_high"]), grouped["age_unit"]) == (
        "<=40", None, 40.0, "years")


def test_stage_carries_its_edition(demo: DbtProject):
    row = patient(demo, "H-1")
    assert (row["ajcc_stage_group"], row["ajcc_stage_group_ncit_code"], row["ajcc_stage_kind"],
            row["ajcc_staging_edition"], row["ajcc_staging_edition_ncit_code"]) == (
        "Stage IIIA", "C27977", "clinical", "7th", "C90530")


def test_unmapped_values_are_listed_not_guessed(demo: DbtProject):
    rows = demo.sql("select column_name, source_value, reason from idc_v22_harmonized.harmonized_unmapped_values "
                    "order by 1, 2")
    assert [(r["column_name"], r["source_value"], r["reason"]) for r in rows] == [
        ("age", "NA", "no age"), ("histology", "xyz", None)]
    assert not demo.sql("select * from idc_v22_harmonized.harmonized_values where source_value in ('NA', 'xyz')")
    coverage = demo.sql("select * from idc_v22_harmonized.harmonized_coverage "
                        "where variable = 'tumor_tissue_morphology'")
    assert [(c["patients_mapped"], c["values_unmapped"], c["values_undeclared"]) for c in coverage] == [(1, 1, 1)]


def test_round_trip_from_harmonized_value_to_source_cell(demo: DbtProject):
    """Every harmonized row names a cell of its clinical table that holds source_value."""
    rows = demo.sql("select * from idc_v22_harmonized.harmonized_values")
    assert rows
    for row in rows:
        cells = demo.sql(
            f'select cast("{row["source_column"]}" as varchar) as v from idc_v22_clinical."{row["source_table"]}" '
            f"where dicom_patient_id = '{row['dicom_patient_id']}'")
        assert row["source_value"] in [c["v"] for c in cells], row
        keyed = demo.sql(
            "select value from idc_v22_semantic.clinical_values where table_name = "
            f"'{row['source_table']}' and row_key = {row['source_row_key']} and column_name = '{row['source_column']}'")
        assert keyed == [{"value": row["source_value"]}]


def test_permissible_value_test_fails_on_a_value_outside_the_cde(demo: DbtProject):
    """The dbt test reads the seeds: a permissible value dropped from the CDE list is caught."""
    seed = demo.root / "seeds" / "harmonization" / "harmonization_permissible_values.csv"
    original = seed.read_text(encoding="utf-8")
    kept = [line for line in original.splitlines(keepends=True) if not line.startswith("sex,F,")]
    try:
        seed.write_text("".join(kept), encoding="utf-8")
        results = demo.dbt("build", "--select", "harmonization_permissible_values",
                           "harmonized_values_are_permissible")
        assert results["harmonized_values_are_permissible"][0] == "fail"
    finally:
        seed.write_text(original, encoding="utf-8")
        demo.dbt("seed", "--select", "harmonization_permissible_values")


def test_seed_csv_has_a_header_and_no_blank_lines():
    text = (REPO / "seeds" / "harmonization" / "harmonization_mappings.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["collection_id", "table_name", "column_name", "source_value"]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_report_section_shows_the_coverage_matrix_and_the_unmapped_values(demo: DbtProject):
    from curation.harmonization.report_section import harmonization_section

    section = harmonization_section(demo.database, 22)
    assert section.startswith('<section id="harmonized">')
    assert "<code>harm_demo</code>" in section and "<th class=num>vital_status</th>" in section
    assert "<code>xyz</code>" in section and "not mentioned by the mapping" in section and "no age" in section
    assert harmonization_section(demo.database, 99) == ""


def test_acceptance_analyses_answer_on_the_demo(demo: DbtProject):
    """The three harmonized analyses (analyses/harmonized_*.sql), compiled by dbt and run."""
    names = ["harmonized_women_over_60_stage_iii", "harmonized_sex_and_vital_status",
             "harmonized_ajcc_stage_collections"]
    results = demo.dbt("compile", "--select", *names)
    assert all(status == "success" for status, _ in results.values()), results
    compiled = demo.root / "target" / "compiled" / "idc_clinical" / "analyses"

    def answer(name: str) -> list[tuple]:
        return [tuple(r.values()) for r in demo.sql((compiled / f"{name}.sql").read_text())]

    assert answer(names[0]) == [("harm_demo", "clinical", "7th", 1)]
    assert answer(names[1]) == [("harm_demo", "F", "Alive", 1), ("harm_demo", "F", "Dead", 1),
                                ("harm_demo", "M", "Alive", 1)]
    assert answer(names[2]) == [("harm_demo", "ajcc_clinical_stage", "7th", 3)]
