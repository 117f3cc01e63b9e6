"""Loading the curated seeds: ``dbt seed`` against DuckDB's own COPY of the same files.

    python scripts/seed_load_bench.py [--threads 1]

Both load every seed under seeds/curated/ into DuckDB with the types its seed properties
declare: (a) a plain DuckDB ``CREATE TABLE`` with those types + ``COPY ... FROM`` each file,
in one process, into a fresh database; (b) ``dbt seed --full-refresh`` (the project's seed
materialization, macros/seed_declared_types.sql), timed by dbt per seed node. Prints the
seconds of each and their ratio (b/a), over the clinical seeds and over all seeds. Run
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


def plain_copy(seeds: dict[str, tuple[Path, dict[str, str]]]) -> dict[str, float]:
    seconds = {}
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "copy.duckdb"))
        for name, (path, types) in seeds.items():
            columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
            start = time.perf_counter()
            con.execute(f'create table "{name}" ({columns})')
            con.execute(f"copy \"{name}\" from '{path}' (format csv, header true)")
            seconds[name] = time.perf_counter() - start
        con.close()
    return seconds


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
    copy = plain_copy(seeds)
    seeded = dbt_seed(args.threads)
    clinical = [n for n, (p, _) in seeds.items() if p.parent.name == "clinical"]
    for label, names in (("clinical seeds", clinical), ("all seeds", list(seeds))):
        a, b = sum(copy[n] for n in names), sum(seeded[n] for n in names)
        print(f"{label} ({len(names)}): duckdb copy {a:.2f}s, dbt seed {b:.2f}s, ratio {b / a:.2f}")


if __name__ == "__main__":
    main()
