"""Loading the curated seeds: ``dbt seed`` against DuckDB's own COPY of the same files.

    python scripts/seed_load_bench.py [--threads 1] [--repeats 1]

Both load every seed under seeds/curated/ into DuckDB with the types its seed properties
declare: (a) a plain DuckDB ``CREATE TABLE`` with those types + ``COPY ... FROM`` each file,
in one process, into a fresh database; (b) ``dbt seed --full-refresh`` (the project's seed
materialization, macros/seed_declared_types.sql) with the flags and environment ``make build``
gives dbt (curation.publish.build: dbt_command, dbt_env), timed by dbt per seed node. Prints the
seconds and the CPU seconds (the process's, DuckDB's threads included, from each node's start
to its end) of each and their ratio (b/a) over the clinical seeds, loading into an empty
database and then again over the loaded tables (each side in its own temporary database). Both
read the same files with the same types, DuckDB with its default threads in each; dbt runs one
node at a time (--threads 1) unless told otherwise. dbt also writes the seeds' comments
(persist_docs), which plain COPY does not: the first line also gives (c) COPY plus the same
COMMENT statements, sent in one call and one transaction per table, the least a load with
comments costs. ``--repeats N`` runs each side N times, alternating, and prints the fastest
of each (other jobs on a shared machine only add time) with the spread (slowest / fastest).
Run ``curate`` first; uses the DuckDB target's environment (DBT_PROFILES_DIR etc., as the Makefile).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

from curation.publish.build import dbt_command, dbt_env

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds" / "curated"


def declared_seeds() -> dict[str, tuple[Path, dict[str, str]]]:
    """Seed name -> (CSV file, column -> declared DuckDB type), from the seed properties."""
    seeds = {}
    for properties in sorted(SEEDS.rglob("_*__seeds.yml")):
        for seed in yaml.safe_load(properties.read_text())["seeds"]:
            types = {c: t for c, t in seed["config"]["column_types"].items()}
            types = {c: ("double" if "float64" in t else t) for c, t in types.items()}
            seeds[seed["name"]] = (properties.parent / f"{seed['name']}.csv", types)
    return seeds


def seed_comments() -> dict[str, str]:
    """Seed name -> its COMMENT statements (table and columns), as persist_docs writes them."""
    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"
    comments = {}
    for properties in sorted(SEEDS.rglob("_*__seeds.yml")):
        for seed in yaml.safe_load(properties.read_text())["seeds"]:
            name = seed["name"]
            sql = [f'comment on table "{name}" is {literal(seed["description"])};'] if seed.get("description") else []
            sql += [f'comment on column "{name}"."{c["name"]}" is {literal(c["description"])};'
                    for c in seed.get("columns", []) if c.get("description")]
            comments[name] = "\n".join(sql)
    return comments


def plain_copy(seeds: dict[str, tuple[Path, dict[str, str]]], database: Path,
               comments: dict[str, str] | None = None) -> dict[str, tuple[float, float]]:
    """(seconds, CPU seconds) per seed of DROP (when there) + CREATE (+ its comments) + COPY; the
    closing checkpoint is shared out over the seeds by size, as dbt's commits pay for it inside
    its nodes."""
    spent = {}
    con = duckdb.connect(str(database))
    for name, (path, types) in seeds.items():
        columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
        start, cpu = time.perf_counter(), time.process_time()
        con.execute(f'drop table if exists "{name}"')
        if comments and comments.get(name):
            con.execute(f'begin; create table "{name}" ({columns});\n{comments[name]}\n'
                        f"copy \"{name}\" from '{path}' (format csv, header true); commit")
        else:
            con.execute(f'create table "{name}" ({columns})')
            con.execute(f"copy \"{name}\" from '{path}' (format csv, header true)")
        spent[name] = (time.perf_counter() - start, time.process_time() - cpu)
    start, cpu = time.perf_counter(), time.process_time()
    con.close()
    closing = (time.perf_counter() - start, time.process_time() - cpu)
    sizes = {name: path.stat().st_size for name, (path, _) in seeds.items()}
    share = {name: size / sum(sizes.values()) for name, size in sizes.items()}
    return {name: (t + closing[0] * share[name], c + closing[1] * share[name]) for name, (t, c) in spent.items()}


def dbt_seed(threads: int) -> dict[str, tuple[float, float]]:
    """(seconds, CPU seconds) per seed node of ``dbt seed``, run with the flags and environment
    ``make build`` gives dbt, in this process (dbtRunner): seconds as dbt times the node, CPU
    seconds of the process (dbt and DuckDB's threads) from the node's start to its end, which
    with one thread is that node's alone."""
    from dbt.cli.main import dbtRunner

    cpu_at: dict[str, list[float]] = {}

    def on_event(event) -> None:
        if event.info.name in ("NodeStart", "NodeFinished"):
            cpu_at.setdefault(event.data.node_info.unique_id, []).append(time.process_time())

    environ = dict(os.environ)
    os.environ.update(dbt_env(environ))
    try:
        done = dbtRunner(callbacks=[on_event]).invoke(
            dbt_command(Path("dbt"), "seed", ["--threads", str(threads), "--project-dir", str(REPO)])[1:])
    finally:
        os.environ.clear()
        os.environ.update(environ)
    if not done.success:
        raise SystemExit(f"dbt seed failed: {done.exception or 'see logs/dbt.log'}")
    results = json.loads((REPO / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: (r["execution_time"], cpu_at[r["unique_id"]][-1] - cpu_at[r["unique_id"]][0])
            for r in results if r["unique_id"].startswith("seed.")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    seeds = declared_seeds()
    clinical = [n for n, (p, _) in seeds.items() if p.parent.name == "clinical"]
    runs = ("into an empty database", "replacing the tables")
    seconds: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print(f"dbt --threads {args.threads}; {os.cpu_count()} cores; {args.repeats} run(s) of each side")
        for repeat in range(args.repeats):
            for path in Path(tmp).iterdir():
                path.unlink()
            # dbt's database a new file each time: dbt-duckdb keeps its database open across the
            # runs of one process while the path is the same, so a file deleted under it would
            # leave dbt loading over the tables of the run before, not into an empty database
            os.environ["IDC_DUCKDB_PATH"] = str(Path(tmp) / f"dbt{repeat}.duckdb")
            for run in runs:
                copy = plain_copy(seeds, Path(tmp) / "copy.duckdb")
                seeded = dbt_seed(args.threads)
                sides = [("copy", copy), ("dbt", seeded)]
                if run == runs[0]:
                    sides.append(("comments", plain_copy(seeds, Path(tmp) / "commented.duckdb", seed_comments())))
                for side, spent in sides:
                    for i, measure in enumerate(("s", "cpu")):
                        seconds.setdefault((run, side, measure), []).append(sum(spent[n][i] for n in clinical))

        def best(run: str, side: str, measure: str) -> str:
            times = seconds[(run, side, measure)]
            spread = f" (spread {max(times) / min(times):.2f})" if len(times) > 1 else ""
            return f"{min(times):.2f}{'s' if measure == 's' else 's CPU'}{spread}"

        for run in runs:
            for measure in ("s", "cpu"):
                a, b = (min(seconds[(run, side, measure)]) for side in ("copy", "dbt"))
                line = (f"{len(clinical)} clinical seeds, {run}: duckdb copy {best(run, 'copy', measure)}, "
                        f"dbt seed {best(run, 'dbt', measure)}, ratio {b / a:.2f}")
                if (run, "comments", measure) in seconds:
                    c = min(seconds[(run, "comments", measure)])
                    line += f" (duckdb copy + the same comments {best(run, 'comments', measure)}, ratio {b / c:.2f})"
                print(line, flush=True)
        print(f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
