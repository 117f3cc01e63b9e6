"""The static HTML coverage report (`make report`, curation/warehouse/coverage_report.py): its content
against the built warehouse, that it is self-contained, and how it renders in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from helpers.chromium import colours, dump_dom, pixel, screenshot
from helpers.warehouse import IDC_VERSION, REPO, built_warehouse
from curation.warehouse.coverage_report import (ClinicalTable, Collection, Release, bar_chart, load_release,
                                      render)


class _Page(HTMLParser):
    """Section ids, external references and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.external: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.external.append(attrs[key])

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(database, index.html) written by the module's command line, as `make report` runs it."""
    warehouse = built_warehouse(tmp_path_factory)
    out = tmp_path_factory.mktemp("report")
    subprocess.run([sys.executable, "-m", "curation.warehouse.coverage_report", "--database", str(warehouse.database),
                    "--idc-version", str(IDC_VERSION), "--out", str(out)], cwd=REPO, check=True,
                   capture_output=True)
    return warehouse.database, out / "index.html"


def test_render_escapes_and_is_self_contained() -> None:
    release = Release(22, "2026-01-01", [Collection(
        "evil<script>", clinical_patients=3, imaged_patients=2, patients_with_both=2,
        tables=[ClinicalTable("t<b>", 4, 5, 3, 2), ClinicalTable("u", 1, 2, 1, 1)],
        series_by_modality=[("MR", "Magnetic Resonance", 7, 2)],
        structures=[("Prostate & <zone>", "Tissue", 3)], segments=3, segmentations=1,
        segmented_patients=1, measurements=[("Volume", "quantitative", 2)],
        measurement_groups=1, measured_patients=1)])
    page = render(release)
    parsed = _parse(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert parsed.external == []
    assert "<script>" not in page and "evil&lt;script&gt;" in page
    assert "Prostate &amp; &lt;zone&gt;" in page
    assert page.count("<svg") == 5  # coverage, tables, modalities, structures, measurements
    assert "66.7%" in page  # 2 of 3 clinical patients have images


def test_bar_chart_scales_to_the_largest_value() -> None:
    svg = bar_chart("t", [("a", 10, "#000"), ("b", 5, "#000"), ("c", 0, "#000")], bar_width=200)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths == [200.0, 100.0, 0.0]
    assert bar_chart("t", []) == ""


def test_report_matches_the_warehouse(report: tuple[Path, Path]) -> None:
    database, page_path = report
    page = page_path.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert parsed.external == [] and "script" not in parsed.tags
    semantic = f"idc_v{IDC_VERSION}_semantic"
    with duckdb.connect(str(database), read_only=True) as con:
        linkage = con.sql(f"select collection_id, n_clinical_patients, n_patients_with_both "
                          f"from {semantic}.collection_linkage").fetchall()
        tables = dict(con.sql(f"select collection_id, count(*) from {semantic}.metrics_clinical_tables "
                              "group by 1").fetchall())
        structures = con.sql(f"select segmented_property_type, count(*) from {semantic}.metrics_segments "
                             "where collection_id = 'prostatex' group by 1 order by 2 desc, 1").fetchall()
        measurements = con.sql(f"select count(*) from {semantic}.metrics_measurements "
                               "where collection_id = 'prostatex'").fetchall()[0][0]
    release = load_release(database, IDC_VERSION)
    by_id = {c.collection_id: c for c in release.collections}
    for cid, clinical, both in linkage:
        assert f"c-{cid.replace('_', '-')}" in parsed.ids
        assert by_id[cid].clinical_patients == clinical
        assert len(by_id[cid].tables) == tables.get(cid, 0)
        assert f"{100 * both / clinical:.1f}%" in page
    prostatex = by_id["prostatex"]
    assert [(s, n) for s, _, n in prostatex.structures] == structures
    assert prostatex.n_measurements == measurements > 0
    assert prostatex.segments > 0 and prostatex.image_series > 0
    assert "prostatex: most frequent segmented structures" in page


def test_report_keeps_its_sources_apart() -> None:
    """Every tile names its source; segments and measurements (the DICOM files built into
    idc_v<N>) are in their own section, never beside the series index's figures."""
    release = Release(22, "2026-01-01", [Collection(
        "c1", clinical_patients=3, imaged_patients=2, patients_with_both=2,
        tables=[ClinicalTable("c1_t", 4, 5, 3, 2)], series_by_modality=[("MR", "Magnetic Resonance", 7, 2)],
        structures=[("Prostate", "Tissue", 3)], segments=3, segmentations=1, segmented_patients=1)],
        index_label="IDC v22 series index (idc-index-data 22.1.5)", dicom_source="local files X")
    page = render(release)
    collection = page[page.index('<section id="c-c1">'):page.index('<section id="local-dicom">')]
    tiles = re.findall(r'<div class="tile">(.*?)</div></div>', collection)
    assert len(tiles) == 6 and all('<div class="s">' in tile for tile in tiles)
    assert all("series index" in t for t in tiles if "images" in t or "series" in t)
    assert "segment" not in collection.lower() and "measurement" not in collection.lower()
    local = page[page.index('<section id="local-dicom">'):]
    assert "Source: local files X" in local and "3 segments in 1 segmentations of 1 patients" in local
    header = page[page.index("<header>"):page.index("</header>")]
    assert "IDC v22 series index (idc-index-data 22.1.5)" in header and "local files X" in header


def test_report_renders_in_chromium(report: tuple[Path, Path], tmp_path: Path) -> None:
    _, page_path = report
    url = page_path.as_uri()
    dom = dump_dom(url, budget_ms=2_000)
    assert f"IDC v{IDC_VERSION} clinical and imaging coverage" in dom
    assert "prostatex" in dom and "bonemarrowwsi_pediatricleukemia" in dom
    png = screenshot(url, tmp_path / "coverage_report.png", height=2400)
    assert colours(png) > 50  # text, charts and tiles, not a blank page
    assert pixel(png, 10, 10) == (0x0B, 0x3D, 0x62)  # the header band
