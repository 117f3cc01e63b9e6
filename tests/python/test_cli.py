"""What ``curate`` prints (quiet by default, one progress bar over every stage, a summary that
reads at 80 and 200 columns) and the release's date (a property of the release, never a
recipe's ``source_datetime``)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from helpers.curate import invoke_curate
from helpers.files import csv_text, write_recipe
from helpers.warehouse import IDC_VERSION, REPO, built_warehouse
from curation.errors import CurationError, Reason
from curation.metadata import Release
from curation.pipeline import STAGES, run
from curation.releases import release_datetime
from curation.report import RunReport, TableReport
from curation.summary_view import COUNT_HEADERS, summary

LONG = "bamf_aimi_annotations_lung_fdg_pet_ct_qa_results_with_an_even_longer_name"


def _report() -> RunReport:
    return RunReport(tables=[
        TableReport(LONG, 12, 12_345_678, 12_345_000, Counter({"blank row": 600, "after last_data_row": 78}),
                    10, 8, 3_017, Counter({"skip_columns": 2}), []),
        TableReport("short", 1, 5, 5, Counter(), 3, 3, 5, Counter(), []),
    ])


def _render(report: RunReport, width: int, verbose: bool = False) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(summary(report, verbose))
    return console.export_text().splitlines()


def _rows(lines: list[str], names: list[str]) -> dict[str, list[str]]:
    """Each table's row as printed: its name put together from the lines it folds onto, and
    the counts of its first line."""
    rows: dict[str, list[str]] = {}
    start = next(i for i, line in enumerate(lines) if line.startswith("─")) + 1
    current = None
    for line in lines[start:]:
        tokens = line.split()
        if not tokens:
            break
        if len(tokens) == 1 + len(COUNT_HEADERS):
            current = tokens[0]
            rows[current] = tokens[1:]
        elif len(tokens) == 1 and current is not None:
            rows[current + tokens[0]] = rows.pop(current)
            current += tokens[0]
    assert sorted(rows) == sorted(names), lines
    return rows


@pytest.mark.parametrize("width", [80, 200])
def test_summary_cuts_no_cell(width: int):
    report = _report()
    lines = _render(report, width)
    assert all(len(line.rstrip()) <= width for line in lines)
    assert not any("…" in line for line in lines)
    rows = _rows(lines, [t.table_name for t in report.tables])
    long = report.tables[0]
    assert rows[LONG] == ["12", "12,345,678", "12,345,000", "678", "3,017", "2", "0"]
    assert rows["short"] == ["1", "5", "5", "0", "5", "0", "0"]
    # the reasons are below the table, whole
    below = " ".join(line.strip() for line in lines[lines.index("rows skipped and columns dropped, by reason:"):])
    assert (f"{LONG}: rows skipped: 78 after last_data_row, 600 blank row; columns dropped: 2 skip_columns"
            in below)
    assert long.balanced


def test_summary_at_200_columns_is_one_line_per_table():
    lines = _render(_report(), 200)
    assert sum(LONG in line for line in lines) == 2  # its row and its reasons
    header = next(line for line in lines if line.startswith("table"))
    assert all(h in header for h in COUNT_HEADERS)


def _one_table(tmp_path: Path, source_datetime: str | None = None) -> tuple[Path, Path]:
    sources = tmp_path / "sources" / "demo"
    sources.mkdir(parents=True)
    (sources / "a.csv").write_bytes(csv_text("pid,,age", "P1,,40", "P2,x,41"))  # an empty header: a warning
    extra = f'source_datetime: "{source_datetime}"\n' if source_datetime else ""
    recipe = write_recipe(tmp_path / "recipes", "demo.yaml", f"""
        collection_id: demo
        {extra}tables:
          - name: clinical
            batches: [{{files: [a.csv], patient_column: pid}}]
        """.replace("        " + extra, extra))
    return recipe, tmp_path / "sources"


def test_quiet_by_default_verbose_lists_each_warning(tmp_path: Path):
    recipe, sources = _one_table(tmp_path)
    quiet = invoke_curate(recipe, sources, tmp_path / "q", "--release-datetime", "2026-02-03")
    assert quiet.exit_code == 0, quiet.output
    assert "1 warning(s): 1 empty_header (--verbose lists each)" in quiet.output
    assert "has no header" not in quiet.output
    loud = invoke_curate(recipe, sources, tmp_path / "v", "--release-datetime", "2026-02-03", "--verbose")
    assert loud.exit_code == 0, loud.output
    assert "warning: [empty_header] column 2 has no header" in loud.output


def test_progress_hears_every_stage_of_every_table(tmp_path: Path):
    recipe, sources = _one_table(tmp_path)
    second = recipe.parent / "demo2.yaml"
    second.write_text(recipe.read_text().replace("collection_id: demo", "collection_id: demo2"), encoding="utf-8")
    (sources / "demo2").mkdir()
    (sources / "demo2" / "a.csv").write_bytes((sources / "demo" / "a.csv").read_bytes())
    heard: list[tuple[str, str]] = []
    run([recipe, second], sources, tmp_path / "out", Release(22), on_step=lambda s, t: heard.append((s, t)))
    for table in ("demo_clinical", "demo2_clinical"):
        assert [s for s, t in heard if t == table] == list(STAGES)
    assert len(heard) == 2 * len(STAGES)


def _table_metadata(out: Path) -> dict:
    with (out / "metadata" / "raw_table_metadata.csv").open(encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


def _release_seed(out: Path) -> list[dict]:
    with (out / "metadata" / "raw_release.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_release_date_is_the_releases_not_the_recipes(tmp_path: Path):
    recipe, sources = _one_table(tmp_path, source_datetime="2019-05-06 00:00:00")
    result = invoke_curate(recipe, sources, tmp_path / "out", "--release-datetime", "2026-12-01 00:00:00")
    assert result.exit_code == 0, result.output
    row = _table_metadata(tmp_path / "out")
    assert row["table_added_datetime"] == row["table_updated_datetime"] == "2026-12-01 00:00:00"
    assert '"table_last_modified":"2019-05-06 00:00:00"' in row["source_info"]
    assert _release_seed(tmp_path / "out") == [{"idc_version": "22", "release_datetime": "2026-12-01 00:00:00"}]


def test_release_date_from_the_release_config(tmp_path: Path):
    recipe, sources = _one_table(tmp_path, source_datetime="2019-05-06 00:00:00")
    config = tmp_path / "releases.yml"
    config.write_text('releases:\n  22: {release_datetime: "2026-07-08 00:00:00"}\n', encoding="utf-8")
    result = invoke_curate(recipe, sources, tmp_path / "out", "--releases", str(config))
    assert result.exit_code == 0, result.output
    assert _table_metadata(tmp_path / "out")["table_updated_datetime"] == "2026-07-08 00:00:00"
    assert _release_seed(tmp_path / "out")[0]["release_datetime"] == "2026-07-08 00:00:00"
    # a release the config does not name has no date: NULL, and the run says how to give one
    other = invoke_curate(recipe, sources, tmp_path / "other", "--releases", str(tmp_path / "none.yml"))
    assert other.exit_code == 0, other.output
    assert _table_metadata(tmp_path / "other")["table_updated_datetime"] == ""
    assert "note: no release datetime for IDC v22" in other.output


@pytest.mark.parametrize("text", ['releases:\n  22: {release_datetime: "soon"}\n',
                                  'releases:\n  22: {release_date: "2026-01-01"}\n'])
def test_invalid_release_config_is_an_error(tmp_path: Path, text: str):
    config = tmp_path / "releases.yml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(CurationError) as caught:
        release_datetime(22, None, config)
    assert caught.value.reason is Reason.RELEASE_INVALID
    with pytest.raises(CurationError):
        release_datetime(22, "next week", config)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return built_warehouse(tmp_path_factory)


def test_release_calendar_and_report_use_the_release_date(warehouse):
    """On the session warehouse (curated with the repository's releases.yml): release_calendar's
    date, MetricFlow's metric_time and the coverage report's date are the release's."""
    import duckdb

    from curation.warehouse.coverage_report import load_release
    from curation.releases import RELEASES_FILE, load_release_config

    config = load_release_config(REPO / RELEASES_FILE)
    expected = config.releases[IDC_VERSION].release_datetime[:10]
    with duckdb.connect(str(warehouse.database), read_only=True) as con:
        got = con.execute(f"select release_date from idc_v{IDC_VERSION}_semantic.release_calendar").fetchall()
        dates = con.execute(f"select distinct release_date from idc_v{IDC_VERSION}_semantic.metrics_patients"
                            ).fetchall()
    assert [str(d) for (d,) in got] == [expected]
    assert [str(d) for (d,) in dates] == [expected]
    assert load_release(warehouse.database, IDC_VERSION).release_date == expected


def test_default_release_config_is_beside_the_recipes(tmp_path: Path):
    """Not the working folder's: two runs from different folders curate the same release."""
    recipe, sources = _one_table(tmp_path)
    (recipe.parent.parent / "releases.yml").write_text(
        'releases:\n  22: {release_datetime: "2026-09-09 00:00:00"}\n', encoding="utf-8")
    result = invoke_curate(recipe.parent, sources, tmp_path / "out")  # run from the repository root
    assert result.exit_code == 0, result.output
    assert _release_seed(tmp_path / "out")[0]["release_datetime"] == "2026-09-09 00:00:00"


@pytest.mark.parametrize("columns, width", [(None, 80), ("120", 120)])
def test_piped_summary_fits_80_columns_unless_told(tmp_path: Path, monkeypatch, columns, width):
    """With no terminal (a log, a pipe) the summary is laid out for 80 columns (or $COLUMNS),
    not for the wide console the error messages use."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    recipe, sources = _one_table(tmp_path)
    long_name = "a_table_name_long_enough_to_push_the_summary_past_eighty_columns_when_wide"
    recipe.write_text(recipe.read_text().replace("name: clinical", f"name: {long_name}"), encoding="utf-8")
    result = invoke_curate(recipe, sources, tmp_path / "out", "--release-datetime", "2026-02-03")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if "Curation summary" in line)
    table = lines[start:next(i for i, line in enumerate(lines) if line.startswith("seeds written"))]
    assert any("rows written" in line or "written" in line for line in table)
    assert max(len(line.rstrip()) for line in table) <= width
    assert max(len(line.rstrip()) for line in table) > 60  # laid out to the width, not squeezed
