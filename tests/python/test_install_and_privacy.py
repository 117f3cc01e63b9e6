"""No deprecation boxes at install (pyproject's licence is an SPDX string) and no anonymous usage
statistics from any documented command (dbt's flag in dbt_project.yml, for `dbt` run without
the Makefile and for MetricFlow's `mf`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import yaml

from helpers.warehouse import REPO


def test_licence_is_an_spdx_string():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(project["license"], str) and project["license"] == "Apache-2.0"


def test_install_prints_no_deprecation_box():
    """pip prepares the package's metadata (setuptools, in its isolated build environment)
    without the boxed warnings setuptools prints for a deprecated pyproject."""
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--dry-run",
                             "--ignore-installed", "-e", str(REPO)], capture_output=True, text=True,
                            check=False, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    said = result.stdout + result.stderr
    assert "!!" not in said and "deprecated" not in said.lower(), said[-3000:]


def test_dbt_sends_no_usage_statistics_even_without_the_makefile(tmp_path):
    config = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))
    assert config["flags"]["send_anonymous_usage_stats"] is False
    env = {k: v for k, v in os.environ.items() if k != "DBT_SEND_ANONYMOUS_USAGE_STATS"}
    env.update(DBT_PROFILES_DIR=str(REPO), DBT_TARGET="duckdb", IDC_DUCKDB_PATH=str(tmp_path / "x.duckdb"))
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    result = subprocess.run([dbt, "debug", "--config-dir", "--log-path", str(tmp_path / "logs")],
                            cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "'send_anonymous_usage_stats': 'False'" in log, log[:3000]
