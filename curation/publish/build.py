"""``make build``: curate, export the DICOM metadata, build the release on DuckDB, publish it
only when everything passed; skip each step whose inputs have not changed.

    python -m curation.publish.build [--idc-version N] [--curate-args "..."] [--dbt-args "..."]
                             [--only-curate] [--force]

``--only-curate`` (``make curate``) runs step 2 alone; ``--force`` redoes the DICOM export and
the dbt build even when unchanged (curating unchanged inputs again could not change the seeds,
which are byte-identical across runs, so curate is still skipped then), or with
``--only-curate`` the curation.

1. **One build at a time**: ``.<warehouse>.lock`` beside the warehouse (curation.run_lock).
   Leftovers of a killed build (its staging folder) are removed first.
2. **Curate** (the ``curate`` command, then the harmonization seeds from the mapping files:
   ``python -m curation.harmonization``) unless its inputs are unchanged since the last build:
   recipes, sources, mapping files, the curation package's code, the series index and the
   arguments, and the seeds are still the ones it wrote (curation.publish.build_state).
3. **DICOM export** (``curate dicom``) into ``$IDC_DICOM_PARQUET_DIR/<content hash>/``, a
   folder per version of its inputs; skipped when that folder is complete. The published
   warehouse's views keep reading the folder they were built from until a new build is
   published; older folders are removed after that.
4. **dbt build** into a staged copy of the warehouse (curation.publish.warehouse_swap), swapped in only
   when dbt exited 0 and run_results has no error or failed test; skipped when the seeds,
   the DICOM export, the dbt project and the arguments are those of the published build and
   the warehouse file is the one that build wrote.

Every failure is one line (``error: [reason] ...``) saying that the earlier outputs are
unchanged; dbt's own messages for failing nodes come before it. ``--verbose`` shows dbt's
full output; otherwise it runs with ``--quiet``. Last line: each step's seconds, and dbt's
node count.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from curation.publish.build_state import BuildState, file_identity, text_digest, tree_digest
from curation.errors import CurationError, Reason
from curation.index_path import series_index
from curation.os_errors import os_error, out_of_memory
from curation.run_lock import run_lock
from curation.publish import warehouse_swap

PACKAGE = Path(__file__).resolve().parents[1]  # the curation package: its code is an input of the curate step
DBT_PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", ".dbtignore", "packages.yml", "macros", "models",
                      "tests/dbt", "analyses", "seeds")
SELECTION_FLAGS = ("--select", "-s", "--exclude", "--selector", "--models", "-m")
FAILED = ("error", "fail", "runtime error")
# dbt settings of every dbt run the build starts (scripts/seed_load_bench.py measures with them),
# as environment defaults, so a user's own DBT_* variable or --dbt-args flag wins. dbt.log at
# info: each node's start, result and error (a failing node's message and the database's error
# are error-level), without the debug lines (every query's SQL, connection and cache events),
# whose writing cost ~4% of a seed node's time; DBT_LOG_LEVEL_FILE=debug brings them back.
DBT_ENV_DEFAULTS = {"DBT_LOG_LEVEL_FILE": "info"}


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Children die with the build (Linux), so a killed build leaves no dbt writing on."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _run(command: list[str], cwd: Path, env: dict[str, str], quiet: bool) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, preexec_fn=_die_with_parent, text=True,
                          stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None)


def dbt_env(environ: dict[str, str]) -> dict[str, str]:
    """The environment of the build's dbt runs: environ, no usage statistics, the DuckDB
    target, and DBT_ENV_DEFAULTS where environ does not set them."""
    env = {**environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1",
           "DBT_TARGET": "duckdb", "GX_ANALYTICS_ENABLED": "False"}
    return {**DBT_ENV_DEFAULTS, **env}


def dbt_command(dbt: Path, subcommand: str, args: list[str], verbose: bool = False) -> list[str]:
    """The build's dbt command line: ``dbt [--quiet] <subcommand> --full-refresh <args>``."""
    return [str(dbt), *([] if verbose else ["--quiet"]), subcommand, "--full-refresh", *args]


def _option(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


class Build:
    def __init__(self, options: argparse.Namespace) -> None:
        self.o = options
        self.project = options.project_dir.resolve()
        self.database = Path(os.path.abspath(options.database))
        self.dicom_root = Path(os.path.abspath(options.dicom_out))
        self.seeds = (self.project / options.seeds).resolve()
        self.curate_args = shlex.split(options.curate_args)
        self.dbt_args = shlex.split(options.dbt_args)
        self.state = BuildState(self.database.with_name(f".{self.database.name}.build-state.json"))
        self.outputs = kept_outputs(self.database)  # the lock and the OS errors add "unchanged"
        self.unchanged = f"{self.outputs} unchanged"
        self.index = series_index()
        self.bin = Path(sys.executable).parent
        self.times: list[str] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = dbt_env(dict(os.environ))
        env.setdefault("DBT_PROFILES_DIR", str(self.project))
        if self.index is not None:
            env.update(IDC_INDEX_PARQUET=str(self.index.path), IDC_INDEX_VERSION=self.index.version)
        return {**env, **extra}

    def index_identity(self) -> str | None:
        return None if self.index is None else f"{self.index.path}:{file_identity(self.index.path)}:{self.index.version}"

    def timed(self, label: str, started: float) -> None:
        self.times.append(f"{label} {time.monotonic() - started:.1f} s")

    # -- steps ---------------------------------------------------------------------------------
    def curate(self) -> None:
        started = time.monotonic()
        args = ["--idc-version", str(self.o.idc_version), *self.curate_args,
                "--recipes", str(self.o.recipes), "--sources", str(self.o.sources), "--out", str(self.o.seeds)]
        harmonization = self.project / "seeds" / "harmonization"
        key = text_digest(args, tree_digest([self.project / self.o.recipes, self.project / self.o.sources]),
                          tree_digest([self.project / "harmonization", self.project / "data" / "harmonization"]),
                          tree_digest([PACKAGE], (".py",)), self.index_identity())
        forced = self.o.force and self.o.only_curate
        outputs = [self.seeds, harmonization]
        if self.state.unchanged("curate", key, tree_digest(outputs)) and not forced:
            self.times.append("curate skipped (unchanged)")
            return
        self.state.forget("curate")
        done = _run([str(self.bin / "curate"), *args], self.project, self.env(), quiet=False)
        if done.returncode:
            raise SystemExit(done.returncode)  # curate printed its one-line error
        # The harmonization seeds follow the curated release they are checked against.
        done = _run([str(self.bin / "python"), "-m", "curation.harmonization", "--mappings",
                     str(self.project / "harmonization"), "--release", str(self.seeds / "clinical"),
                     "--out", str(harmonization)], self.project, self.env(), quiet=False)
        if done.returncode:
            raise SystemExit(done.returncode)  # it printed its one-line error
        self.state.record("curate", key, tree_digest(outputs))
        self.timed("curate", started)

    def export_dicom(self) -> Path:
        started = time.monotonic()
        key = text_digest(tree_digest([self.project / self.o.dicom_in]),
                          tree_digest([PACKAGE / "dicom"], (".py",)))
        folder = self.dicom_root / key
        if (folder / ".complete").exists() and not self.o.force:
            self.times.append("dicom skipped (unchanged)")
            return folder
        tmp = self.dicom_root / f".tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        done = _run([str(self.bin / "curate"), "dicom", str(self.o.dicom_in), "--out", str(tmp)],
                    self.project, self.env(), quiet=True)
        if done.returncode:
            shutil.rmtree(tmp, ignore_errors=True)
            print(done.stdout.rstrip(), file=sys.stderr)
            raise CurationError(Reason.WAREHOUSE, f"the DICOM export of {self.o.dicom_in} failed; {self.unchanged}")
        (tmp / ".complete").touch()
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
        self.timed("dicom", started)
        return folder

    def dbt_key(self, dicom: Path) -> str:
        versions = {p: metadata.version(p) for p in ("dbt-core", "dbt-duckdb", "duckdb")}
        return text_digest(self.o.idc_version, self.dbt_args, versions, str(dicom), self.index_identity(),
                           tree_digest([self.project / p for p in DBT_PROJECT_INPUTS]))

    def dbt_build(self, dicom: Path) -> None:
        started = time.monotonic()
        key = self.dbt_key(dicom)
        if self.state.unchanged("dbt", key, file_identity(self.database)) and not self.o.force:
            self.times.append("dbt skipped (warehouse up to date)")
            return
        selected = any(a in SELECTION_FLAGS or a.split("=")[0] in SELECTION_FLAGS for a in self.dbt_args)
        staged = warehouse_swap.stage(self.database, self.o.idc_version, keep_release=selected)
        target = Path(_option(self.dbt_args, "--target-path") or self.project / "target")
        target = target if target.is_absolute() else self.project / target
        results = target / "run_results.json"
        results.unlink(missing_ok=True)
        command = dbt_command(self.bin / "dbt", "build",
                              ["--vars", json.dumps({"idc_version": self.o.idc_version}), *self.dbt_args],
                              verbose=self.o.verbose)
        done = _run(command, self.project, self.env(IDC_DUCKDB_PATH=str(staged),
                                                     IDC_DICOM_PARQUET_DIR=str(dicom)), quiet=False)
        nodes = json.loads(results.read_text())["results"] if results.exists() else []
        failed = [r["unique_id"] for r in nodes if r["status"] in FAILED]
        if done.returncode or failed or not nodes:
            shutil.rmtree(staged.parent, ignore_errors=True)
            first = f" (first: {failed[0]})" if failed else ""
            raise CurationError(
                Reason.WAREHOUSE,
                f"dbt build failed: {len(failed)} failed node(s){first}, nothing published; "
                f"{self.unchanged}, as are idc_current_clinical and every release in it; fix it and run "
                f"make build again")
        warehouse_swap.publish(staged, self.database, self.unchanged)
        self.state.record("dbt", key, file_identity(self.database))
        self.remove_old_dicom(keep=dicom)
        self.timed(f"dbt {len(nodes)} nodes", started)

    def remove_old_dicom(self, keep: Path) -> None:
        for path in self.dicom_root.iterdir():
            if path != keep and path.is_dir() and (path.name.startswith(".tmp-") or (path / ".complete").exists()):
                shutil.rmtree(path, ignore_errors=True)

    def run(self) -> None:
        started = time.monotonic()
        lock = self.database.with_name(f".{self.database.name}.lock")
        with run_lock(lock, self.outputs):
            if self.o.only_curate:
                self.curate()
                print("; ".join(self.times), flush=True)
                return
            warehouse_swap.clean_staging(self.database)
            warehouse_swap.checkpoint(self.database, self.unchanged)  # fails at once if held open
            self.curate()
            dicom = self.export_dicom()
            self.dbt_build(dicom)
        self.timed("build", started)
        print("; ".join(self.times) + f"; warehouse {self.database}", flush=True)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m curation.publish.build", description=__doc__.splitlines()[0])
    parser.add_argument("--idc-version", type=int, default=22)
    parser.add_argument("--project-dir", type=Path, default=Path("."))
    parser.add_argument("--recipes", type=Path, default=Path("recipes"))
    parser.add_argument("--sources", type=Path, default=Path("data/sources"))
    parser.add_argument("--seeds", type=Path, default=Path("seeds/curated"))
    parser.add_argument("--dicom-in", type=Path, default=Path("data/dicom"))
    parser.add_argument("--dicom-out", type=Path, default=Path(os.environ.get("IDC_DICOM_PARQUET_DIR", "build/dicom")))
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("IDC_DUCKDB_PATH", "build/idc.duckdb")))
    parser.add_argument("--curate-args", default="--first-release", help="more arguments of curate")
    parser.add_argument("--dbt-args", default="", help="more arguments of dbt build")
    parser.add_argument("--verbose", action="store_true", help="show dbt's whole output")
    parser.add_argument("--only-curate", action="store_true", help="curate (if changed), nothing else")
    parser.add_argument("--force", action="store_true", help="redo the DICOM export and the dbt build even when unchanged; with --only-curate (make curate BUILD_ARGS=--force), redo the curation")
    return parser.parse_args(argv)


def kept_outputs(database: str | Path) -> str:
    """What a failed build leaves as it was, as the errors name it (before "unchanged")."""
    return f"{database} and the earlier outputs are"


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    outputs = kept_outputs(options.database)
    try:
        Build(options).run()
    except CurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"error: {out_of_memory(outputs)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {os_error(exc, outputs)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"error: interrupted; {outputs} unchanged", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
