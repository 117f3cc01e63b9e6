"""``make publish``: the release to BigQuery, estimated first, built aside, swapped in at the end.

    python -m curation.publish.bigquery [--yes] [--idc-version N]

Configured from the environment, as the ``bigquery`` target of profiles.yml:
``BIGQUERY_PROJECT`` (required), ``BIGQUERY_LOCATION`` (default US), ``BIGQUERY_METHOD`` and
its credentials, ``BIGQUERY_DATASET`` (the default dataset); the release's datasets are
``idc_v<N>``, ``idc_v<N>_<name>`` (macros/generate_schema_name.sql) and ``idc_current_clinical``.

1. ``bigquery.googleapis.com`` must answer within ``--timeout`` seconds (else one line saying
   what to check and set: nothing waits silently without a network).
2. ``dbt compile --target bigquery`` into its own target path (``build/publish/target``; the
   DuckDB ``target/`` that MetricFlow reads is never touched).
3. **Dry run** of every compiled model (a BigQuery dry-run query job, nothing billed): the bytes
   each would process are printed, with the total; a model reading a relation that this
   build creates first cannot be estimated before it exists and says so.
4. Asks for confirmation (``--yes`` skips the question; without a terminal ``--yes`` is
   required).
5. ``dbt build --full-refresh`` into the staging datasets (``<dataset>__staging``, var
   ``publish_suffix``), with ``publish_current: false``.
6. Only when every model and error-severity test passed: each staging dataset is swapped into
   its published dataset (tables by copy jobs with WRITE_TRUNCATE, views re-created with their
   references moved to the published datasets, in dependency order; relations the new release
   lacks are removed), then ``dbt run-operation publish_current_clinical`` points
   ``idc_current_clinical`` at the newest release, and the staging datasets are deleted.
   A failed build stops before step 6: the published datasets are unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curation.errors import CurationError, Reason

SUFFIX = "__staging"
HOST = "bigquery.googleapis.com"
TARGET_PATH = Path("build/publish/target")
LOG_PATH = Path("build/publish/logs")
FAILED = ("error", "fail", "runtime error")


def human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    raise AssertionError  # pragma: no cover


def require_network(timeout: float, connect: Callable = socket.create_connection) -> None:
    try:
        connect((HOST, 443), timeout=timeout).close()
    except OSError as exc:
        raise CurationError(
            Reason.WAREHOUSE,
            f"cannot reach {HOST} within {timeout:g} s ({exc}); nothing was published; check the network, "
            "or set HTTPS_PROXY, or --timeout SECONDS to wait longer") from None


def settings(env: dict[str, str]) -> dict[str, str]:
    if not env.get("BIGQUERY_PROJECT"):
        raise CurationError(
            Reason.WAREHOUSE,
            "BIGQUERY_PROJECT is not set: set it (and BIGQUERY_LOCATION, BIGQUERY_METHOD and its "
            "credentials; README \"Publishing to BigQuery\") and run make publish again; nothing was published")
    return {"project": env["BIGQUERY_PROJECT"], "location": env.get("BIGQUERY_LOCATION", "US")}


@dataclass
class Estimate:
    model: str
    bytes: int | None
    note: str = ""


def model_nodes(manifest: dict) -> list[dict]:
    """The models to build, in the manifest's order."""
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n.get("compiled_code")]


def dry_run(client, manifest: dict, timeout: float) -> list[Estimate]:
    """Bytes each model's query would process (a dry-run job per model, never billed)."""
    from google.api_core import exceptions
    from google.cloud import bigquery

    estimates = []
    for node in model_nodes(manifest):
        config = bigquery.QueryJobConfig(dry_run=True, use_query_cache=False)
        try:
            job = client.query(node["compiled_code"], job_config=config, timeout=timeout)
            estimates.append(Estimate(node["name"], int(job.total_bytes_processed or 0)))
        except exceptions.NotFound as exc:
            estimates.append(Estimate(node["name"], None, f"reads a relation this build creates ({exc.message})"))
        except exceptions.GoogleAPICallError as exc:
            raise CurationError(Reason.WAREHOUSE, f"dry run of {node['name']} failed: {exc.message}; "
                                                  "nothing was published") from None
    return estimates


def print_estimates(estimates: list[Estimate], out=None) -> int:
    out = out or sys.stdout
    width = max([len(e.model) for e in estimates] + [5])
    for e in estimates:
        shown = human_bytes(e.bytes) if e.bytes is not None else "unknown"
        print(f"{e.model:<{width}}  {shown:>10}{'  ' + e.note if e.note else ''}", file=out)
    total = sum(e.bytes or 0 for e in estimates)
    unknown = sum(e.bytes is None for e in estimates)
    print(f"{'total':<{width}}  {human_bytes(total):>10}"
          f"{f'  (+ {unknown} model(s) not estimable before their inputs exist)' if unknown else ''}", file=out)
    return total


def confirm(total: int, n_models: int, project: str, yes: bool, ask: Callable[[str], str] = input,
            interactive: bool | None = None) -> None:
    if yes:
        return
    if not (sys.stdin.isatty() if interactive is None else interactive):
        raise CurationError(Reason.WAREHOUSE, "not a terminal: pass --yes (make publish PUBLISH_ARGS=--yes) "
                                              "to build without the question; nothing was published")
    answer = ask(f"build {n_models} models in {project} (about {human_bytes(total)} processed)? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise CurationError(Reason.WAREHOUSE, "not confirmed; nothing was published")


@dataclass
class Relation:
    dataset: str
    name: str
    kind: str  # TABLE or VIEW
    view_query: str | None = None


def _views_in_order(views: list[Relation], manifest: dict) -> list[Relation]:
    """Views after the views they read (dbt's graph), so each can be created."""
    by_name = {v.name: v for v in views}
    parents = {n["name"]: [manifest["nodes"][p]["name"] for p in n["depends_on"]["nodes"] if p in manifest["nodes"]]
               for n in manifest["nodes"].values() if n["name"] in by_name}
    ordered, seen = [], set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for parent in parents.get(name, []):
            if parent in by_name:
                visit(parent)
        ordered.append(by_name[name])

    for view in sorted(views, key=lambda v: (v.dataset, v.name)):
        visit(view.name)
    return ordered


@dataclass
class Swap:
    """Moves every staging dataset of the build into its published dataset (through a client
    with BigQuery's python API: list_datasets, list_tables, get_table, copy_table, query,
    delete_table, delete_dataset)."""

    client: object
    project: str
    manifest: dict
    timeout: float
    done: list[str] = field(default_factory=list)

    def staged(self) -> list[str]:
        return sorted(d.dataset_id for d in self.client.list_datasets(self.project, timeout=self.timeout)
                      if d.dataset_id.endswith(SUFFIX))

    def relations(self, dataset: str) -> list[Relation]:
        found = []
        for item in self.client.list_tables(f"{self.project}.{dataset}", timeout=self.timeout):
            table = self.client.get_table(f"{self.project}.{dataset}.{item.table_id}", timeout=self.timeout)
            found.append(Relation(dataset, item.table_id, table.table_type, getattr(table, "view_query", None)))
        return found

    def run(self) -> None:
        from google.cloud import bigquery

        datasets = self.staged()
        if not datasets:
            raise CurationError(Reason.WAREHOUSE, "no staging dataset to publish; nothing was published")
        moves = {d: d[: -len(SUFFIX)] for d in datasets}
        staged = {d: self.relations(d) for d in datasets}
        for source, dest in moves.items():
            self.client.create_dataset(f"{self.project}.{dest}", exists_ok=True, timeout=self.timeout)
        for source, dest in moves.items():
            for rel in staged[source]:
                if rel.kind != "VIEW":
                    config = bigquery.CopyJobConfig(write_disposition="WRITE_TRUNCATE")
                    self.client.copy_table(f"{self.project}.{source}.{rel.name}", f"{self.project}.{dest}.{rel.name}",
                                           job_config=config, timeout=self.timeout).result(timeout=self.timeout)
                    self.done.append(f"copy {source}.{rel.name} -> {dest}.{rel.name}")
        views = [r for rels in staged.values() for r in rels if r.kind == "VIEW"]
        for rel in _views_in_order(views, self.manifest):
            query = rel.view_query or ""
            for source, dest in moves.items():
                query = query.replace(f"`{source}`", f"`{dest}`").replace(f"{self.project}.{source}.",
                                                                          f"{self.project}.{dest}.")
            dest = moves[rel.dataset]
            self.client.query(f"create or replace view `{self.project}`.`{dest}`.`{rel.name}` as\n{query}",
                              timeout=self.timeout).result(timeout=self.timeout)
            self.done.append(f"view {dest}.{rel.name}")
        for source, dest in moves.items():
            keep = {r.name for r in staged[source]}
            for item in self.client.list_tables(f"{self.project}.{dest}", timeout=self.timeout):
                if item.table_id not in keep:
                    self.client.delete_table(f"{self.project}.{dest}.{item.table_id}", timeout=self.timeout)
                    self.done.append(f"drop {dest}.{item.table_id}")
        for source in datasets:
            self.client.delete_dataset(f"{self.project}.{source}", delete_contents=True, timeout=self.timeout)


Runner = Callable[[list[str]], int]


def _dbt(args: list[str]) -> int:
    return subprocess.run([str(Path(sys.executable).parent / "dbt"), *args]).returncode


def publish(options: argparse.Namespace, client_factory: Callable | None = None, runner: Runner = _dbt,
            connect: Callable = socket.create_connection, ask: Callable[[str], str] = input,
            interactive: bool | None = None, env: dict[str, str] | None = None) -> list[str]:
    env = dict(os.environ if env is None else env)
    where = settings(env)
    require_network(options.timeout, connect)
    vars_ = {"idc_version": options.idc_version}
    common = ["--target", "bigquery", "--target-path", str(options.target_path), "--log-path", str(LOG_PATH)]
    if runner(["compile", "--quiet", *common, "--vars", json.dumps(vars_)]):
        raise CurationError(Reason.WAREHOUSE, "dbt compile --target bigquery failed; nothing was published")
    manifest = json.loads((options.target_path / "manifest.json").read_text(encoding="utf-8"))
    client = (client_factory or _client)(where)
    estimates = dry_run(client, manifest, options.timeout)
    total = print_estimates(estimates)
    confirm(total, len(estimates), where["project"], options.yes, ask, interactive)
    staged_vars = {**vars_, "publish_suffix": SUFFIX, "publish_current": False}
    built = runner(["build", "--full-refresh", *common, "--vars", json.dumps(staged_vars)])
    results_path = options.target_path / "run_results.json"
    results = json.loads(results_path.read_text())["results"] if results_path.exists() else []
    failed = [r["unique_id"] for r in results if r["status"] in FAILED]
    if built or failed or not results:
        raise CurationError(
            Reason.WAREHOUSE,
            f"dbt build failed ({len(failed)} failed node(s){': first ' + failed[0] if failed else ''}); "
            f"the published datasets in {where['project']} are unchanged (the staging datasets *{SUFFIX} "
            "are left for inspection and replaced by the next publish)")
    swap = Swap(client, where["project"], manifest, options.timeout)
    swap.run()
    if runner(["run-operation", "publish_current_clinical", "--args", "{force: true}", *common,
               "--vars", json.dumps(vars_)]):
        raise CurationError(Reason.WAREHOUSE, "the release is published but idc_current_clinical was not "
                                              "refreshed: run make publish again")
    return swap.done


def _client(where: dict[str, str]):  # pragma: no cover - needs BigQuery
    from google.cloud import bigquery

    return bigquery.Client(project=where["project"], location=where["location"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m curation.publish.bigquery", description=__doc__.splitlines()[0])
    parser.add_argument("--yes", action="store_true", help="build without asking after the dry run")
    parser.add_argument("--idc-version", type=int, default=int(os.environ.get("IDC_VERSION", "22")))
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for BigQuery per call")
    parser.add_argument("--target-path", type=Path, default=TARGET_PATH)
    options = parser.parse_args(argv)
    try:
        done = publish(options)
    except CurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"published: {len(done)} relations moved from the staging datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
