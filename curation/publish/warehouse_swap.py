"""Building a DuckDB release beside the published warehouse and swapping it in at once.

``make build`` never writes into the published file (``build/idc.duckdb``). It copies that
file into a staging folder beside it (``.idc.duckdb.staging-<pid>/idc.duckdb``: the same file
name, so the database keeps its catalog name and every view's references stay valid), drops
the schemas of the release being built there (``idc_v<N>`` and ``idc_v<N>_*``: the release is
rebuilt whole, no table of an earlier build of it survives), lets dbt build into the copy, and
only when every model and error-severity test passed replaces the published file by the copy
with one ``os.replace``. Other releases and ``idc_current_clinical`` live in the same file, so
a failed or killed build leaves all of them exactly as they were (byte for byte).

A DuckDB file open in another process (a DuckDB CLI, a notebook) holds DuckDB's lock; the
build then stops with one line naming that process instead of a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb

from curation.errors import CurationError, Reason

_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def open_error(database: Path, exc: Exception, unchanged: str) -> CurationError:
    match = _HOLDER.search(str(exc))
    holder = f"{match['program']} (pid {match['pid']})" if match else "another process"
    return CurationError(
        Reason.WAREHOUSE,
        f"{database} is open in {holder}; close it there and run again; {unchanged}")


def checkpoint(database: Path, unchanged: str) -> None:
    """Open ``database`` for writing (fails when another process holds it) and fold its
    write-ahead log into the file, so that the file alone is the whole database."""
    if not database.exists():
        return
    try:
        con = duckdb.connect(str(database))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise open_error(database, exc, unchanged) from None
        raise CurationError(Reason.WAREHOUSE, f"{database} cannot be opened ({exc}); {unchanged}") from None
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def staging_prefix(database: Path) -> str:
    return f".{database.name}.staging-"


def clean_staging(database: Path) -> list[str]:
    """Remove the staging folders of killed builds (call while holding the build lock)."""
    removed = []
    if database.parent.is_dir():
        for path in sorted(database.parent.iterdir()):
            if path.name.startswith(staging_prefix(database)):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
    return removed


def release_schemas(con: duckdb.DuckDBPyConnection, idc_version: int) -> list[str]:
    pattern = re.compile(rf"idc_v{idc_version}(_.+)?")
    names = [r[0] for r in con.execute(
        "select schema_name from information_schema.schemata where catalog_name = current_database()"
    ).fetchall()]
    return sorted(n for n in names if pattern.fullmatch(n.lower()))


def stage(database: Path, idc_version: int, keep_release: bool = False) -> Path:
    """A copy of the published warehouse without release ``idc_version`` (with it when
    ``keep_release``: a build of selected nodes only), to build into."""
    folder = database.parent / f"{staging_prefix(database)}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    staged = folder / database.name
    if database.exists():
        shutil.copyfile(database, staged)
        con = duckdb.connect(str(staged))
        try:
            for schema in [] if keep_release else release_schemas(con, idc_version):
                con.execute(f'drop schema "{schema}" cascade')
            con.execute("checkpoint")
        finally:
            con.close()
    return staged


def publish(staged: Path, database: Path, unchanged: str) -> None:
    """Replace the published warehouse by the staged one (one rename), then remove the
    staging folder."""
    checkpoint(staged, unchanged)
    checkpoint(database, unchanged)  # nobody opened it meanwhile
    os.replace(staged, database)
    shutil.rmtree(staged.parent, ignore_errors=True)
