"""The release-wide dbt tests of dictionary-coded values on a curated ACRIN demo: values
outside an open dictionary are a warning (clinical_values_in_open_dictionaries), outside a
closed one an error (clinical_values_in_closed_dictionaries); one failing row per
(table, column, value)."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.metadata import Release
from curation.pipeline import run
from helpers.dbt_project import DbtProject
from helpers.dictionaries import acrin_project

TESTS = "clinical_values_in_open_dictionaries clinical_values_in_closed_dictionaries"


@pytest.mark.parametrize(("closed", "status"), [(False, "warn"), (True, "fail")])
def test_values_in_dictionary_severity(tmp_path: Path, closed: bool, status: str) -> None:
    project = DbtProject(tmp_path)
    recipe, sources = acrin_project(tmp_path / "demo")
    if closed:
        recipe.write_text(recipe.read_text().replace(".xls]}", ".xls], closed: true}"))
    # the gate would stop a closed run before writing: write anyway, to see what dbt says
    run([recipe], sources, project.seeds, Release(22), quality_gate=False)
    project.load()
    results = project.dbt("test", "--store-failures", "--select", TESTS)
    hit, other = ("closed", "open") if closed else ("open", "closed")
    assert results[f"clinical_values_in_{hit}_dictionaries"] == (status, 1)
    assert results[f"clinical_values_in_{other}_dictionaries"] == ("pass", 0)
    # one value ('7', two rows) of race (a0e3) outside the dictionary; gender (a0e2) is fine
    rows = project.failures(f"clinical_values_in_{hit}_dictionaries")
    assert rows == [{"table_name": "acrin_demo_A0", "column_name": "a0e3", "value": "7", "n_rows": 2}]
