"""Benchmark of the imaging views on DuckDB at IDC scale (issue 6, item 7). Not part of `make test`.

    .venv/bin/python scripts/bench_imaging.py [--scale 1.0] [--work build/bench_imaging] [--repeats 3]

1. Generates BigQuery-export-shaped Parquet with DuckDB: at scale 1, 100,000 Segmentation
   instances (10 segments each: 1,000,000 segments; every tenth a label map) and 50,000
   TID 1500 reports (20 measurement groups each, 10 NUM measurements and 2 CODE evaluations per
   group: 10,000,000 measurements, 2,000,000 evaluations). Columns and nested fields have the
   types `curate dicom` writes (its base schema: every field the views read, ContentSequence
   8 levels deep), plus the auxiliary tables. Written in chunks (files of SEG_CHUNK / SR_CHUNK
   instances, GENERATOR_THREADS at once, each file the same bytes whatever the scheduling)
   under DuckDB's memory_limit GENERATOR_MEMORY, so its memory does not grow with the scale.
2. Builds each published table (dicom_all, segmentations, measurement_groups,
   qualitative_measurements, quantitative_measurements) with `dbt run`, one process per table
   (its staging models are built in the same run), into a fresh DuckDB file, under the memory
   limit BUILD_MEMORY (a profile of the bench's own). The build time is dbt's execution time
   of every table of that run (staging tables included; creating a view only binds it).
3. The best alternative, in its own process with the same limit: a plain scan, into a table,
   of the same input columns, writing the same number of rows (BASELINES): dicom_all, every
   column of dicom_metadata beside every column of auxiliary_metadata (a positional join, no
   hash join) and the index columns it reads; each per-item table, the columns it reads with
   the nested list unnested down to the items that become its rows (the items themselves
   written, whole), kept by the simplest predicate that keeps the same rows.
4. Steps 2 and 3 run --repeats times per table, alternating (scan, build, scan, build, ...),
   so that both sides see the same load on a shared machine; each figure is the fastest of its
   runs (wall seconds, which other work only adds to), the ratio is of those two.
5. Prints per table: rows (ours and the scan's, which must agree), build time, scan time,
   their ratio, the spread of each side's runs (slowest / fastest) and the peak resident
   memory (VmHWM) of each process, with the load average then; and the generator's wall and
   CPU seconds and peak. The generator and each
   process must stay under 8 GB (MEMORY_BUDGET): the bench says so when one does not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa

from curation.dicom.manifest import (
    ANALYSIS_RESULTS_SCHEMA,
    AUXILIARY_SCHEMA,
    COLLECTIONS_SCHEMA,
)
from curation.dicom.metadata_export import export_table, write_parquet

REPO = Path(__file__).resolve().parents[1]

TABLES = ["dicom_all", "segmentations", "measurement_groups", "qualitative_measurements",
          "quantitative_measurements"]
SEG = "1.2.840.10008.5.1.4.1.1.66.4"
LABELMAP = "1.2.840.10008.5.1.4.1.1.66.7"
SR = "1.2.840.10008.5.1.4.1.1.88.34"


SEG_CHUNK = 20_000  # instances per generated file: bounds the generator's memory
SR_CHUNK = 1_000  # a chunk of 1,000 reports is ~250 MB in DuckDB's vectors; 2,500 pressed the limit
GENERATOR_MEMORY = "3GB"  # DuckDB's memory_limit while generating
GENERATOR_THREADS = 2  # chunks written at once (each COPY from range() runs on one thread)
BUILD_MEMORY = "6GB"  # DuckDB's memory_limit for each table build and each plain scan
MEMORY_BUDGET = 8 * 10**9  # the generator and every build / scan process must fit in it
_SEG = "('1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7')"
_REPORT = ('"PatientID", "SOPInstanceUID", "SeriesInstanceUID", "SeriesDescription", '
           '"SOPClassUID", "ContentTemplateSequence"')
# The measurement groups (items of the root's CONTAINERs) of every TID 1500 report
_GROUPS = (f"select {_REPORT}, unnest(flatten(list_transform(ContentSequence, lambda c: c.ContentSequence))) "
           "as g from dicom")
_GROUP_ITEMS = f"select {_REPORT}, unnest(g.ContentSequence) as item from ({_GROUPS})"
# The best alternative per table: a plain scan of the input columns the table's models read,
# writing as many rows as the table has (`dicom`: dicom_metadata's Parquet; `aux`: auxiliary).
BASELINES = {
    "dicom_all": [
        "select * from dicom positional join aux",
        "select count(distinct seriesinstanceuid), max(collection_id), max(source_doi), "
        "max(crdc_series_uuid), max(license_short_name) from index",
    ],
    "segmentations": [
        'select "PatientID", "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID", '
        '"FrameOfReferenceUID", "ReferencedSeriesSequence", "ReferencedImageSequence", '
        '"SourceImageSequence", unnest("SegmentSequence") as segment from dicom',
    ],
    "measurement_groups": [_GROUPS],
    "qualitative_measurements": [
        f"select * from ({_GROUP_ITEMS}) where item.ValueType = 'CODE' "
        "and item.ConceptNameCodeSequence[1].CodeValue not in ('121071', '363698007', 'G-C0E3')"],
    "quantitative_measurements": [f"select * from ({_GROUP_ITEMS}) where item.ValueType = 'NUM'"],
}

def chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(first, min(first + size, n)) for first in range(0, n, size)] or [(0, 0)]


def run_all(con: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
    """Run independent statements GENERATOR_THREADS at a time, each on its own cursor: a COPY
    from range() is one pipeline on one thread, so one at a time would leave a core idle. Each
    writes its own file in its own order: the output does not depend on the scheduling."""
    def run(sql: str) -> None:
        with con.cursor() as cursor:
            cursor.execute(sql)

    with ThreadPoolExecutor(GENERATOR_THREADS) as pool:
        list(pool.map(run, statements))


def code(value: str, scheme: str, meaning: str) -> str:
    return (f"{{'CodeValue': '{value}', 'CodingSchemeDesignator': '{scheme}', "
            f"'CodeMeaning': '{meaning}'}}")


def item(value_type: str, name: str, relationship: str = "CONTAINS", **fields: str) -> str:
    extra = "".join(f", '{k}': {v}" for k, v in fields.items())
    return (f"{{'RelationshipType': '{relationship}', 'ValueType': '{value_type}', "
            f"'ConceptNameCodeSequence': [{name}]{extra}}}")


def generate(work: Path, scale: float, con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    n_seg = int(100_000 * scale)
    n_sr = int(50_000 * scale)
    out = work / "parquet"
    shutil.rmtree(out, ignore_errors=True)
    (out / "dicom_metadata").mkdir(parents=True)
    # The column types `curate dicom` writes (its base schema), as DuckDB types.
    empty = work / "empty.parquet"
    write_parquet(export_table([]), empty)
    types = dict(con.execute(
        f"select column_name, column_type from (describe select * from read_parquet('{empty}'))"
    ).fetchall())

    def cast(expr: str, column: str) -> str:
        return f"cast({expr} as {types[column]}) as {column}"

    def columns(**values: str) -> str:
        """Every column of the schema, in order: the given values, NULL elsewhere."""
        return ",\n".join(cast(values.get(c, "null"), c) for c in types)

    segments = f"""list_transform(range(1, 11), lambda n: {{
        'SegmentNumber': n, 'SegmentLabel': 'segment ' || n,
        'SegmentAlgorithmType': 'AUTOMATIC', 'SegmentAlgorithmName': ['bench-algorithm'],
        'TrackingID': 'lesion ' || n, 'TrackingUID': '2.25.' || (i * 100 + n),
        'AnatomicRegionSequence': [{{'CodeValue': '41216001', 'CodingSchemeDesignator': 'SCT',
            'CodeMeaning': 'Prostate',
            'AnatomicRegionModifierSequence': [{code('7771000', 'SCT', 'Left')}]}}],
        'SegmentedPropertyCategoryCodeSequence': [{code('49755003', 'SCT', 'Morphologically Abnormal Structure')}],
        'SegmentedPropertyTypeCodeSequence': [{code('108369006', 'SCT', 'Neoplasm')}]
    }})"""
    run_all(con, [f"""
        copy (
            select {columns(
                SOPClassUID=f"case when i % 10 = 0 then '{LABELMAP}' else '{SEG}' end",
                SOPInstanceUID="'1.2.826.0.1.1.' || i",
                StudyInstanceUID="'1.2.826.0.1.2.' || (i // 2)",
                SeriesInstanceUID="'1.2.826.0.1.3.' || i",
                PatientID="'BENCH-' || (i // 4)",
                Modality="'SEG'",
                FrameOfReferenceUID="'1.2.826.0.1.4.' || (i // 2)",
                ReferencedSeriesSequence="[{'SeriesInstanceUID': '1.2.826.0.1.5.' || i, "
                                         "'ReferencedInstanceSequence': [{'ReferencedSOPClassUID': "
                                         "'1.2.840.10008.5.1.4.1.1.2', 'ReferencedSOPInstanceUID': "
                                         "'1.2.826.0.1.6.' || i}]}]",
                SegmentSequence=segments)}
            from range({first}, {last}) as t (i)
        ) to '{out}/dicom_metadata/segmentations-{part:03d}.parquet' (format parquet, compression zstd)
        """ for part, (first, last) in enumerate(chunks(n_seg, SEG_CHUNK))])
    measurement = item(
        "NUM", code("118565006", "SCT", "Volume"),
        MeasuredValueSequence="[{'MeasurementUnitsCodeSequence': [" + code("mm3", "UCUM", "cubic millimeter")
                              + "], 'NumericValue': [cast(round(g * 10.5 + m, 2) as varchar)]}]",
        ContentSequence="[" + item("CODE", code("121401", "DCM", "Derivation"), "HAS CONCEPT MOD",
                                   ConceptCodeSequence="[" + code("373098007", "SCT", "Mean") + "]") + "]")
    evaluation = item("CODE", code("121153", "DCM", "Lesion Risk"),
                      ConceptCodeSequence="[" + code("75540009", "SCT", "High") + "]")
    group_items = ", ".join([
        item("TEXT", code("112039", "DCM", "Tracking Identifier"), "HAS OBS CONTEXT",
             TextValue="'lesion ' || g"),
        item("UIDREF", code("112040", "DCM", "Tracking Unique Identifier"), "HAS OBS CONTEXT",
             UID="'2.25.' || (r * 100 + g)"),
        item("CODE", code("121071", "DCM", "Finding"),
             ConceptCodeSequence="[" + code("108369006", "SCT", "Neoplasm") + "]"),
        item("CODE", code("363698007", "SCT", "Finding Site"), "HAS CONCEPT MOD",
             ConceptCodeSequence="[" + code("41216001", "SCT", "Prostate") + "]",
             ContentSequence="[" + item("CODE", code("272741003", "SCT", "Laterality"), "HAS CONCEPT MOD",
                                        ConceptCodeSequence="[" + code("7771000", "SCT", "Left") + "]") + "]"),
        item("IMAGE", code("121191", "DCM", "Referenced Segment"),
             ReferencedSOPSequence="[{'ReferencedSOPClassUID': '" + SEG + "', "
                                   "'ReferencedSOPInstanceUID': '1.2.826.0.1.1.' || (r % " + str(max(n_seg, 1))
                                   + "), 'ReferencedSegmentNumber': [g % 10 + 1]}]"),
        item("UIDREF", code("121232", "DCM", "Source series for segmentation"), UID="'1.2.826.0.1.5.' || r"),
    ])
    groups = (f"list_transform(range(20), lambda g: {{'RelationshipType': 'CONTAINS', 'ValueType': 'CONTAINER', "
              f"'ConceptNameCodeSequence': [{code('125007', 'DCM', 'Measurement Group')}], "
              f"'ContinuityOfContent': 'SEPARATE', "
              f"'ContentSequence': list_concat([{group_items}], "
              f"list_transform(range(10), lambda m: {measurement}), "
              f"[{evaluation}, {evaluation}])}})")
    root = ("[" + item("CODE", code("121049", "DCM", "Language of Content Item and Descendants"),
                       "HAS CONCEPT MOD", ConceptCodeSequence="[" + code("eng", "RFC5646", "English") + "]")
            + ", " + item("CODE", code("121005", "DCM", "Observer Type"), "HAS OBS CONTEXT",
                          ConceptCodeSequence="[" + code("121007", "DCM", "Device") + "]")
            + ", {'RelationshipType': 'CONTAINS', 'ValueType': 'CONTAINER', 'ConceptNameCodeSequence': ["
            + code("126010", "DCM", "Imaging Measurements") + "], 'ContinuityOfContent': 'SEPARATE', "
            + "'ContentSequence': " + groups + "}]")
    run_all(con, [f"""
        copy (
            select {columns(
                SOPClassUID=f"'{SR}'",
                SOPInstanceUID="'1.2.826.0.2.1.' || r",
                StudyInstanceUID="'1.2.826.0.2.2.' || r",
                SeriesInstanceUID="'1.2.826.0.2.3.' || r",
                PatientID="'BENCH-' || (r // 2)",
                Modality="'SR'",
                SeriesDescription="'bench measurements'",
                ContentTemplateSequence="[{'MappingResource': 'DCMR', 'TemplateIdentifier': '1500'}]",
                ContentSequence=root)}
            from range({first}, {last}) as t (r)
        ) to '{out}/dicom_metadata/reports-{part:03d}.parquet' (format parquet, compression zstd,
                                                               row_group_size {SR_CHUNK})
        """ for part, (first, last) in enumerate(chunks(n_sr, SR_CHUNK))])
    (out / "auxiliary_metadata").mkdir(parents=True)
    duck = {"int64": "bigint", "timestamp[us]": "timestamp"}
    columns = ", ".join(
        f"'{f.name}' as {f.name}" if f.name == "collection_name"
        else f"cast(null as {duck.get(str(f.type), 'varchar')}) as {f.name}"
        for f in AUXILIARY_SCHEMA if f.name not in ("collection_id", "SOPInstanceUID", "instance_size"))
    con.execute(f"""
        copy (
            select 'bench' as collection_id, sopinstanceuid as "SOPInstanceUID",
                   1000 as instance_size, {columns}
            from read_parquet('{out}/dicom_metadata/*.parquet', union_by_name = true)
        ) to '{out}/auxiliary_metadata/part-0.parquet' (format parquet)
    """)
    write_parquet(pa.Table.from_pylist([{"collection_name": "bench", "collection_id": "bench"}],
                                       schema=COLLECTIONS_SCHEMA),
                  out / "original_collections_metadata" / "part-0.parquet")
    write_parquet(ANALYSIS_RESULTS_SCHEMA.empty_table(), out / "analysis_results_metadata" / "part-0.parquet")
    return {"segmentation instances": n_seg, "segments": n_seg * 10, "reports": n_sr,
            "measurement groups": n_sr * 20, "measurements": n_sr * 200, "evaluations": n_sr * 40}


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process (every thread) so far."""
    times = os.times()
    return times.user + times.system


def _peak_rss(pid: int) -> int:
    """VmHWM of a running process, in bytes (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((ln for ln in status.splitlines() if ln.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) * 1024


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a process; return its wall time, peak resident memory (bytes) and output.
    Peak memory is the process's own VmHWM, polled while it runs (ru_maxrss would include
    this script's memory, which a child inherits across fork)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _peak_rss(proc.pid))
            time.sleep(0.1)
        log.seek(0)
        output = log.read().decode(errors="replace")
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-4000:]}")
    return elapsed, peak, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100k SEG, 50k TID 1500 reports")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench_imaging")
    parser.add_argument("--keep-parquet", action="store_true", help="reuse Parquet from a previous run")
    parser.add_argument("--tables", nargs="+", choices=TABLES, default=TABLES, help="the tables to build")
    parser.add_argument("--generate-only", action="store_true", help="write the Parquet, build nothing")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of the scan and the build per table, alternating; the fastest of each")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    parquet = work / "parquet"

    if not (args.keep_parquet and (parquet / "dicom_metadata").is_dir()):
        start, cpu = time.perf_counter(), _cpu_seconds()
        with duckdb.connect(config={"memory_limit": GENERATOR_MEMORY,
                                    "preserve_insertion_order": False}) as generator:
            counts = generate(work, args.scale, generator)
        print(f"generated in {time.perf_counter() - start:.1f} s ({_cpu_seconds() - cpu:.1f} s CPU, "
              f"peak RSS {_peak_rss(os.getpid()) / 2**30:.2f} GiB, load average "
              f"{os.getloadavg()[0]:.1f}): " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    size = sum(p.stat().st_size for p in (parquet / "dicom_metadata").glob("*.parquet"))
    print(f"dicom_metadata Parquet: {size / 2**20:,.2f} MiB")
    if args.generate_only:
        return

    from idc_index_data import IDC_INDEX_PARQUET_FILEPATH

    python = Path(sys.executable)
    base_env = {**os.environ, "DBT_PROFILES_DIR": str(REPO), "DBT_TARGET": "duckdb",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "IDC_DICOM_PARQUET_DIR": str(parquet),
                "IDC_INDEX_PARQUET": str(IDC_INDEX_PARQUET_FILEPATH), "GX_ANALYTICS_ENABLED": "False"}

    # dbt's DuckDB in a memory limit, through a profile of the bench's own
    profiles = work / "profiles"
    profiles.mkdir(exist_ok=True)
    (profiles / "profiles.yml").write_text(
        "idc_clinical:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        "      path: \"{{ env_var('IDC_DUCKDB_PATH') }}\"\n      schema: main\n      threads: 1\n"
        f"      settings:\n        memory_limit: '{BUILD_MEMORY}'\n"
        "        preserve_insertion_order: false\n")
    base_env["DBT_PROFILES_DIR"] = str(profiles)

    print(f"\n{'table':<28}{'rows':>12}{'scan rows':>12}{'build s':>9}{'scan s':>8}{'x scan':>8}"
          f"{'peak GiB':>10}{'scan peak':>11}   (machine: {os.cpu_count()} cores; memory limit "
          f"{BUILD_MEMORY})", flush=True)
    over = []
    for table in args.tables:
        scans, builds = [], []
        for _ in range(max(args.repeats, 1)):
            scans.append(plain_scan(python, work, parquet, table, base_env))
            builds.append(build(python, work, table, base_env))
        scan_time, scan_rows, scan_peak = min(scans)
        seconds, n, peak = min(builds)
        peak, scan_peak = max(b[2] for b in builds), max(r[2] for r in scans)
        spread = (f"   (spread: build {max(builds)[0] / seconds:.2f}, scan {max(scans)[0] / scan_time:.2f}"
                  f" over {len(builds)} runs)" if len(builds) > 1 else "")
        print(f"{table:<28}{n:>12,}{scan_rows:>12,}{seconds:>9.2f}{scan_time:>8.2f}"
              f"{seconds / scan_time:>8.2f}{peak / 2**30:>10.2f}{scan_peak / 2**30:>11.2f}{spread}"
              f"   (load average {os.getloadavg()[0]:.1f})", flush=True)
        over += [f"{table} ({p / 2**30:.2f} GiB)" for p in (peak, scan_peak) if p > MEMORY_BUDGET]
    if over:
        print(f"over the {MEMORY_BUDGET / 10**9:.0f} GB budget: " + ", ".join(over))

def build(python: Path, work: Path, table: str, env: dict[str, str]) -> tuple[float, int, int]:
    """One table's `dbt run` (its staging models included) into a fresh DuckDB file; return
    dbt's execution time of its tables (views: catalog only), the table's rows and the
    process's peak memory."""
    database = work / f"{table}.duckdb"
    database.unlink(missing_ok=True)
    target = work / "target"  # one for all: dbt parses the project once
    env = {**env, "IDC_DUCKDB_PATH": str(database)}
    _, peak, _ = measure([str(python.with_name("dbt")), "run", "--select",
                          f"+path:models/imaging/{table}.sql", "--target-path", str(target),
                          "--log-path", str(work / "logs"), "--threads", "1"], env)
    run = json.loads((target / "run_results.json").read_text())
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    seconds = sum(r["execution_time"] for r in run["results"]
                  if nodes[r["unique_id"]]["config"]["materialized"] != "view")
    with duckdb.connect(str(database), read_only=True) as con:
        n = con.execute(f"select count(*) from idc_v22.{table}").fetchall()[0][0]
    database.unlink(missing_ok=True)
    return seconds, n, peak


def plain_scan(python: Path, work: Path, parquet: Path, table: str,
               env: dict[str, str]) -> tuple[float, int, int]:
    """The best alternative for one table (BASELINES), into tables of a fresh DuckDB file in its
    own process with the same memory limit; return its time, the rows of its first table and
    its peak memory."""
    database = work / f"scan_{table}.duckdb"
    database.unlink(missing_ok=True)
    sources = (f"create view dicom as select * from read_parquet('{parquet}/dicom_metadata/*.parquet', "
               f"union_by_name = true); create view aux as select * from read_parquet("
               f"'{parquet}/auxiliary_metadata/*.parquet'); create view index as select * from "
               f"read_parquet('{env['IDC_INDEX_PARQUET']}')")
    statements = "; ".join(f"create table scan_{i} as {sql}" for i, sql in enumerate(BASELINES[table]))
    code = ("import duckdb, time, sys; con = duckdb.connect(sys.argv[1], config={'memory_limit': "
            f"'{BUILD_MEMORY}', 'preserve_insertion_order': False}}); con.execute({sources!r}); "
            f"t = time.perf_counter(); con.execute({statements!r}); s = time.perf_counter() - t; "
            "print(s, con.execute('select count(*) from scan_0').fetchall()[0][0])")
    _, peak, out = measure([str(python), "-c", code, str(database)], env)
    database.unlink(missing_ok=True)
    seconds, rows = out.strip().splitlines()[-1].split()
    return float(seconds), int(rows), peak

if __name__ == "__main__":
    main()
