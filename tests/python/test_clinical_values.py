"""clinical_values, the long form of every clinical table, on a curated ACRIN demo: one row per
cell with a value (NULL cells left out), the value as the warehouse casts it to text, one
row_key per source row (rows alike in every cell included), and each column's label and coded
value's description from column_metadata."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from curation.metadata import Release
from curation.pipeline import run
from helpers.dbt_project import DbtProject
from helpers.dictionaries import acrin_project

KEYS = ("dicom_patient_id", "source_batch")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> DbtProject:
    root = tmp_path_factory.mktemp("clinical_values")
    project = DbtProject(root)
    recipe, sources = acrin_project(root / "demo")
    run([recipe], sources, project.seeds, Release(22), quality_gate=False)
    # the last row of a table twice, alike in every cell: two source rows, so two row keys
    seed = project.seeds / "clinical" / "acrin_demo_A1.csv"
    lines = seed.read_text().splitlines(keepends=True)
    seed.write_text("".join(lines + [lines[-1]]))
    project.load()
    results = project.dbt("run", "--select", "clinical_values")
    assert results["clinical_values"][0] == "success", results
    return project


def _tables(project: DbtProject) -> list[str]:
    return [r["table_name"] for r in project.sql(
        "select table_name from duckdb_tables() where schema_name = 'idc_v22_clinical' "
        "and table_name not in ('table_metadata', 'column_metadata') order by table_name")]


def _source_rows(project: DbtProject, table: str) -> Counter:
    """Each source row as (patient, batch, its non-NULL cells as text), counted."""
    columns = [r["column_name"] for r in project.sql(
        f"select column_name from duckdb_columns() where schema_name = 'idc_v22_clinical' "
        f"and table_name = '{table}' order by column_index")]
    texts = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in columns)
    rows = project.sql(f'select {texts} from idc_v22_clinical."{table}"')
    return Counter((r["dicom_patient_id"], int(r["source_batch"]),
                    frozenset((c, v) for c, v in r.items() if c not in KEYS and v is not None)) for r in rows)


def test_every_cell_with_a_value_is_one_row_of_its_source_row(project: DbtProject) -> None:
    long = project.sql("select table_name, row_key, dicom_patient_id, source_batch, column_name, value "
                       "from idc_v22_semantic.clinical_values")
    assert all(r["value"] is not None for r in long)
    assert len({(r["table_name"], r["row_key"], r["column_name"]) for r in long}) == len(long)
    tables = _tables(project)
    assert {r["table_name"] for r in long} == set(tables)
    for table in tables:
        grouped: dict[int, list[dict]] = {}
        for r in long:
            if r["table_name"] == table:
                grouped.setdefault(r["row_key"], []).append(r)
        rebuilt = Counter()
        for cells in grouped.values():
            assert len({(c["dicom_patient_id"], c["source_batch"]) for c in cells}) == 1
            rebuilt[(cells[0]["dicom_patient_id"], int(cells[0]["source_batch"]),
                     frozenset((c["column_name"], c["value"]) for c in cells))] += 1
        expected = _source_rows(project, table)
        # a source row with no value outside its keys has no cell here
        assert rebuilt == Counter({k: n for k, n in expected.items() if k[2]}), table


def test_the_row_alike_in_every_cell_keeps_both_rows(project: DbtProject) -> None:
    rows = project.sql("select count(distinct row_key) as n from idc_v22_semantic.clinical_values "
                       "where table_name = 'acrin_demo_A1'")
    source = _source_rows(project, "acrin_demo_A1")
    assert max(source.values()) == 2  # the doubled row
    assert rows == [{"n": sum(source.values())}]


def test_labels_and_coded_values_come_from_column_metadata(project: DbtProject) -> None:
    described = project.sql(
        "select v.column_label, m.column_label as expected from idc_v22_semantic.clinical_values as v "
        'join idc_v22_clinical.column_metadata as m on v.table_name = m.table_name and v.column_name = m."column"')
    assert described and all(r["column_label"] == r["expected"] for r in described)
    coded = project.sql("select distinct value, value_description from idc_v22_semantic.clinical_values "
                        "where table_name = 'acrin_demo_A0' and column_name = 'a0e2' order by value")
    assert [r["value"] for r in coded] == ["1", "2"]
    assert all(r["value_description"] for r in coded), coded
