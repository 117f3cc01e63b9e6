"""The release-wide dbt tests over every clinical table (tests/dbt/clinical_*.sql) and the
DuckDB seed load (macros/seed_declared_types.sql), on curated ACRIN and REDCap demos: each
test passes on the curated tables and fails, naming table and column, on a broken one; dbt
gets at most two nodes per clinical table; seeds keep exactly the declared types."""

from __future__ import annotations

import json

import pytest
import yaml

from curation.metadata import Release
from curation.pipeline import run
from helpers.dbt_project import DbtProject
from helpers.files import write_recipe
from helpers.dictionaries import acrin_project, redcap_project

RELEASE_WIDE = ("clinical_keys_not_null", "clinical_tables_match_column_metadata",
                "clinical_tables_have_one_table_metadata_row", "clinical_values_in_open_dictionaries",
                "clinical_values_in_closed_dictionaries")
DUCKDB_TYPES = {"STRING": "VARCHAR", "INTEGER": "BIGINT", "FLOAT": "DOUBLE", "BOOLEAN": "BOOLEAN", "DATE": "DATE"}
A0 = "acrin_demo_A0"
FLAGS_RECIPE = """
collection_id: flags_demo
type_mode: inferred
tables:
  - name: flags
    batches:
      - files: [flags.csv]
        patient_column: pid
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    tmp = tmp_path_factory.mktemp("release_wide")
    project = DbtProject(tmp)
    acrin, sources = acrin_project(tmp / "demo")
    redcap, _ = redcap_project(tmp / "demo")
    flags = write_recipe(tmp / "demo" / "recipes", "flags_demo.yaml", FLAGS_RECIPE)
    (sources / "flags_demo").mkdir()
    (sources / "flags_demo" / "flags.csv").write_text("pid,smoker\n1,TRUE\n2,FALSE\n3,TRUE\n")
    run([acrin, redcap, flags], sources, project.seeds, Release(22), quality_gate=False)
    project.load()
    return project


def _seed_properties(project: DbtProject) -> list[dict]:
    return yaml.safe_load((project.seeds / "clinical" / "_clinical__seeds.yml").read_text())["seeds"]


def _test(project: DbtProject, name: str) -> tuple[tuple[str, int | None], list[dict]]:
    result = project.dbt("test", "--store-failures", "--select", name)[name]
    return result, project.failures(name)


def test_loaded_types_are_exactly_the_declared_types(project: DbtProject) -> None:
    seeds = _seed_properties(project)
    declared = {(s["name"], c["name"]): DUCKDB_TYPES[c["data_type"]] for s in seeds for c in s["columns"]}
    assert {t for t in declared.values()} == set(DUCKDB_TYPES.values())  # every type is covered
    loaded = {(r["table_name"], r["column_name"]): r["data_type"] for r in project.sql(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'idc_v22_clinical'") if (r["table_name"], r["column_name"]) in declared}
    assert len(loaded) == len(declared)
    assert loaded == declared
    counts = {s["name"]: project.sql(f'select count(*) as n from idc_v22_clinical."{s["name"]}"')[0]["n"]
              for s in seeds}
    assert counts[A0] == 5 and all(counts.values())


def test_at_most_two_nodes_per_clinical_table(project: DbtProject) -> None:
    project.dbt("parse")
    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    clinical = {uid for uid, n in manifest["nodes"].items()
                if n["resource_type"] == "seed" and "clinical" in n["fqn"][:-1]}
    per_table = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"
                 and set(n["depends_on"]["nodes"]) & clinical]
    assert {n["test_metadata"]["name"] for n in per_table} == {"patients_have_images"}
    assert len(per_table) == len(clinical) > 1
    names = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert set(RELEASE_WIDE) <= names


def test_release_wide_tests_pass_on_the_curated_tables(project: DbtProject) -> None:
    results = project.dbt("test", "--select", " ".join(RELEASE_WIDE))
    assert {name: results[name][0] for name in RELEASE_WIDE} == {
        **{name: "pass" for name in RELEASE_WIDE}, "clinical_values_in_open_dictionaries": "warn"}


def test_null_key_fails(project: DbtProject) -> None:
    project.sql(f"update idc_v22_clinical.{A0} set source_batch = null where source_batch = 1")
    try:
        result, rows = _test(project, "clinical_keys_not_null")
    finally:
        project.sql(f"update idc_v22_clinical.{A0} set source_batch = 1 where source_batch is null")
    assert result == ("fail", 1)
    assert rows == [{"table_name": A0, "column_name": "source_batch", "n_rows": 2}]


def test_column_disagreeing_with_column_metadata_fails(project: DbtProject) -> None:
    project.sql(f"alter table idc_v22_clinical.{A0} add column extra varchar")
    project.sql(f"alter table idc_v22_clinical.{A0} alter a0e1 type varchar")
    try:
        result, rows = _test(project, "clinical_tables_match_column_metadata")
    finally:
        project.sql(f"alter table idc_v22_clinical.{A0} drop column extra")
        project.sql(f"alter table idc_v22_clinical.{A0} alter a0e1 type bigint")
    assert result == ("fail", 2)
    assert rows == [
        {"table_name": A0, "column_name": "a0e1", "built_type": "STRING", "documented_type": "INTEGER"},
        {"table_name": A0, "column_name": "extra", "built_type": "STRING", "documented_type": None},
    ]


def test_table_metadata_rows_other_than_one_fail(project: DbtProject) -> None:
    project.sql("create table saved as select * from idc_v22_clinical.table_metadata")
    project.sql(f"insert into idc_v22_clinical.table_metadata select * from saved where table_name = '{A0}'")
    project.sql("delete from idc_v22_clinical.table_metadata where table_name = 'redcap_demo_baseline'")
    try:
        result, rows = _test(project, "clinical_tables_have_one_table_metadata_row")
    finally:
        project.sql("delete from idc_v22_clinical.table_metadata")
        project.sql("insert into idc_v22_clinical.table_metadata select * from saved")
        project.sql("drop table saved")
    assert result == ("fail", 2)
    assert rows == [{"table_name": A0, "n_rows": 2}, {"table_name": "redcap_demo_baseline", "n_rows": 0}]


def _seed_status(project: DbtProject) -> str:
    return project.dbt("seed", "--select", A0)[A0][0]


def test_seed_file_that_does_not_fit_its_declared_types_fails_to_load(project: DbtProject) -> None:
    seed = project.seeds / "clinical" / f"{A0}.csv"
    original = seed.read_text()
    header, *rows = original.splitlines()
    age = header.split(",").index("a0e1")  # INTEGER
    last = rows[-1].split(",")
    last[age] = "sixty"
    loaded = _loaded(project, A0)
    try:
        seed.write_text("\n".join([header, *rows[:-1], ",".join(last)]) + "\n")
        assert _seed_status(project) == "error"  # never loaded as something else
        assert _loaded(project, A0) == loaded  # the failed reload rolled back: rows, types, comments
        seed.write_text(original.replace("a0e1", "renamed", 1))
        assert _seed_status(project) == "error"  # the header must name the declared columns
        assert _loaded(project, A0) == loaded
    finally:
        seed.write_text(original)
    assert _seed_status(project) == "success"


def test_a_seed_with_hooks_loads_in_dbts_transaction(project: DbtProject) -> None:
    """The load opens its own transaction only when no hook needs dbt's."""
    properties = project.seeds / "clinical" / "_clinical__seeds.yml"
    original = properties.read_text()
    changed = yaml.safe_load(original)
    seed = next(s for s in changed["seeds"] if s["name"] == A0)
    seed["config"]["pre_hook"] = "create or replace table idc_v22_clinical.hook_ran as select 1 as n"
    seed["config"]["post_hook"] = "insert into idc_v22_clinical.hook_ran select count(*) from {{ this }}"
    loaded = _loaded(project, A0)
    try:
        properties.write_text(yaml.safe_dump(changed, sort_keys=False))
        assert _seed_status(project) == "success"
        assert [r["n"] for r in project.sql("select n from idc_v22_clinical.hook_ran order by n")] == [1, 5]
        assert _loaded(project, A0) == loaded
    finally:
        properties.write_text(original)
        project.sql("drop table if exists idc_v22_clinical.hook_ran")
    assert _seed_status(project) == "success"


def _loaded(project: DbtProject, table: str) -> tuple[str | None, list[tuple], int]:
    """(table comment, [(column, type, comment)] in order, rows) of a loaded clinical table."""
    where = f"schema_name = 'idc_v22_clinical' and table_name = '{table}'"
    comment = project.sql(f"select comment from duckdb_tables() where {where}")[0]["comment"]
    columns = [(r["column_name"], r["data_type"], r["comment"]) for r in project.sql(
        f"select column_name, data_type, comment from duckdb_columns() where {where} order by column_index")]
    rows = project.sql(f'select count(*) as n from idc_v22_clinical."{table}"')[0]["n"]
    return comment, columns, rows


def test_seeds_reloaded_keep_types_rows_and_comments_and_take_changed_docs(project: DbtProject) -> None:
    properties = project.seeds / "clinical" / "_clinical__seeds.yml"
    original = properties.read_text()
    seed = next(s for s in yaml.safe_load(original)["seeds"] if s["name"] == A0)
    expected = [(c["name"], DUCKDB_TYPES[c["data_type"]], c["description"]) for c in seed["columns"]]
    first = _loaded(project, A0)
    assert first == (seed["description"], expected, 5)  # docs persisted with the load
    assert _seed_status(project) == "success"  # in place: the same table again
    assert _loaded(project, A0) == first
    changed = yaml.safe_load(original)
    column = next(s for s in changed["seeds"] if s["name"] == A0)["columns"][1]
    column["description"] = "a changed description, with 'quotes'"
    try:
        properties.write_text(yaml.safe_dump(changed, sort_keys=False))
        assert _seed_status(project) == "success"
        comment, columns, rows = _loaded(project, A0)
        assert columns[1][2] == "a changed description, with 'quotes'"
        assert (comment, columns[:1] + columns[2:], rows) == (first[0], first[1][:1] + first[1][2:], 5)
        project.sql(f'alter table idc_v22_clinical."{A0}" alter column "{expected[1][0]}" type varchar')
        assert _seed_status(project) == "success"  # another type there: the table made again
        assert _loaded(project, A0)[1][1] == (expected[1][0], expected[1][1], column["description"])
    finally:
        properties.write_text(original)
    assert _seed_status(project) == "success"
    assert _loaded(project, A0) == first


def _seed_with_log(project: DbtProject, *args: str) -> tuple[dict[str, tuple[str, int | None]], str]:
    """`dbt seed` (all seeds, one thread), its results and its dbt.log (the SQL it sent)."""
    log = project.root / "logs" / "dbt.log"
    log.unlink(missing_ok=True)
    results = project.dbt("seed", "--threads", "1", *args)
    return results, log.read_text(encoding="utf-8")


def test_a_reload_reads_each_schemas_catalog_once_and_replaces_the_tables_in_place(project: DbtProject) -> None:
    """Over loaded tables, one query per schema (clinical, clinical_staging, harmonized,
    semantic) says what every table holds, not one per seed; each table holding the declared
    columns, types and comments is kept and its rows replaced."""
    project.dbt("seed")  # what the tests before changed, loaded again
    results, log = _seed_with_log(project)
    assert {status for status, _ in results.values()} == {"success"}
    assert len(results) > 4
    assert 1 <= log.count("from duckdb_columns()") <= 4
    run = project.root / "target" / "run" / "idc_clinical" / "seeds" / "curated" / "clinical"
    for seed in _seed_properties(project):
        sql = (run / f"{seed['name']}.csv").read_text(encoding="utf-8")
        assert "delete from" in sql and "create table" not in sql and "comment on" not in sql, seed["name"]


def test_a_seed_whose_pre_hook_changes_its_table_gets_the_declared_types(project: DbtProject) -> None:
    """A seed with hooks reads what its table holds after its pre-hook, not from the catalog the
    seeds before it read: the table the hook changed is made again with the declared types."""
    properties = project.seeds / "clinical" / "_clinical__seeds.yml"
    original = properties.read_text()
    changed = yaml.safe_load(original)
    last = max(changed["seeds"], key=lambda s: s["name"])  # dbt runs it after the others (one thread)
    last["config"]["pre_hook"] = "alter table {{ this }} alter column source_batch type varchar"
    loaded = _loaded(project, last["name"])
    assert ("source_batch", "BIGINT") in [column[:2] for column in loaded[1]]
    try:
        properties.write_text(yaml.safe_dump(changed, sort_keys=False))
        results, log = _seed_with_log(project)
        assert results[last["name"]][0] == "success"
        assert _loaded(project, last["name"]) == loaded
        assert f"and table_name = '{last['name']}'" in log  # its own table, read afresh
    finally:
        properties.write_text(original)
    assert project.dbt("seed", "--select", last["name"])[last["name"]][0] == "success"
