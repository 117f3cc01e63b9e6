"""Loading the curated seeds: ``dbt seed`` against DuckDB's own COPY of the same files.

    python scripts/seed_load_bench.py [--threads 1]

Both load every seed under seeds/curated/ into DuckDB with the types its seed properties
declare: (a) a plain DuckDB ``CREATE TABLE`` with those types + ``COPY ... FROM`` each file,
in one process, into a fresh database; (b) ``dbt seed --full-refresh`` (the project's seed
materialization, macros/seed_declared_types.sql), timed by dbt per seed node. Prints the
seconds of each and their ratio (b/a) over the clinical seeds, loading into an empty
database and then again over the loaded tables (each side in its own temporary database). Both
read the same files with the same types, DuckDB with its default threads in each; dbt runs one
node at a time (--threads 1) unless told otherwise. dbt also writes the seeds' comments
(persist_docs), which plain COPY does not: the first line also gives (c) COPY plus the same
COMMENT statements, sent in one call per table, the least a load with comments costs. Run
``curate`` first; uses the DuckDB target's environment (DBT_PROFILES_DIR etc., as the Makefile).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

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
               comments: dict[str, str] | None = None) -> dict[str, float]:
    """Seconds per seed of DROP (when there) + CREATE (+ its comments) + COPY; the closing
    checkpoint is shared out over the seeds by size, as dbt's commits pay for it inside its nodes."""
    seconds = {}
    con = duckdb.connect(str(database))
    for name, (path, types) in seeds.items():
        columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
        start = time.perf_counter()
        con.execute(f'drop table if exists "{name}"')
        con.execute(f'create table "{name}" ({columns})')
        if comments and comments.get(name):
            con.execute(comments[name])
        con.execute(f"copy \"{name}\" from '{path}' (format csv, header true)")
        seconds[name] = time.perf_counter() - start
    start = time.perf_counter()
    con.close()
    closing = time.perf_counter() - start
    sizes = {name: path.stat().st_size for name, (path, _) in seeds.items()}
    return {name: t + closing * sizes[name] / sum(sizes.values()) for name, t in seconds.items()}


def dbt_seed(threads: int) -> dict[str, float]:
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "seed", "--full-refresh", "--quiet", "--threads", str(threads)],
                   cwd=REPO, check=True, env=os.environ)
    results = json.loads((REPO / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results
            if r["unique_id"].startswith("seed.")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    seeds = declared_seeds()
    clinical = [n for n, (p, _) in seeds.items() if p.parent.name == "clinical"]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["IDC_DUCKDB_PATH"] = str(Path(tmp) / "dbt.duckdb")
        print(f"dbt --threads {args.threads}; {os.cpu_count()} cores")
        for run in ("into an empty database", "replacing the tables"):
            copy = plain_copy(seeds, Path(tmp) / "copy.duckdb")
            seeded = dbt_seed(args.threads)
            a, b = sum(copy[n] for n in clinical), sum(seeded[n] for n in clinical)
            line = f"{len(clinical)} clinical seeds, {run}: duckdb copy {a:.2f}s, dbt seed {b:.2f}s, ratio {b / a:.2f}"
            if run.startswith("into"):
                commented = plain_copy(seeds, Path(tmp) / "commented.duckdb", seed_comments())
                c = sum(commented[n] for n in clinical)
                line += f" (duckdb copy + the same comments {c:.2f}s, ratio {b / c:.2f})"
            print(line)


if __name__ == "__main__":
    main()
