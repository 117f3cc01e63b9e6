"""The "Harmonized variables" section of the coverage report (curation/warehouse/coverage_report.py).

A matrix variable x collection from ``idc_v<N>_harmonized.harmonized_coverage``: per cell the
patients with a harmonized value (of the collection's clinical patients) and, when some source
values are left unmapped, how many; then the list of unmapped values with their reasons (from
``harmonized_unmapped_values``). Empty when the database has no harmonized schema.
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb

VARIABLE_ORDER = ["sex", "race", "ethnicity", "vital_status", "age_at_index", "tumor_tissue_morphology",
                  "ajcc_pathologic_stage", "ajcc_clinical_stage", "ajcc_staging_edition"]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _order(variable: str) -> tuple[int, str]:
    return (VARIABLE_ORDER.index(variable) if variable in VARIABLE_ORDER else len(VARIABLE_ORDER), variable)


def harmonization_section(database: Path, idc_version: int) -> str:
    schema = f"idc_v{idc_version}_harmonized"
    con = duckdb.connect(str(database), read_only=True)
    try:
        present = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]).fetchall()}
        if not {"harmonized_coverage", "harmonized_unmapped_values"} <= present:
            return ""
        coverage = con.execute(
            f"select variable, collection_id, clinical_patients, patients_mapped, values_unmapped, rows_unmapped "
            f"from {schema}.harmonized_coverage").fetchall()
        unmapped = con.execute(
            f"select collection_id, variable, table_name, column_name, source_value, n_rows, reason "
            f"from {schema}.harmonized_unmapped_values order by 1, 2, 3, 4, 5").fetchall()
    finally:
        con.close()
    return render_section(coverage, unmapped, idc_version)


def render_section(coverage: list[tuple], unmapped: list[tuple], idc_version: int) -> str:
    variables = sorted({row[0] for row in coverage}, key=_order)
    collections = sorted({row[1] for row in coverage})
    cells = {(row[0], row[1]): row for row in coverage}
    out = ['<section id="harmonized"><h2>Harmonized variables</h2>',
           f"<p>Patients with a harmonized value per variable and collection "
           f"(<code>idc_v{idc_version}_harmonized.harmonized_coverage</code>; mappings in "
           "<code>harmonization/&lt;collection_id&gt;.yml</code>). A blank cell: no mapping. "
           "Values no rule maps are counted, and listed below; they are never guessed.</p>"]
    if not coverage:
        out.append('<p class="none">No mapping covers a collection of this release.</p></section>')
        return "".join(out)
    head = "".join(f"<th class=num>{_e(v)}</th>" for v in variables)
    out.append(f"<table><tr><th>collection</th>{head}</tr>")
    for collection in collections:
        tds = []
        for variable in variables:
            row = cells.get((variable, collection))
            if row is None:
                tds.append("<td></td>")
                continue
            _, _, patients, mapped, values_unmapped, rows_unmapped = row
            note = f" <small>({values_unmapped} unmapped)</small>" if values_unmapped else ""
            tds.append(f'<td class=num title="{mapped:,} of {patients:,} clinical patients">{mapped:,}{note}</td>')
        out.append(f"<tr><td><code>{_e(collection)}</code></td>{''.join(tds)}</tr>")
    out.append("</table>")
    out.append("<h3>Unmapped source values</h3>")
    if unmapped:
        rows = "".join(
            f"<tr><td><code>{_e(c)}</code></td><td>{_e(v)}</td><td><code>{_e(t)}.{_e(col)}</code></td>"
            f"<td><code>{_e(value)}</code></td><td class=num>{n:,}</td>"
            f"<td>{_e(reason) if reason else '<em>not mentioned by the mapping</em>'}</td></tr>"
            for c, v, t, col, value, n, reason in unmapped)
        out.append("<table><tr><th>collection</th><th>variable</th><th>column</th><th>value</th>"
                   f"<th class=num>rows</th><th>why</th></tr>{rows}</table>")
    else:
        out.append('<p class="none">Every source value of the mapped columns is mapped.</p>')
    out.append("</section>")
    return "".join(out)
