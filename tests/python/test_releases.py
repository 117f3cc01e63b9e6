"""Release history over three releases: unchanged, changed, added and removed tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.errors import CurationError, Reason
from curation.metadata import Release
from curation.pipeline import run
from curation.release_diff import diff_releases
from curation.releases import load_previous


def _write_release(root: Path, tables: dict[str, str]) -> tuple[Path, Path]:
    """A collection 'demo' whose tables are CSV texts; returns (recipe, sources root)."""
    sources = root / "sources" / "demo"
    sources.mkdir(parents=True)
    lines = ["collection_id: demo", "tables:"]
    for name, text in tables.items():
        (sources / f"{name}.csv").write_text(text, encoding="utf-8")
        lines += [f"  - name: {name}", "    batches:",
                  f"      - files: [{name}.csv]", "        patient_column: pid"]
    recipe = root / "demo.yaml"
    recipe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return recipe, root / "sources"


def _curate(tmp: Path, label: str, tables: dict[str, str], version: int, previous: Path | None) -> Path:
    recipe, sources = _write_release(tmp / label, tables)
    out = tmp / label / "seeds"
    release = Release(version, f"2026-0{version - 20}-01T00:00:00",
                      load_previous(previous) if previous else {})
    run([recipe], sources, out, release)
    return out


def _metadata(out: Path) -> dict[str, dict]:
    with (out / "metadata" / "raw_table_metadata.csv").open(encoding="utf-8") as handle:
        return {r["table_name"]: r for r in csv.DictReader(handle)}


def test_three_releases_move_versions(tmp_path: Path) -> None:
    r21 = _curate(tmp_path, "v21", {"keep": "pid,x\nP1,1\n", "edit": "pid,y\nP1,a\n",
                                    "gone": "pid,z\nP1,1\n"}, 21, None)
    r22 = _curate(tmp_path, "v22", {"keep": "pid,x\nP1,1\n", "edit": "pid,y\nP1,b\nP2,c\n",
                                    "new": "pid,w\nP3,1\n"}, 22, r21 / "metadata" / "raw_table_metadata.csv")
    r23 = _curate(tmp_path, "v23", {"keep": "pid,x\nP1,1\n", "edit": "pid,y,v\nP1,b,1\nP2,c,2\n",
                                    "new": "pid,w\nP3,1\n"}, 23, r22 / "metadata" / "raw_table_metadata.csv")
    m21, m22, m23 = _metadata(r21), _metadata(r22), _metadata(r23)

    # unchanged across all three: everything as first curated
    for m in (m22, m23):
        assert {k: m["demo_keep"][k] for k in m["demo_keep"] if k.startswith(("idc_", "table_", "post_process_src_"))} \
            == {k: m21["demo_keep"][k] for k in m21["demo_keep"] if k.startswith(("idc_", "table_", "post_process_src_"))}
    assert m23["demo_keep"]["idc_version_table_updated"] == "idc_v21"

    # changed in v22, then again in v23: updated moves to prior
    e21, e22, e23 = m21["demo_edit"], m22["demo_edit"], m23["demo_edit"]
    assert e22["idc_version_table_added"] == "idc_v21"
    assert e22["idc_version_table_prior"] == "idc_v21"
    assert e22["post_process_src_prior_md5"] == e21["post_process_src_updated_md5"]
    assert e22["idc_version_table_updated"] == "idc_v22"
    assert e22["table_updated_datetime"] == "2026-02-01T00:00:00"
    assert e22["table_added_datetime"] == "2026-01-01T00:00:00"
    assert e23["idc_version_table_prior"] == "idc_v22"
    assert e23["post_process_src_prior_md5"] == e22["post_process_src_updated_md5"]
    assert e23["idc_version_table_updated"] == "idc_v23"
    assert e23["post_process_src_added_md5"] == e21["post_process_src_added_md5"]

    # added in v22: N everywhere; kept in v23
    n22 = m22["demo_new"]
    assert {n22[k] for k in ("idc_version_table_added", "idc_version_table_prior",
                             "idc_version_table_updated")} == {"idc_v22"}
    assert m23["demo_new"]["idc_version_table_added"] == "idc_v22"

    # removed in v22
    assert "demo_gone" not in m22

    kinds = {(c.table, c.kind, c.column) for c in diff_releases(r21, r22)}
    assert ("demo_new", "table_added", "") in kinds
    assert ("demo_gone", "table_removed", "") in kinds
    assert ("demo_edit", "table_changed", "") in kinds
    assert ("demo_edit", "row_count", "") in kinds
    assert not any(t == "demo_keep" for t, _, _ in kinds)
    kinds23 = {(c.table, c.kind, c.column) for c in diff_releases(r22, r23)}
    assert ("demo_edit", "column_added", "v") in kinds23


def test_source_info_and_batches_filled(tmp_path: Path) -> None:
    out = _curate(tmp_path, "v21", {"keep": "pid,x\nP1,1\n"}, 21, None)
    row = _metadata(out)["demo_keep"]
    assert row["number_batches"] == "1"
    assert '"srcs":["keep.csv"]' in row["source_info"]
    assert len(row["post_process_src_added_md5"]) == 32


def test_cli_requires_previous_or_first_release(tmp_path: Path) -> None:
    recipe, sources = _write_release(tmp_path, {"keep": "pid,x\nP1,1\n"})
    args = ["--recipes", str(recipe), "--sources", str(sources), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert not (tmp_path / "out").exists()
    assert CliRunner().invoke(app, args + ["--first-release"]).exit_code == 0


@pytest.mark.parametrize("content", ["", "not,a,metadata\n1,2,3\n"])
def test_unreadable_previous_is_an_error(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "previous.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CurationError) as caught:
        load_previous(bad)
    assert caught.value.reason is Reason.PREVIOUS_RELEASE
    with pytest.raises(CurationError):
        load_previous(tmp_path / "missing.csv")
