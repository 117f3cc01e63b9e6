"""`dbt build` for a BigQuery target against a local BigQuery emulator (PyPI `bqemulator`).

    python -m bigquery_check.emulator_build --emulator-venv build/bigquery/bqemulator-venv \
        --catalog build/bigquery/catalog.json --manifest build/bigquery/target/manifest.json \
        -- <dbt build arguments>

1. starts the emulator on 127.0.0.1 only (REST on 9050, or a free port when 9050 is taken;
   gRPC on a free port), in memory, in its own process group, through bigquery_check.bqemulator_start
   (bqemulator with its UNNEST WITH OFFSET rewrite fixed), run from the repository root;
2. creates every dbt source that is not a seed, with its BigQuery schema from the offline
   catalog (nested types included), and fills it from the Parquet files of its
   `external_location` (the same data the DuckDB target reads). A source of more than
   LARGE_TABLE rows that has a collection_id column (idc_index: about a million series) is
   cut to the collections of the curated clinical tables (and the image_collections their
   patient tests name) and, when it has a PatientID column,
   to one row (series) per patient of them: the emulator proves the adapter path, not the
   data, and every patient check still sees the same patients (streaming NLST's 588,000
   series into the emulator alone took longer than the whole rest of CI). The rows are
   streamed in INSERT_ROWS at a time (the emulator takes no JSON load jobs);
3. runs `dbt build --target bigquery_emulator` with the given arguments, leaving out the nodes
   of emulator_exclusions.yml (each with the emulator limitation that fails it)
   (BIGQUERY_EMULATOR_PORT tells the profile the port);
4. stops the emulator, whatever happened.
Run with the main venv (dbt-bigquery, google-cloud-bigquery, duckdb).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import decimal
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bigquery_check import offline_catalog

LARGE_TABLE = 50_000
INSERT_ROWS = 5_000
EXCLUSIONS = Path(__file__).resolve().parent / "emulator_exclusions.yml"
PROJECT = os.environ.get("BIGQUERY_EMULATOR_PROJECT", "idc-emulator")


def free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


def install_spatial_extension(python: Path) -> None:
    """bqemulator loads DuckDB's spatial extension at start; offline it must already be in
    DuckDB's extension directory, so copy it there from the PyPI wheel duckdb-extension-spatial."""
    code = (
        "import duckdb, duckdb_extension_spatial, pathlib;"
        "p = pathlib.Path(duckdb_extension_spatial.__file__).parent / 'extensions' / ('v' + duckdb.__version__);"
        "print(next(p.glob('spatial.duckdb_extension')), duckdb.__version__)"
    )
    found, version = subprocess.run([str(python), "-c", code], check=True, capture_output=True,
                                     text=True).stdout.split()
    target = Path.home() / ".duckdb" / "extensions" / f"v{version}" / "linux_amd64"
    if not (target / "spatial.duckdb_extension").exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(found, target / "spatial.duckdb_extension.partial")
        (target / "spatial.duckdb_extension.partial").replace(target / "spatial.duckdb_extension")


def start_emulator(python: Path, port: int, log: Path) -> subprocess.Popen:
    command = [
        str(python), "-m", "bigquery_check.bqemulator_start", "start", "--rest-host", "127.0.0.1", "--rest-port", str(port),
        "--grpc-host", "127.0.0.1", "--grpc-port", "0", "--ephemeral", "--project", PROJECT,
        "--log-level", "warning",
    ]
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
                               cwd=Path(__file__).resolve().parents[1])  # where -m finds bigquery_check
    url = f"http://127.0.0.1:{port}/bigquery/v2/projects/{PROJECT}/datasets"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process
        except OSError:
            time.sleep(0.5)
    stop_emulator(process)
    raise RuntimeError(f"the emulator did not answer on {url}; see {log}")


def stop_emulator(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def json_value(value):
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float) and value != value:
        return None
    return value


def source_rows(node: dict, fields: list[dict], collections: list[str]) -> list[dict]:
    """The rows of a source's Parquet files, projected on its BigQuery columns (by name,
    case-insensitively; a column the files lack is NULL)."""
    import duckdb

    location = (node.get("config", {}).get("meta") or {}).get("external_location") or ""
    files = offline_catalog.parquet_files(location) if location else []
    if not files:
        print(f"emulator: WARNING no Parquet files for {node['unique_id']} at {location!r}: left empty")
        return []
    con = duckdb.connect()
    con.register("source_files", con.read_parquet(files, union_by_name=True))
    present = {row[0].lower(): row[0] for row in con.execute("describe source_files").fetchall()}
    selected = [
        (f'"{present[f["name"].lower()]}"' if f["name"].lower() in present else "null") + f' as "{f["name"]}"'
        for f in fields
    ]
    sql = f"select {', '.join(selected)} from source_files"
    params = None
    if "collection_id" in present and con.execute("select count(*) from source_files").fetchall()[0][0] > LARGE_TABLE:
        sql += " where collection_id in (select unnest($collections))"
        params = {"collections": collections}
        if "patientid" in present:
            order = f'"{present["seriesinstanceuid"]}"' if "seriesinstanceuid" in present else "1"
            sql += (f' qualify row_number() over (partition by collection_id, "{present["patientid"]}"'
                    f" order by {order}) = 1")
    table = con.sql(sql, params=params).to_arrow_table()
    return [json_value(r) for r in table.to_pylist()]


def load_sources(client, manifest: dict, catalog: list[dict]) -> None:
    from google.cloud import bigquery

    collections = {
        n["config"].get("meta", {}).get("collection_id")
        for n in manifest["nodes"].values()
        if n["resource_type"] == "seed" and n["config"].get("meta", {}).get("collection_id")
    }
    for n in manifest["nodes"].values():  # a table's image_collections (analysis results)
        if n["resource_type"] == "test" and (n.get("test_metadata") or {}).get("name") == "patients_have_images":
            collections.update((n["test_metadata"].get("kwargs") or {}).get("collection_ids") or [])
    collections = sorted(collections)
    for table in catalog:
        if not table["unique_id"].startswith("source."):
            continue
        node = manifest["sources"][table["unique_id"]]
        dataset = f"{table['database']}.{table['schema']}"
        client.create_dataset(bigquery.Dataset(dataset), exists_ok=True)
        schema = [bigquery.SchemaField.from_api_repr(f) for f in table["fields"]]
        created = client.create_table(bigquery.Table(f"{dataset}.{table['name']}", schema=schema), exists_ok=True)
        rows = source_rows(node, table["fields"], collections)
        for start in range(0, len(rows), INSERT_ROWS):
            errors = client.insert_rows_json(created, rows[start:start + INSERT_ROWS])
            if errors:
                raise RuntimeError(f"loading {table['unique_id']}: {errors[:3]}")
        print(f"emulator: {table['unique_id']} -> `{dataset}.{table['name']}` ({len(rows)} rows)")


def main(argv: list[str]) -> int:
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emulator-venv", required=True, type=Path, help="the venv bqemulator is installed in")
    parser.add_argument("--catalog", required=True, type=Path)
    parser.add_argument("--manifest", required=True, type=Path)
    parser.add_argument("--dbt", default=str(Path(sys.executable).parent / "dbt"))
    parser.add_argument("--log", type=Path, default=Path("build/bigquery/emulator.log"))
    parser.add_argument("--serve", action="store_true",
                        help="load the sources, then keep the emulator up until interrupted (no dbt)")
    args = parser.parse_args(argv[:split])
    dbt_args = argv[split + 1:]

    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    python = args.emulator_venv / "bin" / "python"
    install_spatial_extension(python)
    port = free_port(9050)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    process = start_emulator(python, port, args.log)
    print(f"emulator: listening on 127.0.0.1:{port} (pid {process.pid}), ready in {time.monotonic() - started:.0f} s")
    try:
        client = bigquery.Client(
            project=PROJECT, credentials=AnonymousCredentials(),
            client_options=ClientOptions(api_endpoint=f"http://127.0.0.1:{port}"),
        )
        load_sources(client, json.loads(args.manifest.read_text()),
                     json.loads(args.catalog.read_text())["tables"])
        if args.serve:
            print(f"emulator: serving on http://127.0.0.1:{port}, project {PROJECT}; Ctrl-C stops it", flush=True)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            try:
                process.wait()
            except KeyboardInterrupt:
                pass
            return 0
        env = dict(os.environ, BIGQUERY_EMULATOR_PORT=str(port), BIGQUERY_EMULATOR_PROJECT=PROJECT)
        import yaml

        excluded = [entry["select"] for entry in yaml.safe_load(EXCLUSIONS.read_text()) or []]
        print(f"emulator: left out for emulator limitations ({EXCLUSIONS.name}): {' '.join(excluded)}")
        command = [args.dbt, "build", "--target", "bigquery_emulator", *dbt_args]
        if excluded:
            command += ["--exclude", *excluded]
        print("emulator: " + " ".join(command))
        return subprocess.run(command, env=env).returncode
    finally:
        stop_emulator(process)
        print(f"emulator: stopped after {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
