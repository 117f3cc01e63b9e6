"""Speed and memory of the curator (``make bench``).

Generates a workbook of 50,000 rows x 300 columns (strings, integers, decimals, dates,
booleans, columns with blanks) and the same data as CSV, then measures, each in a fresh
subprocess so that peak memory (max RSS) belongs to that step alone:

* curating the xlsx, and the CSV (reading, typing, and rendering the seed CSV);
* pandas ``read_excel(engine="openpyxl")`` of the same xlsx: the baseline, and the ratio;
* the whole release from the repository's recipes and sources: ``make curate`` and then the
  rest of ``make build`` (DICOM fixture export + dbt build, without curating again), each
  timed with its peak memory (max RSS of the process tree), then the release's size read
  from the built warehouse: collections, tables, rows and cells of ``idc_v<N>_clinical``.

Usage: ``python scripts/bench.py [--rows N] [--cols N] [--skip-baseline] [--skip-real]
[--release-only]`` (``--release-only``: only the whole release, about as long as ``make build``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
KINDS = ("int", "float", "word", "date", "bool", "sparse")
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
EXCEL_EPOCH = np.datetime64("1899-12-30")


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _columns(rows: int, cols: int, seed: int = 7) -> list[tuple[str, str, np.ndarray]]:
    """(header, kind, values) per column; values are numpy arrays (NaN = blank for 'sparse')."""
    rng = np.random.default_rng(seed)
    out = [("pid", "pid", np.array([f"BENCH-{i:06d}" for i in range(rows)], dtype=object))]
    for j in range(1, cols):
        kind = KINDS[j % len(KINDS)]
        if kind == "int":
            values = rng.integers(0, 100_000, rows)
        elif kind == "float":
            values = np.round(rng.normal(50, 20, rows), 3)
        elif kind == "word":
            values = rng.integers(0, len(WORDS), rows)
        elif kind == "date":
            values = rng.integers(0, 20_000, rows) + 25_000  # Excel serials, 1968..2023
        elif kind == "bool":
            values = rng.integers(0, 2, rows)
        else:
            values = np.round(rng.normal(0, 1, rows), 4)
            values[rng.random(rows) < 0.2] = np.nan
        out.append((f"{kind} {j}", kind, values))
    return out


def _cell_xml(kind: str, values: np.ndarray, letter: str, word_ids: dict[str, int]) -> list[str]:
    """The <c> element of every row of one column (row numbers from 2)."""
    rows = range(2, len(values) + 2)
    if kind == "pid":
        return [f'<c r="{letter}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for r, v in zip(rows, values)]
    if kind == "word":
        ids = [word_ids[w] for w in WORDS]
        return [f'<c r="{letter}{r}" t="s"><v>{ids[v]}</v></c>' for r, v in zip(rows, values.tolist())]
    if kind == "bool":
        return [f'<c r="{letter}{r}" t="b"><v>{v}</v></c>' for r, v in zip(rows, values.tolist())]
    if kind == "date":
        return [f'<c r="{letter}{r}" s="1"><v>{v}</v></c>' for r, v in zip(rows, values.tolist())]
    if kind == "sparse":
        return ["" if v != v else f'<c r="{letter}{r}"><v>{v!r}</v></c>' for r, v in zip(rows, values.tolist())]
    return [f'<c r="{letter}{r}"><v>{v!r}</v></c>' for r, v in zip(rows, values.tolist())]


def write_xlsx(path: Path, columns) -> None:
    """A minimal valid xlsx written directly (openpyxl would take minutes for 15M cells)."""
    strings = [h for h, _, _ in columns] + WORDS
    ids = {s: i for i, s in enumerate(strings)}
    letters = [_letters(j) for j in range(len(columns))]
    cells = [_cell_xml(kind, values, letters[j], ids) for j, (_, kind, values) in enumerate(columns)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>'))
        book.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        book.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        book.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '</Relationships>'))
        book.writestr("xl/styles.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '</styleSheet>'))
        book.writestr("xl/sharedStrings.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"))
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                         '<row r="1">' + "".join(f'<c r="{letters[j]}1" t="s"><v>{j}</v></c>'
                                                 for j in range(len(columns))) + "</row>").encode())
            n = len(columns[0][2])
            for start in range(0, n, 2000):
                block = []
                for i in range(start, min(n, start + 2000)):
                    block.append(f'<row r="{i + 2}">' + "".join(c[i] for c in cells) + "</row>")
                sheet.write("".join(block).encode())
            sheet.write(b"</sheetData></worksheet>")


def write_csv(path: Path, columns) -> None:
    texts = []
    for _, kind, values in columns:
        if kind == "pid":
            texts.append(values.tolist())
        elif kind == "word":
            texts.append([WORDS[v] for v in values.tolist()])
        elif kind == "bool":
            texts.append(["TRUE" if v else "FALSE" for v in values.tolist()])
        elif kind == "date":
            texts.append((EXCEL_EPOCH + values.astype("timedelta64[D]")).astype(str).tolist())
        elif kind == "sparse":
            texts.append(["" if v != v else repr(v) for v in values.tolist()])
        else:
            texts.append([repr(v) for v in values.tolist()])
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(h for h, _, _ in columns) + "\n")
        for start in range(0, len(texts[0]), 5000):
            rows = zip(*(t[start:start + 5000] for t in texts))
            handle.write("".join(",".join(r) + "\n" for r in rows))


# children: each measures one thing in its own process -------------------------------------

def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, it is not inherited
    from the parent that forked this child)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover - not Linux


def _cpu_seconds() -> float:
    """CPU time of this process: steadier than wall time when other work shares the cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_curate(folder: Path, name: str) -> dict:
    from curation.recipe import load_recipes
    from curation.seed_writer import render_csv
    from curation.table_builder import build_table

    cpu = _cpu_seconds()
    started = time.perf_counter()
    (loaded,) = load_recipes([folder / "recipes" / f"{name}.yaml"], folder / "sources")
    table = build_table(loaded, loaded.recipe.tables[0])
    built = time.perf_counter()
    data = render_csv(table.frame)
    done = time.perf_counter()
    return {"seconds": done - started, "cpu_seconds": _cpu_seconds() - cpu, "read_and_type_seconds": built - started,
            "render_seconds": done - built, "rows": table.report.rows_written,
            "columns": table.report.columns_written, "seed_mb": len(data) / 2**20,
            "balanced": table.report.balanced, "peak_mb": _peak_mb()}


def child_baseline(path: Path) -> dict:
    import pandas as pd

    cpu = _cpu_seconds()
    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    return {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu,
            "rows": len(frame), "peak_mb": _peak_mb()}


def child_measure(command: list[str]) -> dict:
    """Run ``command`` in the repository: wall and CPU seconds, exit code, and the peak memory
    of its process tree (RUSAGE_CHILDREN: the largest of the processes waited for)."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": time.perf_counter() - started, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "returncode": result.returncode,
            "tail": (result.stdout + result.stderr)[-2000:]}


def release_size(database: Path, idc_version: int) -> dict:
    """Collections, tables, rows and cells of the clinical tables of a built warehouse."""
    import duckdb

    schema = f"idc_v{idc_version}_clinical"
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(f"select table_name, collection_id from {schema}.table_metadata").fetchall()
        widths = dict(con.execute(
            "select table_name, count(*) from information_schema.columns where table_schema = ? "
            "group by table_name", [schema]).fetchall())
        rows = {t: con.execute(f'select count(*) from {schema}."{t}"').fetchone()[0] for t, _ in tables}
    return {"collections": len({c for _, c in tables}), "tables": len(rows),
            "rows": sum(rows.values()), "cells": sum(n * widths[t] for t, n in rows.items())}


def bench_release(idc_version: int) -> None:
    """The whole release: curate, then build without curating again; sizes from the warehouse."""
    database = Path(os.environ.get("IDC_DUCKDB_PATH", REPO / "build" / "idc.duckdb"))
    version = f"IDC_VERSION={idc_version}"
    curate = _run_child("measure", json.dumps(["make", "-s", version, "BUILD_ARGS=--force", "curate"]))
    if curate["returncode"]:
        sys.exit(f"make curate failed:\n{curate['tail']}")
    started = time.time()
    build = _run_child("measure", json.dumps(["make", "-s", version, "-o", "curate", "BUILD_ARGS=--force", "build"]))
    run_results = REPO / "target" / "run_results.json"
    built = run_results.exists() and run_results.stat().st_mtime >= started and database.exists()
    if not built:
        sys.exit(f"make build failed:\n{build['tail']}")
    if build["returncode"]:  # dbt ran to the end but data tests failed: the tables are built
        print(f"release build: make build exited {build['returncode']} (failing data tests: see "
              f"`make build`); figures from the warehouse it built", flush=True)
    dbt_seconds = json.loads(run_results.read_text())["elapsed_time"]
    size = release_size(database, idc_version)
    print(f"release v{idc_version}: {size['collections']} collections, {size['tables']} tables, "
          f"{size['rows']:,} rows, {size['cells']:,} cells (idc_v{idc_version}_clinical; cells: rows x columns)", flush=True)
    print(f"release curate: {curate['seconds']:.1f} s (cpu {curate['cpu_seconds']:.1f} s), "
          f"peak {curate['peak_mb']:,.0f} MB; {size['cells'] / curate['seconds']:,.0f} cells/s", flush=True)
    print(f"release build: {build['seconds']:.1f} s (cpu {build['cpu_seconds']:.1f} s; dbt build "
          f"{dbt_seconds:.1f} s, the rest DICOM fixture export and start-up), peak {build['peak_mb']:,.0f} MB "
          f"(dbt and DuckDB)", flush=True)
    nodes = len(json.loads(run_results.read_text())["results"])
    again = _run_child("measure", json.dumps(["make", "-s", version, "build"]))  # nothing changed
    print(f"release build again, nothing changed: {again['seconds']:.1f} s (first {build['seconds']:.1f} s, "
          f"{nodes} dbt nodes; every step skipped); first / again {build['seconds'] / again['seconds']:.1f}x "
          f"(at least 3x wanted)", flush=True)


def _run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--cols", type=int, default=300)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-real", action="store_true", help="skip the whole-release figures")
    parser.add_argument("--release-only", action="store_true", help="only the whole-release figures")
    parser.add_argument("--idc-version", type=int, default=22, help="the release of the whole-release figures")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "measure":
            result = child_measure(json.loads(rest[0]))  # one JSON argument: a command has options
        else:
            result = child_curate(Path(rest[0]), rest[1]) if kind == "curate" else child_baseline(Path(rest[0]))
        print(json.dumps(result))
        return

    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}", flush=True)
    if not args.release_only:
        bench_synthetic(args)
    if not args.skip_real:
        bench_release(args.idc_version)


def bench_synthetic(args: argparse.Namespace) -> None:
    print(f"synthetic: {args.rows} rows x {args.cols} columns", flush=True)
    with tempfile.TemporaryDirectory(prefix="curation-bench-") as tmp:
        folder = Path(tmp)
        (folder / "sources" / "bench").mkdir(parents=True)
        (folder / "recipes").mkdir()
        started = time.perf_counter()
        columns = _columns(args.rows, args.cols)
        xlsx, csv = folder / "sources" / "bench" / "bench.xlsx", folder / "sources" / "bench" / "bench.csv"
        write_xlsx(xlsx, columns)
        write_csv(csv, columns)
        del columns
        print(f"generated in {time.perf_counter() - started:.1f} s: xlsx {xlsx.stat().st_size / 2**20:.0f} MB, "
              f"csv {csv.stat().st_size / 2**20:.0f} MB", flush=True)
        for name, file in (("xlsx", xlsx), ("csv", csv)):
            (folder / "recipes" / f"{name}.yaml").write_text(
                f"collection_id: bench\ntables:\n  - batches:\n      - {{files: [{file.name}], patient_column: pid}}\n")
        results = {}
        for name in ("xlsx", "csv"):
            r = _run_child("curate", str(folder), name)
            results[name] = r
            print(f"curate {name:4}: {r['seconds']:6.1f} s (cpu {r['cpu_seconds']:.1f} s; "
                  f"{r['read_and_type_seconds']:.1f} read+type, "
                  f"{r['render_seconds']:.1f} seed CSV), {r['rows'] / r['seconds']:,.0f} rows/s, "
                  f"{r['rows'] * args.cols / r['seconds']:,.0f} cells/s, peak {r['peak_mb']:,.0f} MB, "
                  f"balanced={r['balanced']}", flush=True)
        if not args.skip_baseline:
            b = _run_child("baseline", str(xlsx))
            ratio = b["seconds"] / results["xlsx"]["seconds"]
            cpu_ratio = b["cpu_seconds"] / results["xlsx"]["cpu_seconds"]
            print(f"baseline pandas read_excel(engine='openpyxl'): {b['seconds']:.1f} s (cpu {b['cpu_seconds']:.1f} s), "
                  f"peak {b['peak_mb']:,.0f} MB; curating the xlsx is {ratio:.1f}x faster "
                  f"({cpu_ratio:.1f}x in cpu time; read and type only: "
                  f"{b['seconds'] / results['xlsx']['read_and_type_seconds']:.1f}x)", flush=True)


if __name__ == "__main__":
    main()
