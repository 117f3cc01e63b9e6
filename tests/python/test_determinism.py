"""Two runs on the same inputs give byte-identical seeds, and nothing in them comes from the clock.

The two runs are separate ``curate`` processes (the session fixture ``command_runs``) with
different hash seeds, started from different working folders (default relative paths vs
absolute paths).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest

from helpers import REPO
from helpers.curate import curate_in_process, snapshot
from helpers.files import csv_text, write_recipe


@pytest.fixture(scope="module")
def two_runs(command_runs) -> tuple[dict[str, bytes], dict[str, bytes], dt.datetime]:
    first, second = command_runs
    return first, second, dt.datetime.now(dt.timezone.utc)


def test_same_files(two_runs):
    first, second, _ = two_runs
    assert sorted(first) == sorted(second)
    assert {"clinical/_clinical__seeds.yml", "metadata/raw_table_metadata.csv",
            "metadata/raw_column_metadata.csv", "clinical/prostatex_findings.csv"} <= set(first)


def test_byte_identical(two_runs):
    first, second, _ = two_runs
    different = [name for name in first if first[name] != second.get(name)]
    assert different == []


def test_in_process_run_matches_the_command(two_runs, real_run):
    """The pipeline called directly (as the other tests do) writes what the command writes."""
    first, _, _ = two_runs
    _, out = real_run
    assert snapshot(out) == first


def _run_date_forms(moment: dt.datetime) -> list[str]:
    forms = []
    for when in {moment, moment.astimezone()}:  # UTC and the machine's local time
        for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%d %b %Y", "%b %d"):
            forms.append(when.strftime(fmt))
    return sorted(set(forms))


def test_no_date_or_time_of_the_run(two_runs):
    first, _, started = two_runs
    forms = _run_date_forms(started) + _run_date_forms(dt.datetime.now(dt.timezone.utc))
    time_of_day = re.compile(r"(?<![\d.])\d{1,2}:\d{2}(:\d{2})?(?![\d])")
    for name, data in first.items():
        text = data.decode("utf-8")
        for form in forms:
            assert not re.search(rf"(?<![\d]){re.escape(form)}(?![\d])", text), f"{form!r} in {name}"
        if (name.startswith("clinical/") and name.endswith(".csv")) or name == "metadata/raw_column_metadata.csv":
            continue  # clinical values (and the values column_metadata lists) may hold times of day
        found = time_of_day.search(text)
        assert found is None, f"a time of day {found.group(0)!r} in {name}"


def _table_metadata(files: dict[str, bytes]) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files["metadata/raw_table_metadata.csv"].decode("utf-8"))))


def test_datetime_fields_are_the_release_configs(two_runs):
    """Without --release-datetime: the release's entry in releases.yml, never the clock."""
    from curation.releases import RELEASES_FILE, release_datetime

    first, _, _ = two_runs
    expected = release_datetime(22, None, REPO / RELEASES_FILE) or ""
    for row in _table_metadata(first):
        assert row["table_added_datetime"] == expected, row["table_name"]
        assert row["table_updated_datetime"] == expected, row["table_name"]


def test_datetime_fields_take_the_explicit_option(tmp_path: Path, two_runs):
    """The control for the test above: a given datetime lands in table_metadata and the release
    seed, and only there."""
    first, _, _ = two_runs
    given = "2019-05-06T07:08:09"
    curate_in_process(REPO / "recipes", REPO / "data" / "sources", tmp_path / "out", datetime=given)
    third = snapshot(tmp_path / "out")
    rows = _table_metadata(third)
    assert rows and all(r["table_added_datetime"] == given == r["table_updated_datetime"] for r in rows)
    changed = sorted(name for name in third if third[name] != first.get(name))
    assert changed == ["metadata/raw_release.csv", "metadata/raw_table_metadata.csv"]


def test_datetime_fields_from_the_option_never_the_recipe(tmp_path: Path):
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "a.csv").write_bytes(csv_text("pid,v", "P1,1"))
    write_recipe(tmp_path / "recipes", "demo.yaml", """
        collection_id: demo
        source_datetime: "2018-03-04 05:06:07"
        tables:
          - batches: [{files: [a.csv], patient_column: pid}]
    """)
    curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "from_recipe")
    curate_in_process(tmp_path / "recipes", tmp_path / "sources", tmp_path / "from_option",
                      datetime="2020-01-01T00:00:00")
    from_recipe = _table_metadata(snapshot(tmp_path / "from_recipe"))[0]
    from_option = _table_metadata(snapshot(tmp_path / "from_option"))[0]
    # the recipe's source_datetime is its sources' date, never the release's
    assert from_recipe["table_added_datetime"] == from_recipe["table_updated_datetime"] == ""
    assert '"table_last_modified":"2018-03-04 05:06:07"' in from_recipe["source_info"]
    assert from_option["table_added_datetime"] == from_option["table_updated_datetime"] == "2020-01-01T00:00:00"
