"""A static HTML coverage report of a built release, per collection (`make report`).

Reads the DuckDB database that `make build` writes (the semantic schema ``idc_v<N>_semantic``
and the metrics tables behind the MetricFlow semantic models) and writes one self-contained
page, ``index.html``: no scripts, no fonts or styles from elsewhere, charts as inline SVG, so
it opens offline and prints.

Its figures come from three sources, kept apart and each named beside its figures:

* the curated clinical tables (``idc_v<N>_clinical``): tables, columns, rows, patients;
* IDC's series index (idc-index-data, or the index given by IDC_INDEX_PARQUET): which
  patients have images, and their series per modality;
* the DICOM files built into ``idc_v<N>`` (``make build``: the local fixture corpus
  ``data/dicom``, which is not a collection of the release; or an IDC export): segments,
  segmented structures and measurements, in their own section, per folder collection.

    python -m curation.warehouse.coverage_report --database build/idc.duckdb --idc-version 22 --out build/report
"""

from __future__ import annotations

import argparse
import html
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from curation.harmonization.report_section import harmonization_section

# Colour-blind-safe palette (Okabe-Ito).
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
GREY = "#999999"

TOP_STRUCTURES = 10


@dataclass
class ClinicalTable:
    name: str
    rows: int
    columns: int
    patients: int
    patients_with_images: int  # in the table's own collection
    imaged_elsewhere: int = 0  # of the others: with images in other collections of the index


@dataclass
class Collection:
    collection_id: str
    clinical_patients: int = 0
    imaged_patients: int = 0
    patients_with_both: int = 0
    tables: list[ClinicalTable] = field(default_factory=list)
    series_by_modality: list[tuple[str, str, int, int]] = field(default_factory=list)
    structures: list[tuple[str, str, int]] = field(default_factory=list)
    segments: int = 0
    segmentations: int = 0
    segmented_patients: int = 0
    measurements: list[tuple[str, str, int]] = field(default_factory=list)
    measurement_groups: int = 0
    measured_patients: int = 0

    @property
    def clinical_columns(self) -> int:
        return sum(t.columns for t in self.tables)

    @property
    def clinical_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def image_series(self) -> int:
        return sum(n for _, _, n, _ in self.series_by_modality)

    @property
    def n_measurements(self) -> int:
        return sum(n for _, _, n in self.measurements)

    @property
    def share_with_images(self) -> float | None:
        if not self.clinical_patients:
            return None
        return self.patients_with_both / self.clinical_patients


LOCAL_DICOM = ("local DICOM files that make build exports (curate dicom data/dicom: the repository's "
               "fixture corpus, not IDC's release data)")


@dataclass
class Release:
    idc_version: int
    release_date: str
    collections: list[Collection]
    index_label: str = "IDC's series index"  # e.g. "IDC v22 series index (idc-index-data 22.1.5)"
    dicom_source: str = LOCAL_DICOM

    @property
    def imaging(self) -> list[Collection]:
        """The collections with segments or measurements in the DICOM files built into idc_v<N>."""
        return [c for c in self.collections if c.segments or c.measurements]


# ---------------------------------------------------------------------------------------------
# Reading the database


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {r[0] for r in rows}


def _index_label() -> str:
    from curation.index_path import series_index

    index = series_index()
    return index.describe() if index is not None else "IDC's series index"


def load_release(database: Path, idc_version: int, dicom_source: str = LOCAL_DICOM) -> Release:
    """Everything the report shows, read from a built database (opened read-only)."""
    semantic = f"idc_v{idc_version}_semantic"
    staging = f"idc_v{idc_version}_clinical_staging"
    con = duckdb.connect(str(database), read_only=True)
    try:
        present = _tables(con, semantic)
        required = {"collection_linkage", "patient_linkage", "metrics_clinical_tables",
                    "metrics_patient_modalities", "metrics_modalities", "release_calendar"}
        missing = required - present
        if missing:
            raise SystemExit(
                f"{database}: schema {semantic} lacks {', '.join(sorted(missing))}; run `make build` first"
            )

        def rows(sql: str) -> list[tuple]:
            return con.execute(sql).fetchall()

        release_date = str(rows(f"select release_date from {semantic}.release_calendar")[0][0])
        collections: dict[str, Collection] = {}

        def get(cid: str) -> Collection:
            return collections.setdefault(cid, Collection(cid))

        for cid, clinical, imaged, both in rows(
            f"select collection_id, n_clinical_patients, n_imaged_patients, n_patients_with_both "
            f"from {semantic}.collection_linkage"
        ):
            c = get(cid)
            c.clinical_patients, c.imaged_patients, c.patients_with_both = clinical, imaged, both

        for cid, name, n_rows, n_columns, n_patients, with_images, elsewhere in rows(f"""
            select t.collection_id, t.table_name, t.n_rows, t.n_columns, t.n_patients,
                   count(distinct case when l.has_images then p.dicom_patient_id end),
                   count(distinct case when not coalesce(l.has_images, false) and exists (
                       select 1 from {staging}.stg_idc_index__patients as i
                       where i.patient_id = p.dicom_patient_id and i.collection_id <> p.collection_id
                   ) then p.dicom_patient_id end)
            from {semantic}.metrics_clinical_tables as t
            left join {staging}.stg_clinical__patients as p on p.table_name = t.table_name
            left join {semantic}.patient_linkage as l
                on l.collection_id = p.collection_id and l.dicom_patient_id = p.dicom_patient_id
            group by all
            order by t.collection_id, t.table_name
        """):
            get(cid).tables.append(ClinicalTable(name, n_rows, n_columns, n_patients, with_images, elsewhere))

        for cid, modality, name, n_series, n_patients in rows(f"""
            select p.collection_id, p.modality, coalesce(m.modality_name, p.modality),
                   sum(p.n_series), count(distinct p.dicom_patient_id)
            from {semantic}.metrics_patient_modalities as p
            left join {semantic}.metrics_modalities as m on m.modality = p.modality
            group by all
            order by 1, 4 desc, 2
        """):
            get(cid).series_by_modality.append((modality, name, int(n_series), n_patients))

        if "metrics_segments" in present:
            for cid, structure, category, n in rows(f"""
                select coalesce(collection_id, '(unknown collection)'),
                       coalesce(segmented_property_type, '(not coded)'),
                       coalesce(string_agg(distinct segmented_property_category, ', '), ''),
                       count(*)
                from {semantic}.metrics_segments
                group by all
                order by 1, 4 desc, 2
            """):
                get(cid).structures.append((structure, category, n))
            for cid, n_segments, n_segmentations, n_patients in rows(f"""
                select coalesce(collection_id, '(unknown collection)'), count(*),
                       count(distinct segmentation_instance_uid), count(distinct dicom_patient_id)
                from {semantic}.metrics_segments
                group by all
            """):
                c = get(cid)
                c.segments, c.segmentations, c.segmented_patients = n_segments, n_segmentations, n_patients

        if "metrics_measurements" in present:
            for cid, quantity, kind, n in rows(f"""
                select coalesce(collection_id, '(unknown collection)'),
                       coalesce(quantity, '(not coded)'), measurement_kind, count(*)
                from {semantic}.metrics_measurements
                group by all
                order by 1, 4 desc, 2
            """):
                get(cid).measurements.append((quantity, kind, n))
            for cid, groups, patients in rows(f"""
                select coalesce(collection_id, '(unknown collection)'),
                       count(distinct measurement_group_key), count(distinct dicom_patient_id)
                from {semantic}.metrics_measurements
                group by all
            """):
                c = get(cid)
                c.measurement_groups, c.measured_patients = groups, patients
    finally:
        con.close()
    return Release(idc_version, release_date, [collections[k] for k in sorted(collections)],
                   _index_label(), dicom_source)


# ---------------------------------------------------------------------------------------------
# Charts: inline SVG, sized in px, text in the page's font


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def _fits(width: int) -> int:
    """How many characters of 13 px text fit in a label column of this width."""
    return int((width - 12) / 7.4)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def bar_chart(title: str, bars: list[tuple[str, float, str]], *, label_width: int = 300,
              bar_width: int = 380, unit: str = "") -> str:
    """Horizontal bars: (label, value, colour). The value is printed after each bar."""
    if not bars:
        return ""
    row, top = 26, 8
    height = top + row * len(bars) + 4
    width = label_width + bar_width + 90
    peak = max(v for _, v, _ in bars) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
    ]
    for i, (label, value, colour) in enumerate(bars):
        y = top + i * row
        length = max(2.0, bar_width * value / peak) if value else 0
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" class="lbl">'
            f'<title>{_e(label)}</title>{_e(_clip(label, _fits(label_width)))}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{row - 9}" rx="2" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 14}" class="val">{_e(_fmt(value))}{_e(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def coverage_bars(collections: list[Collection]) -> str:
    """One stacked bar per collection: patients with both, clinical only, images only."""
    rows = [c for c in collections if c.clinical_patients or c.imaged_patients]
    if not rows:
        return ""
    label_width, bar_width, row, top = 260, 400, 30, 8
    height = top + row * len(rows) + 4
    width = label_width + bar_width + 60
    peak = max(c.clinical_patients + c.imaged_patients - c.patients_with_both for c in rows) or 1
    title = "Patients per collection: with clinical data and images, clinical data only, images only"
    parts = [
        f'<svg class="chart" role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
    ]
    for i, c in enumerate(rows):
        y = top + i * row
        segments = [
            (c.patients_with_both, GREEN, "clinical data and images"),
            (c.clinical_patients - c.patients_with_both, ORANGE, "clinical data only"),
            (c.imaged_patients - c.patients_with_both, BLUE, "images only"),
        ]
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" class="lbl">'
                     f'{_e(_clip(c.collection_id, _fits(label_width)))}</text>')
        x = float(label_width)
        for value, colour, what in segments:
            if value <= 0:
                continue
            w = max(2.0, bar_width * value / peak)
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 10}" fill="{colour}">'
                         f'<title>{_e(c.collection_id)}: {value:,} patients with {what}</title></rect>')
            x += w
        total = c.clinical_patients + c.imaged_patients - c.patients_with_both
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" class="val">{total:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The page

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #1f2328; background: #f6f8fa; }
header { background: #0b3d62; color: #fff; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header p { margin: 0; opacity: .85; }
nav { padding: 10px 32px; background: #fff; border-bottom: 1px solid #d0d7de; position: sticky; top: 0;
      display: flex; flex-wrap: wrap; gap: 4px 18px; }
nav a { color: #0b5cad; text-decoration: none; font-weight: 550; }
main { max-width: 1120px; margin: 0 auto; padding: 8px 32px 48px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 18px 24px 20px; margin: 22px 0; }
h2 { font-size: 20px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 20px 0 6px; color: #3d444d; text-transform: uppercase; letter-spacing: .04em; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 4px; }
.tile { flex: 1 1 130px; border: 1px solid #d8dee4; border-radius: 6px; padding: 8px 12px; background: #fbfcfd; }
.tile .n { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .k { font-size: 12.5px; color: #57606a; }
.tile .s, .src { font-size: 11.5px; color: #6e7781; }
.src { margin: -4px 0 8px; }
.sources { margin: 8px 0 0; padding-left: 20px; opacity: .9; }
.sources li { margin: 1px 0; }
th.group { text-align: center; border-bottom: 2px solid #d0d7de; color: #3d444d; }
table { border-collapse: collapse; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px 5px 0; text-align: left; border-bottom: 1px solid #eaeef2; }
th { font-size: 12.5px; color: #57606a; font-weight: 600; }
td.num, th.num { text-align: right; }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; }
.chart { display: block; margin: 6px 0 10px; max-width: 100%; height: auto; }
.chart .lbl { font-size: 13px; fill: #1f2328; }
.chart .val { font-size: 12.5px; fill: #57606a; }
.legend { font-size: 13px; color: #3d444d; margin: 0 0 6px 300px; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 6px 0 14px; vertical-align: -1px; }
.legend span:first-child { margin-left: 0; }
.none { color: #6e7781; font-style: italic; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 28px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
footer { color: #57606a; font-size: 13px; max-width: 1120px; margin: 0 auto; padding: 0 32px 32px; }
"""


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _tile(value: str, key: str, source: str) -> str:
    return (f'<div class="tile"><div class="n">{_e(value)}</div><div class="k">{_e(key)}</div>'
            f'<div class="s">{_e(source)}</div></div>')


def _anchor(cid: str) -> str:
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in cid)


def _overview(release: Release) -> str:
    clinical = f"idc_v{release.idc_version}_clinical"
    head = (f'<tr><th></th><th class=group colspan=3>clinical tables ({_e(clinical)})</th>'
            f'<th class=group colspan=4>images ({_e(release.index_label)})</th></tr>'
            "<tr><th>collection</th><th class=num>clinical tables</th><th class=num>columns</th>"
            "<th class=num>patients with clinical data</th><th class=num>patients with images</th>"
            "<th class=num>clinical patients with images</th>"
            "<th class=num>share of clinical patients with images</th><th class=num>image series</th></tr>")
    body = "".join(
        f'<tr><td><a href="#{_anchor(c.collection_id)}">{_e(c.collection_id)}</a></td>'
        f"<td class=num>{len(c.tables):,}</td><td class=num>{c.clinical_columns:,}</td>"
        f"<td class=num>{c.clinical_patients:,}</td><td class=num>{c.imaged_patients:,}</td>"
        f"<td class=num>{c.patients_with_both:,}</td>"
        f"<td class=num>{_pct(c.share_with_images)}</td><td class=num>{c.image_series:,}</td></tr>"
        for c in release.collections
    )
    return (
        '<section id="overview"><h2>All collections</h2>'
        f"<table>{head}{body}</table>"
        "<h3>Patients: clinical data and images</h3>"
        f'<p class="src">Clinical data: {_e(clinical)}; images: {_e(release.index_label)}.</p>'
        f"{coverage_bars(release.collections)}"
        f'<p class="legend" style="margin-left:260px"><span style="background:{GREEN}"></span>clinical data and images'
        f'<span style="background:{ORANGE}"></span>clinical data only'
        f'<span style="background:{BLUE}"></span>images only</p>'
        "</section>"
    )


def _collection(c: Collection, release: Release) -> str:
    clinical = f"idc_v{release.idc_version}_clinical"
    index = release.index_label
    tiles = "".join([
        _tile(f"{len(c.tables):,}", "clinical tables", clinical),
        _tile(f"{c.clinical_columns:,}", "clinical columns", clinical),
        _tile(f"{c.clinical_patients:,}", "patients with clinical data", clinical),
        _tile(f"{c.imaged_patients:,}", "patients with images", index),
        _tile(_pct(c.share_with_images), "of the clinical patients have images", f"{clinical} and {index}"),
        _tile(f"{c.image_series:,}", "image series", index),
    ])
    out = [f'<section id="{_anchor(c.collection_id)}"><h2>{_e(c.collection_id)}</h2>'
           f'<div class="tiles">{tiles}</div>']

    out.append("<h3>Clinical coverage</h3>")
    if c.tables:
        out.append(
            f"<p>{c.clinical_patients:,} patients have clinical data ({_e(clinical)}), "
            f"{c.imaged_patients:,} have images in {_e(index)}, {c.patients_with_both:,} have both; "
            f"{c.clinical_patients - c.patients_with_both:,} clinical patients have no images there and "
            f"{c.imaged_patients - c.patients_with_both:,} imaged patients have no clinical data.</p>"
        )
        rows = "".join(
            f"<tr><td><code>{_e(t.name)}</code></td><td class=num>{t.rows:,}</td>"
            f"<td class=num>{t.columns:,}</td><td class=num>{t.patients:,}</td>"
            f"<td class=num>{t.patients_with_images:,}</td>"
            f"<td class=num>{_pct(t.patients_with_images / t.patients if t.patients else None)}</td></tr>"
            for t in c.tables
        )
        out.append("<table><tr><th>table</th><th class=num>rows</th><th class=num>columns</th>"
                   f"<th class=num>patients</th><th class=num>of them with images in {_e(c.collection_id)}</th>"
                   "<th class=num>share with images</th></tr>"
                   f"{rows}</table>")
        for t in c.tables:
            if t.imaged_elsewhere:
                out.append(f'<p class="src"><code>{_e(t.name)}</code>: {t.imaged_elsewhere:,} of its patients '
                           f"without images in {_e(c.collection_id)} have images in other collections of "
                           f"{_e(index)} (a table of several collections' patients, such as an analysis "
                           "result); the figures above count images in this collection only.</p>")
        if len(c.tables) > 1:
            out.append(bar_chart(
                f"{c.collection_id}: patients per clinical table",
                [(t.name, t.patients, ORANGE) for t in c.tables],
            ))
    else:
        out.append(f'<p class="none">No clinical tables in {_e(clinical)}.</p>')

    out.append("<h3>Image series by modality</h3>")
    out.append(f'<p class="src">{_e(index)}</p>')
    if c.series_by_modality:
        out.append(bar_chart(
            f"{c.collection_id}: image series by modality",
            [(f"{m} ({name})" if name != m else m, n, BLUE) for m, name, n, _ in c.series_by_modality],
            label_width=230, bar_width=200,
        ))
    else:
        out.append(f'<p class="none">No series in {_e(index)}.</p>')
    out.append("</section>")
    return "".join(out)


def _local_dicom(release: Release) -> str:
    """Segments and measurements of the DICOM files built into idc_v<N>: their own section."""
    schema = f"idc_v{release.idc_version}"
    out = ['<section id="local-dicom"><h2>Segmentations and measurements</h2>',
           f'<p class="src">Source: {_e(release.dicom_source)}, built into <code>{_e(schema)}</code>. '
           "Collections are the files' own (their folder, or IDC's series index where it knows the series); "
           "these counts are not IDC's and are not "
           "comparable with the series counts above.</p>"]
    if not release.imaging:
        out.append('<p class="none">No segmentations or measurements.</p></section>')
        return "".join(out)
    rows = "".join(
        f"<tr><td>{_e(c.collection_id)}</td><td class=num>{c.segmentations:,}</td>"
        f"<td class=num>{c.segments:,}</td><td class=num>{c.segmented_patients:,}</td>"
        f"<td class=num>{c.measurement_groups:,}</td><td class=num>{c.n_measurements:,}</td>"
        f"<td class=num>{c.measured_patients:,}</td></tr>"
        for c in release.imaging
    )
    out.append("<table><tr><th>collection (folder)</th><th class=num>segmentations</th>"
               "<th class=num>segments</th><th class=num>segmented patients</th>"
               "<th class=num>measurement groups</th><th class=num>measurements</th>"
               f"<th class=num>measured patients</th></tr>{rows}</table>")
    for c in release.imaging:
        out.append(f"<h3>{_e(c.collection_id)}: most frequent segmented structures</h3>")
        if c.structures:
            out.append(f"<p>{c.segments:,} segments in {c.segmentations:,} segmentations of "
                       f"{c.segmented_patients:,} patients.</p>")
            out.append(bar_chart(
                f"{c.collection_id}: segments per segmented structure",
                [(s, n, GREEN) for s, _, n in c.structures[:TOP_STRUCTURES]],
                label_width=270, bar_width=160,
            ))
        else:
            out.append('<p class="none">No segmentations.</p>')
        out.append(f"<h3>{_e(c.collection_id)}: measurements</h3>")
        if c.measurements:
            quantitative = sum(n for _, k, n in c.measurements if k == "quantitative")
            qualitative = sum(n for _, k, n in c.measurements if k == "qualitative")
            out.append(f"<p>{c.n_measurements:,} measurements ({quantitative:,} quantitative, "
                       f"{qualitative:,} qualitative) in {c.measurement_groups:,} measurement groups "
                       f"of {c.measured_patients:,} patients.</p>")
            out.append(bar_chart(
                f"{c.collection_id}: measurements by quantity",
                [(q, n, SKY if k == "quantitative" else PURPLE) for q, k, n in c.measurements],
            ))
            out.append(f'<p class="legend"><span style="background:{SKY}"></span>quantitative '
                       f'<span style="background:{PURPLE}"></span>qualitative</p>')
        else:
            out.append('<p class="none">No measurements.</p>')
    out.append("</section>")
    return "".join(out)


def render(release: Release, extra_sections: str = "") -> str:
    shown = [c for c in release.collections if c.tables or c.image_series]
    nav = "".join(f'<a href="#{_anchor(c.collection_id)}">{_e(c.collection_id)}</a>' for c in shown)
    title = f"IDC v{release.idc_version} clinical and imaging coverage"
    v = release.idc_version
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1>"
        f"<p>Release idc_v{v} ({_e(release.release_date)}): {len(release.collections)} collections. "
        "Sources:</p><ul class=\"sources\">"
        f"<li>clinical tables, columns, rows and patients: <code>idc_v{v}_clinical</code>, curated from the "
        "recipes' source files;</li>"
        f"<li>patients with images and image series: {_e(release.index_label)};</li>"
        f"<li>segmentations and measurements (their own section): {_e(release.dicom_source)}.</li></ul>"
        "</header>"
        f'<nav><a href="#overview">Overview</a>{nav}<a href="#local-dicom">Segmentations and measurements</a>'
        "</nav><main>"
        f"{_overview(release)}"
        + "".join(_collection(c, release) for c in shown)
        + _local_dicom(release)
        + extra_sections
        + "</main><footer>Generated by <code>make report</code> (curation/warehouse/coverage_report.py) from "
        f"the semantic layer <code>idc_v{v}_semantic</code>. "
        f"Share with images: patients with clinical rows that also have at least one series in {_e(release.index_label)}."
        "</footer></body></html>\n"
    )


def write_report(database: Path, idc_version: int, out: Path, dicom_source: str = LOCAL_DICOM) -> Path:
    release = load_release(database, idc_version, dicom_source)
    out.mkdir(parents=True, exist_ok=True)
    page = out / "index.html"
    page.write_text(render(release, harmonization_section(database, idc_version)), encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, default=Path("build/idc.duckdb"))
    parser.add_argument("--idc-version", type=int, default=22)
    parser.add_argument("--out", type=Path, default=Path("build/report"))
    parser.add_argument("--dicom-source", default=LOCAL_DICOM,
                        help="where the DICOM metadata built into idc_v<N> came from (shown in the report)")
    args = parser.parse_args(argv)
    page = write_report(args.database, args.idc_version, args.out, args.dicom_source)
    print(f"report: {page}")


if __name__ == "__main__":
    main()
