"""Speed and memory of the curator (``make bench``): for each figure, ours, the best
alternative measured in the same run, and the ratio, with the machine's cores.

* the big table: a generated 50,000 x 300 workbook (strings, integers, decimals, dates,
  booleans, columns with blanks) and the same data as CSV, each curated by the whole curate
  run (read, type, column metadata, quality gate, seed files written) against the fastest
  reader of the same file: fastexcel to Arrow (xlsx), pyarrow's CSV reader (CSV). CPU
  seconds, median of ``--repeats`` runs, each in a fresh process (peak memory is its own);
* the quality gate's share of the big table's run and of a run over 100 small tables, and
  the gate alone at 1,000 and 10,000 columns (linear in columns);
* peak memory of curating the workbook at 12,500 to 100,000 rows (linear in rows);
* the whole release from the repository's recipes and sources: ``make curate`` and then the
  rest of ``make build`` (DICOM fixture export + dbt build, without curating again), each
  timed with its peak memory (max RSS of the process tree), the release's size read from the
  built warehouse, and loading its seeds (``scripts/seed_load_bench.py``: dbt seed against
  DuckDB's own COPY of the same files with the same types).

Usage: ``python scripts/bench.py [--rows N] [--cols N] [--repeats N] [--openpyxl]
[--memory-rows 12500,...] [--skip-real] [--release-only]`` (``--release-only``: only the
whole release, about as long as ``make build``).
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
    """The whole curate run of one recipe, as ``pipeline.run`` does it (tables, column
    metadata, quality gate, rendering and writing the seeds), each phase timed in CPU."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    from curation import quality_gate as gate
    from curation.metadata import Release, column_metadata_rows
    from curation.pipeline import curate_tables, render_outputs
    from curation.seed_writer import write_atomically

    recipes = sorted((folder / "recipes").glob(f"{name}*.yaml"))
    marks = [_cpu_seconds()]
    built = curate_tables(recipes, folder / "sources")
    marks.append(_cpu_seconds())
    column_rows = {t.table_name: column_metadata_rows(t) for t, _ in built}
    marks.append(_cpu_seconds())
    gate.check({t.table_name: t.frame for t, _ in built}, column_rows)
    marks.append(_cpu_seconds())
    files = render_outputs(built, Release(22), column_rows)
    write_atomically(files, folder / "out" / name)
    marks.append(_cpu_seconds())
    phases = dict(zip(("import", "read_and_type", "metadata", "gate", "seeds"),
                      [b - a for a, b in zip([cpu, *marks], marks)]))
    reports = [t.report for t, _ in built]
    return {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu, "phases": phases,
            "tables": len(built), "rows": sum(r.rows_written for r in reports),
            "columns": sum(r.columns_written for r in reports),
            "seed_mb": sum(len(v) for k, v in files.items() if k.startswith("clinical/")) / 2**20,
            "balanced": all(r.balanced for r in reports), "peak_mb": _peak_mb()}


def child_fastexcel(path: Path) -> dict:
    """The best alternative for the xlsx: fastexcel (calamine, straight to Arrow)."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    import fastexcel

    table = fastexcel.read_excel(path).load_sheet(0).to_arrow()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu,
            "rows": table.num_rows, "peak_mb": _peak_mb()}


def child_pyarrow_csv(path: Path) -> dict:
    """The best alternative for the CSV: pyarrow's CSV reader (every column typed by it)."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    import pyarrow.csv

    table = pyarrow.csv.read_csv(path)
    return {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu,
            "rows": table.num_rows, "peak_mb": _peak_mb()}


def child_baseline(path: Path) -> dict:
    import pandas as pd

    cpu = _cpu_seconds()
    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    return {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu,
            "rows": len(frame), "peak_mb": _peak_mb()}


def child_gate(rows: int, cols: int) -> dict:
    """The quality gate alone on a table of ``cols`` typed columns (linear in columns?)."""
    import pandas as pd

    from curation import quality_gate as gate

    from curation.column_types import ColumnType as T
    from curation.dbt_contract import PATIENT_ID, SOURCE_BATCH
    from curation.metadata import INSPECTED_VALUES

    names = [f"c{j}" for j in range(cols)]
    kinds = list(T)
    texts = {T.INTEGER: "12", T.FLOAT: "1.5", T.STRING: "word", T.BOOLEAN: "true", T.DATE: "2020-01-31"}
    frame = pd.DataFrame({PATIENT_ID.name: pd.Series([f"P{i}" for i in range(rows)], dtype="str"),
                          SOURCE_BATCH.name: pd.Series(["0"] * rows, dtype="str"),
                          **{n: pd.Series([texts[kinds[j % 5]]] * rows, dtype="str") for j, n in enumerate(names)}})
    columns = [{"column": c, "data_type": t, "values": "[]", "values_source": INSPECTED_VALUES}
               for c, t in [(PATIENT_ID.name, PATIENT_ID.sql_type), (SOURCE_BATCH.name, SOURCE_BATCH.sql_type),
                            *((n, kinds[j % 5]) for j, n in enumerate(names))]]
    cpu = _cpu_seconds()
    gate.check({"t": frame}, {"t": columns})
    return {"cpu_seconds": _cpu_seconds() - cpu}


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
    # every child, ours and the alternatives', with the allocator setting ``curation`` makes for
    # its own process (curation/__init__.py: Arrow's allocator without transparent huge pages)
    env = {**os.environ, "MIMALLOC_ALLOW_THP": os.environ.get("MIMALLOC_ALLOW_THP", "0")}
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env)
    if out.returncode:
        sys.exit(f"bench child {' '.join(args)} failed:\n{(out.stdout + out.stderr)[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--cols", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (the median is printed)")
    parser.add_argument("--openpyxl", action="store_true", help="also time pandas read_excel with openpyxl (slow)")
    parser.add_argument("--memory-rows", type=lambda v: [int(x) for x in v.split(",")],
                        default=[12_500, 25_000, 50_000, 100_000], help="row counts of the memory figure")
    parser.add_argument("--skip-real", action="store_true", help="skip the whole-release figures")
    parser.add_argument("--release-only", action="store_true", help="only the whole-release figures")
    parser.add_argument("--idc-version", type=int, default=22, help="the release of the whole-release figures")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "measure":
            result = child_measure(json.loads(rest[0]))  # one JSON argument: a command has options
        elif kind == "curate":
            result = child_curate(Path(rest[0]), rest[1])
        elif kind == "gate":
            result = child_gate(int(rest[0]), int(rest[1]))
        else:
            result = {"fastexcel": child_fastexcel, "pyarrow_csv": child_pyarrow_csv,
                      "baseline": child_baseline}[kind](Path(rest[0]))
        print(json.dumps(result))
        return

    # the synthetic workbooks are genuine: past the hostile-input limits (a 50,000 x 300 sheet's
    # XML inflates to ~460 MiB; 100,000 rows are 30 M cells), which the curate children inherit
    os.environ.setdefault("CURATE_MAX_MEMBER_MB", "4096")
    os.environ.setdefault("CURATE_MAX_SHEET_CELLS", str(200_000_000))
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} (figures are CPU seconds: steadier "
          f"than wall time when other work shares the cores)", flush=True)
    if not args.release_only:
        bench_synthetic(args)
        bench_small_tables(args)
        bench_memory(args)
    if not args.skip_real:
        bench_release(args.idc_version)
        bench_seed_load()


def _median_run(repeats: int, *args: str) -> dict:
    """The run with the median CPU time of ``repeats`` runs, each in a fresh process."""
    runs = sorted((_run_child(*args) for _ in range(repeats)), key=lambda r: r["cpu_seconds"])
    return runs[len(runs) // 2]


def _write_sources(folder: Path, rows: int, cols: int) -> tuple[Path, Path]:
    (folder / "sources" / "bench").mkdir(parents=True, exist_ok=True)
    (folder / "recipes").mkdir(exist_ok=True)
    columns = _columns(rows, cols)
    xlsx, csv = folder / "sources" / "bench" / "bench.xlsx", folder / "sources" / "bench" / "bench.csv"
    write_xlsx(xlsx, columns)
    write_csv(csv, columns)
    for name, file in (("xlsx", xlsx), ("csv", csv)):
        (folder / "recipes" / f"{name}.yaml").write_text(
            f"collection_id: bench\ntables:\n  - batches:\n      - {{files: [{file.name}], patient_column: pid}}\n")
    return xlsx, csv


def _phases(r: dict) -> str:
    p = r["phases"]
    return (f"import {p['import']:.1f}, read+type {p['read_and_type']:.1f}, metadata {p['metadata']:.1f}, "
            f"gate {p['gate']:.2f} ({p['gate'] / r['cpu_seconds']:.0%}), seeds {p['seeds']:.1f}")


def bench_synthetic(args: argparse.Namespace) -> None:
    """The big table: curate (gate and files included) against the fastest readers of the file."""
    print(f"synthetic: {args.rows} rows x {args.cols} columns; CPU seconds, median of {args.repeats} "
          f"runs, each in a fresh process (imports included on both sides)", flush=True)
    with tempfile.TemporaryDirectory(prefix="curation-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        xlsx, csv = _write_sources(folder, args.rows, args.cols)
        print(f"generated in {time.perf_counter() - started:.1f} s: xlsx {xlsx.stat().st_size / 2**20:.0f} MB, "
              f"csv {csv.stat().st_size / 2**20:.0f} MB", flush=True)
        for name, file, alternative, label, target in (
                ("xlsx", xlsx, "fastexcel", "fastexcel read_excel().load_sheet(0).to_arrow()", 1.5),
                ("csv", csv, "pyarrow_csv", "pyarrow.csv.read_csv", 3.0)):
            ours = _median_run(args.repeats, "curate", str(folder), name)
            best = _median_run(args.repeats, alternative, str(file))
            print(f"curate {name:4}: ours {ours['cpu_seconds']:.1f} s cpu ({ours['seconds']:.1f} s wall; "
                  f"{_phases(ours)}), peak {ours['peak_mb']:,.0f} MB, balanced={ours['balanced']}", flush=True)
            print(f"  best alternative {label}: {best['cpu_seconds']:.1f} s cpu ({best['seconds']:.1f} s wall), "
                  f"peak {best['peak_mb']:,.0f} MB; ratio ours/best {ours['cpu_seconds'] / best['cpu_seconds']:.2f} "
                  f"(target <= {target})", flush=True)
        if args.openpyxl:
            b = _run_child("baseline", str(xlsx))
            print(f"pandas read_excel(engine='openpyxl'): {b['cpu_seconds']:.1f} s cpu, peak {b['peak_mb']:,.0f} MB",
                  flush=True)


def bench_memory(args: argparse.Namespace) -> None:
    """Peak memory of curating the xlsx at several row counts: linear in rows?"""
    print(f"memory, curate xlsx x {args.cols} columns (peak RSS; growth per cell over the smallest run; "
          f"best alternative: fastexcel's read of the same workbook; target under 1 GB at 50,000 rows):",
          flush=True)
    first = None
    for rows in args.memory_rows:
        with tempfile.TemporaryDirectory(prefix="curation-bench-") as tmp:
            xlsx, _ = _write_sources(Path(tmp), rows, args.cols)
            r = _run_child("curate", tmp, "xlsx")
            best = _run_child("fastexcel", str(xlsx))
        growth = "" if first is None else (
            f", {(r['peak_mb'] - first[1]) * 2**20 / ((rows - first[0]) * args.cols):.0f} bytes/cell more")
        first = first or (rows, r["peak_mb"])
        print(f"  {rows:>7,} rows: ours peak {r['peak_mb']:,.0f} MB{growth}, {r['cpu_seconds']:.1f} s cpu; "
              f"best fastexcel {best['peak_mb']:,.0f} MB; ratio ours/best {r['peak_mb'] / best['peak_mb']:.2f}",
              flush=True)


def bench_small_tables(args: argparse.Namespace) -> None:
    """100 small tables (one recipe each): the gate's share of the run, and its cost per column."""
    with tempfile.TemporaryDirectory(prefix="curation-bench-") as tmp:
        folder = Path(tmp)
        (folder / "recipes").mkdir()
        for t in range(100):
            (folder / "sources" / f"c{t}").mkdir(parents=True)
            columns = _columns(200, 12, seed=t)
            write_csv(folder / "sources" / f"c{t}" / "small.csv", columns)
            (folder / "recipes" / f"small_{t:03d}.yaml").write_text(
                f"collection_id: c{t}\ntables:\n  - batches:\n      - {{files: [small.csv], patient_column: pid}}\n")
        r = _median_run(args.repeats, "curate", str(folder), "small")
        print(f"100 small tables (200 x 12): curate {r['cpu_seconds']:.1f} s cpu ({_phases(r)}); "
              f"gate share {r['phases']['gate'] / r['cpu_seconds']:.1%} (target <= 10%)", flush=True)
    for cols in (1_000, 10_000):
        g = _run_child("gate", "1000", str(cols))
        print(f"quality gate alone, 1,000 rows x {cols:,} columns: {g['cpu_seconds']:.2f} s cpu "
              f"({g['cpu_seconds'] / cols * 1e3:.2f} ms per column)", flush=True)


def bench_seed_load() -> None:
    """Loading the curated release seeds: ours (dbt seed) against DuckDB's own COPY."""
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "seed_load_bench.py")], cwd=REPO,
                         capture_output=True, text=True)
    for line in (out.stdout + (out.stderr if out.returncode else "")).strip().splitlines()[-4:]:
        print(f"seed load: {line}", flush=True)


if __name__ == "__main__":
    main()
