"""`make publish` (curation/publish/bigquery.py; issue 12 item 5, issue 11 item 7 on BigQuery),
against an in-memory stand-in for BigQuery (no network here).

The stand-in keeps datasets of tables (with sizes) and views (with their SQL). A dry-run query
"processes" the sizes of the tables it names, through views, and fails with NotFound when it
names a relation that does not exist, as BigQuery does; copy jobs, DDL for views and deletes
change its datasets. dbt is replaced by a runner that writes the manifest (compile) and builds
the manifest's models into the datasets the build names (build), with run_results.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from google.api_core import exceptions

from curation.publish import bigquery as pb
from curation.errors import CurationError

PROJECT = "my-project"
PUBLIC = "bigquery-public-data"
REF = re.compile(r"`([^`]+)`\.`([^`]+)`\.`([^`]+)`")


class FakeBigQuery:
    def __init__(self) -> None:
        self.datasets: dict[tuple[str, str], dict[str, dict]] = {
            (PUBLIC, "idc_v22"): {"dicom_metadata": {"type": "TABLE", "bytes": 7 * 2**30}},
        }
        self.dry_runs: list[str] = []

    # dry-run and DDL queries
    def bytes_read(self, sql: str) -> int:
        total = 0
        for project, dataset, name in REF.findall(sql):
            relation = self.datasets.get((project, dataset), {}).get(name)
            if relation is None:
                raise exceptions.NotFound(f"Table {project}:{dataset}.{name} was not found")
            total += relation["bytes"] if relation["type"] == "TABLE" else self.bytes_read(relation["query"])
        return total

    def query(self, sql, job_config=None, timeout=None):
        if job_config is not None and job_config.dry_run:
            self.dry_runs.append(sql)
            return SimpleNamespace(total_bytes_processed=self.bytes_read(sql))
        match = re.match(r"create or replace view `([^`]+)`\.`([^`]+)`\.`([^`]+)` as\n(.*)", sql, re.S)
        assert match, sql
        self.bytes_read(match[4])  # BigQuery checks a view's references when it is created
        self.datasets[(match[1], match[2])][match[3]] = {"type": "VIEW", "query": match[4]}
        return SimpleNamespace(result=lambda timeout=None: None)

    # datasets and tables
    def list_datasets(self, project, timeout=None):
        return [SimpleNamespace(dataset_id=d) for p, d in sorted(self.datasets) if p == project]

    def list_tables(self, dataset, timeout=None):
        project, name = dataset.split(".")
        return [SimpleNamespace(table_id=t) for t in sorted(self.datasets[(project, name)])]

    def get_table(self, ref, timeout=None):
        project, dataset, name = ref.split(".")
        relation = self.datasets[(project, dataset)][name]
        return SimpleNamespace(table_type=relation["type"], view_query=relation.get("query"))

    def create_dataset(self, ref, exists_ok=False, timeout=None):
        self.datasets.setdefault(tuple(ref.split(".")), {})

    def copy_table(self, source, dest, job_config=None, timeout=None):
        assert job_config.write_disposition == "WRITE_TRUNCATE"
        sp, sd, sn = source.split(".")
        dp, dd, dn = dest.split(".")
        self.datasets[(dp, dd)][dn] = dict(self.datasets[(sp, sd)][sn])
        return SimpleNamespace(result=lambda timeout=None: None)

    def delete_table(self, ref, timeout=None):
        project, dataset, name = ref.split(".")
        del self.datasets[(project, dataset)][name]

    def delete_dataset(self, ref, delete_contents=False, timeout=None):
        del self.datasets[tuple(ref.split("."))]

    def published(self) -> dict:
        return {k: {n: dict(v) for n, v in rels.items()} for k, rels in self.datasets.items()
                if k[0] == PROJECT and not k[1].endswith(pb.SUFFIX)}


# The models of a small release: a table from IDC's public table, a view over it, a table from
# the view; each (name, dataset, materialization, parents, SQL with {dataset} placeholders).
MODELS = [
    ("stg_dicom__metadata", "idc_v22_imaging_staging", "view", [],
     f"select * from `{PUBLIC}`.`idc_v22`.`dicom_metadata`"),
    ("dicom_all", "idc_v22", "table", ["stg_dicom__metadata"],
     "select * from `{p}`.`idc_v22_imaging_staging{s}`.`stg_dicom__metadata`"),
    ("dicom_all_view", "idc_v22", "view", ["dicom_all"], "select * from `{p}`.`idc_v22{s}`.`dicom_all`"),
]


def manifest(suffix: str) -> dict:
    nodes = {}
    for name, _, kind, parents, sql in MODELS:
        nodes[f"model.idc_clinical.{name}"] = {
            "name": name, "resource_type": "model", "config": {"materialized": kind},
            "depends_on": {"nodes": [f"model.idc_clinical.{p}" for p in parents]},
            "compiled_code": sql.format(p=PROJECT, s=suffix)}
    return {"nodes": nodes}


class FakeDbt:
    def __init__(self, bq: FakeBigQuery, target: Path, fail: str | None = None) -> None:
        self.bq, self.target, self.fail, self.calls = bq, target, fail, []

    def __call__(self, args: list[str]) -> int:
        self.calls.append(args[0])
        self.target.mkdir(parents=True, exist_ok=True)
        variables = json.loads(args[args.index("--vars") + 1]) if "--vars" in args else {}
        assert args[args.index("--target-path") + 1] == str(self.target)
        if args[0] == "compile":
            (self.target / "manifest.json").write_text(json.dumps(manifest("")))
        elif args[0] == "build":
            suffix = variables["publish_suffix"]
            assert variables["publish_current"] is False
            results = []
            for name, dataset, kind, _, sql in MODELS:
                status = "error" if name == self.fail else "success"
                if status == "success":
                    rels = self.bq.datasets.setdefault((PROJECT, dataset + suffix), {})
                    rels[name] = ({"type": "VIEW", "query": sql.format(p=PROJECT, s=suffix)} if kind == "view"
                                  else {"type": "TABLE", "bytes": self.bq.bytes_read(sql.format(p=PROJECT, s=suffix))})
                results.append({"unique_id": f"model.idc_clinical.{name}", "status": status})
            (self.target / "run_results.json").write_text(json.dumps({"results": results}))
            return 1 if self.fail else 0
        return 0


ENV = {"BIGQUERY_PROJECT": PROJECT, "BIGQUERY_LOCATION": "EU"}


def options(tmp_path: Path, yes: bool = False) -> argparse.Namespace:
    return argparse.Namespace(yes=yes, idc_version=22, timeout=5.0, target_path=tmp_path / "publish" / "target")


def reachable(address, timeout):
    return SimpleNamespace(close=lambda: None)


def run(tmp_path, bq, dbt, yes=False, answer="y", env=ENV, interactive=True, connect=reachable):
    asked = []
    done = pb.publish(options(tmp_path, yes), client_factory=lambda where: bq, runner=dbt, connect=connect,
                      ask=lambda prompt: asked.append(prompt) or answer, interactive=interactive, env=env)
    return done, asked


def test_dry_run_prints_the_bytes_of_each_model_and_a_declined_answer_builds_nothing(tmp_path, capsys):
    bq = FakeBigQuery()
    dbt = FakeDbt(bq, tmp_path / "publish" / "target")
    before = bq.published()
    with pytest.raises(CurationError, match="not confirmed; nothing was published"):
        run(tmp_path, bq, dbt, answer="n")
    printed = capsys.readouterr().out
    assert re.search(r"stg_dicom__metadata\s+7\.0 GB", printed), printed
    assert re.search(r"dicom_all\s+unknown\s+reads a relation this build creates", printed), printed
    assert "total" in printed and "not estimable" in printed
    assert len(bq.dry_runs) == len(MODELS)
    assert dbt.calls == ["compile"] and bq.published() == before


def test_yes_skips_the_question_builds_aside_and_swaps_in(tmp_path):
    bq = FakeBigQuery()
    dbt = FakeDbt(bq, tmp_path / "publish" / "target")
    bq.datasets[(PROJECT, "idc_v22")] = {"stale_table": {"type": "TABLE", "bytes": 1}}
    done, asked = run(tmp_path, bq, dbt, yes=True, interactive=False)
    assert asked == [] and dbt.calls == ["compile", "build", "run-operation"]
    published = bq.published()
    assert set(published[(PROJECT, "idc_v22")]) == {"dicom_all", "dicom_all_view"}, "stale table removed"
    view = published[(PROJECT, "idc_v22")]["dicom_all_view"]["query"]
    assert pb.SUFFIX not in view and f"`{PROJECT}`.`idc_v22`.`dicom_all`" in view
    assert pb.SUFFIX not in published[(PROJECT, "idc_v22_imaging_staging")]["stg_dicom__metadata"]["query"]
    assert not any(d.endswith(pb.SUFFIX) for _, d in bq.datasets), "staging datasets deleted"
    assert any(step.startswith("copy ") for step in done)


def test_a_failed_build_leaves_the_published_datasets_unchanged(tmp_path):
    bq = FakeBigQuery()
    first = FakeDbt(bq, tmp_path / "publish" / "target")
    run(tmp_path, bq, first, yes=True)
    before = bq.published()
    broken = FakeDbt(bq, tmp_path / "publish" / "target", fail="dicom_all_view")
    with pytest.raises(CurationError, match="dbt build failed .*unchanged"):
        run(tmp_path, bq, broken, yes=True)
    assert bq.published() == before and broken.calls == ["compile", "build"]


def test_without_a_terminal_yes_is_required(tmp_path):
    bq = FakeBigQuery()
    with pytest.raises(CurationError, match="pass --yes"):
        run(tmp_path, bq, FakeDbt(bq, tmp_path / "publish" / "target"), interactive=False)


def test_missing_project_says_what_to_set(tmp_path):
    bq = FakeBigQuery()
    dbt = FakeDbt(bq, tmp_path / "publish" / "target")
    with pytest.raises(CurationError, match="BIGQUERY_PROJECT is not set"):
        run(tmp_path, bq, dbt, env={})
    assert dbt.calls == []


def test_no_network_times_out_with_what_to_set(tmp_path):
    bq = FakeBigQuery()
    dbt = FakeDbt(bq, tmp_path / "publish" / "target")
    waited = []

    def unreachable(address, timeout):
        waited.append(timeout)
        raise TimeoutError("timed out")

    with pytest.raises(CurationError, match=r"cannot reach bigquery\.googleapis\.com within 5 s.*HTTPS_PROXY"):
        run(tmp_path, bq, dbt, connect=unreachable)
    assert waited == [5.0] and dbt.calls == []


def test_the_command_is_one_line_on_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("BIGQUERY_PROJECT", raising=False)
    assert pb.main(["--yes", "--target-path", str(tmp_path / "t")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: [warehouse] BIGQUERY_PROJECT is not set")
