"""wasmtime 50.0.1: ``Module.from_file`` keeps the machine code it compiles (bigquery_check.zetasql_check).

ZetaSQL (PyPI ``zetasql``) loads its analyzer as a 30 MB WebAssembly module through
``wasmtime.Module.from_file``; compiling it takes most of the analyzer's start-up. The
replacement serializes the compiled module to a cache folder and loads it from there next time.
Written for the wasmtime pinned in requirements-zetasql.txt; another release stops at import.
"""

from __future__ import annotations

from pathlib import Path

from bigquery_check.pinned import require

require("wasmtime", "50.0.1", __name__)


def cache_compiled_module(cache_dir: Path) -> None:
    """Keep wasmtime's machine code for ZetaSQL's WebAssembly module between runs.

    Compiling the 30 MB module takes most of the analyzer's start-up (20-60 s on 2 cores);
    a serialized module, keyed by the .wasm file's size and mtime and wasmtime's version,
    loads in about a second.
    """
    from importlib.metadata import version

    from wasmtime import Module

    original = Module.from_file.__func__

    def from_file(cls, engine, path):
        stat = Path(path).stat()
        key = f"{Path(path).stem}-{stat.st_size}-{int(stat.st_mtime)}-{version('wasmtime')}.cwasm"
        cached = cache_dir / key
        if cached.exists():
            try:
                return Module.deserialize_file(engine, str(cached))
            except Exception:  # a stale or partial file: compile again
                cached.unlink(missing_ok=True)
        module = original(cls, engine, path)
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.write_bytes(module.serialize())
        partial.replace(cached)
        return module

    Module.from_file = classmethod(from_file)
