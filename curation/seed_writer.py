"""Writing the curated dbt seeds: rendered in memory, then swapped into place at once.

Layout of the output folder (``seeds/curated`` by default)::

    clinical/<table_name>.csv        one per clinical table
    clinical/_clinical__seeds.yml    column types and docs of every clinical seed
    metadata/raw_table_metadata.csv  nested fields as JSON text
    metadata/raw_column_metadata.csv
    metadata/raw_release.csv         the release's number and date
    metadata/_metadata__seeds.yml

A run writes everything into a sibling temporary folder and exchanges it with the previous
output in one atomic step only when all of it is written (curation.folder_swap), so a failed
or killed run leaves the previous seeds untouched.
Rendering depends only on the inputs (no clock, no dict-order surprises), so reruns are
byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import yaml

from curation import dbt_contract as contract
from curation.column_types import SEED_TYPES, ColumnType
from curation.errors import CurationError
from curation.folder_swap import clean_leftovers, leftover_prefixes, swap_in
from curation.metadata import (
    COLUMN_METADATA_COLUMNS,
    COLUMN_METADATA_TYPES,
    TABLE_METADATA_COLUMNS,
    TABLE_METADATA_TYPES,
)
from curation.recipe import Recipe
from curation.seed_check import _texts, check_round_trip, unquoted_reads_back
from curation.releases import RELEASE_COLUMNS, RELEASE_TYPES
from curation.table_builder import CuratedTable

_CSafeDumper = getattr(yaml, "CSafeDumper", None)  # libyaml's emitter, when PyYAML has it



def render_seed(frame: pd.DataFrame, name: str) -> bytes:
    """A seed's CSV bytes, read back and checked value by value before they are used
    (``curation.seed_check``: rows Arrow's writer wrote unquoted are vouched for without a
    second parse when they can be, any other bytes are parsed back).

    A cell holding a CR is the one thing ``render_csv``'s minimal quoting leaves unquoted; the
    read-back finds it (the CR reads as a line end), and such a table is written again with
    CRs quoted, so the common table pays for no extra scan."""
    columns = [_text_column(frame[c]) for c in frame.columns]
    data, header_end = _render_text(frame, columns)
    # the text meant of each column (a missing value: the empty field), made once for both
    meant = None if any(c is None for c in columns) else [pc.fill_null(c, "") for c in columns]
    if header_end is not None and meant is not None and unquoted_reads_back(frame, data, header_end, meant):
        return data
    try:
        check_round_trip(frame, data, name, meant)
    except CurationError:
        if not _has_carriage_return(frame):
            raise
        data = _render_csv_quoting_cr(frame)
        check_round_trip(frame, data, name)
    return data


def _has_carriage_return(frame: pd.DataFrame) -> bool:
    """Whether any cell holds a CR, which the csv module's minimal quoting leaves unquoted
    (with a "\n" line end) and every CSV reader then takes for a line break."""
    for column in frame.columns:
        if pc.any(pc.match_substring(_texts(frame[column]), "\r")).as_py():
            return True
    return False


def _render_csv_quoting_cr(frame: pd.DataFrame) -> bytes:
    """As ``render_csv``, but a cell holding a CR is quoted too: each row is written with a
    "\r\n" line end (so the writer quotes CRs as it quotes line feeds), which becomes "\n"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    lines = []
    columns = (frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns)
    for row in itertools.chain([list(frame.columns)], zip(*columns)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        lines.append(buffer.getvalue()[:-2])
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_csv(frame: pd.DataFrame) -> bytes:
    """CSV text of a frame of text cells (missing -> empty field), minimal quoting.

    The csv module over column lists writes the same bytes as ``DataFrame.to_csv`` for such
    frames, in about 60% of its time (see scripts/bench.py).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    columns = (frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns)
    writer.writerows(zip(*columns))
    return buffer.getvalue().encode("utf-8")


def _text_column(series: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """A column of text cells as an Arrow string array, chunked as the Series holds it
    (missing -> null); None when some cell is not text (numbers are written by the csv
    module's rules: ``render_csv``)."""
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if isinstance(array, pa.ChunkedArray) and array.num_chunks == 1:
        array = array.chunk(0)  # several chunks are kept as they are: combining them would copy every cell
    if pa.types.is_null(array.type):
        return pa.nulls(len(array), pa.large_string())
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    return array.cast(pa.large_string())


def _csv_fields(column: pa.Array) -> pa.Array:
    """Each cell as a CSV field with minimal quoting: quoted (inner quotes doubled) when it
    holds the delimiter, a quote or a line feed, as the csv module writes it."""
    needs = pc.or_(pc.or_(pc.match_substring(column, ","), pc.match_substring(column, '"')),
                   pc.match_substring(column, "\n"))
    if not pc.any(needs).as_py():
        return column
    quote = pa.scalar('"', pa.large_string())
    quoted = pc.binary_join_element_wise(quote, pc.replace_substring(column, '"', '""'), quote,
                                         pa.scalar("", pa.large_string()))
    return pc.if_else(needs, quoted, column)


def _unquoted_body(columns: list[pa.Array], header: bytes = b"") -> bytes | None:
    """The rows of a table none of whose cells needs quoting, written by Arrow's CSV writer
    (one pass in C++); None when some cell holds a delimiter, quote, line feed or CR, which
    that writer refuses without quoting (``render_text_csv`` then quotes as the csv module
    does). Missing values are empty fields, lines end with "\n": the csv module's bytes.
    ``header`` is written before the rows (one buffer, not a copy of the rows after it)."""
    table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])
    sink = io.BytesIO()
    sink.write(header)
    try:
        pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    except pa.ArrowInvalid:
        return None
    return sink.getvalue()


def render_text_csv(frame: pd.DataFrame, columns: list[pa.Array | None] | None = None) -> bytes:
    """``render_csv``'s bytes, built with Arrow kernels (a field per cell, then a line per row)
    instead of a Python object per cell: a few times faster on large tables.

    Frames it does not cover are handed to ``render_csv``: a cell that is not text, a single
    column (the csv module quotes an empty lone field), or a carriage return in a cell.
    """
    return _render_text(frame, columns)[0]


def _render_text(frame: pd.DataFrame, columns: list[pa.Array | None] | None = None) -> tuple[bytes, int | None]:
    """``render_text_csv``'s bytes, and the header's length in them when Arrow's CSV writer
    wrote the rows unquoted (``_unquoted_body``; else None)."""
    if len(frame.columns) <= 1:
        columns = [None]
    elif columns is None:  # ``_text_column`` of each column, unless the caller has them
        columns = [_text_column(frame[c]) for c in frame.columns]
    if any(c is None for c in columns):
        return render_csv(frame), None
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(frame.columns)
    header = buffer.getvalue().encode("utf-8")
    if not len(frame):
        return header, None
    data = _unquoted_body(columns, header)
    if data is not None:
        return data, len(header)
    if any(pc.any(pc.match_substring(c, "\r")).as_py() for c in columns):
        return render_csv(frame), None
    fields = [_csv_fields(c) for c in columns]
    lines = pc.binary_join_element_wise(*fields, pa.scalar(",", pa.large_string()),
                                        null_handling="replace", null_replacement="")
    feed = pa.scalar("\n", pa.large_string())
    lines = pc.binary_join_element_wise(lines, feed, pa.scalar("", pa.large_string()))  # each line ends with one
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()  # its bytes, once: the body
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
    body = lines.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]] if offsets[-1] > offsets[0] else b""
    return header + body, None


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _printable_ascii(node) -> bool:
    """Whether every string of a document is printable ASCII (space to ``~``) and every key
    such a non-empty string (the emitters write an empty key differently)."""
    if isinstance(node, str):
        return node.isascii() and node.isprintable()
    if isinstance(node, dict):
        return all(isinstance(k, str) and k and _printable_ascii(k) and _printable_ascii(v) for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return all(_printable_ascii(v) for v in node)
    return True


def _dump_yaml(document: dict) -> bytes:
    """The document as YAML, the same bytes whichever emitter writes them: libyaml's (several
    times faster) only when every string is printable ASCII, where its output is the Python
    emitter's; otherwise the Python emitter, which folds long escaped non-ASCII strings at
    other points than libyaml's."""
    options = {"sort_keys": False, "allow_unicode": True, "width": 100}
    if _CSafeDumper is not None and _printable_ascii(document):
        return yaml.dump(document, Dumper=_CSafeDumper, **options).encode("utf-8")
    return yaml.safe_dump(document, **options).encode("utf-8")


def image_collections(table: CuratedTable, recipe: Recipe) -> list[str]:
    """The collections whose images the table's patient ids must name."""
    declared = next((t.image_collections for t in recipe.tables if recipe.table_name(t) == table.table_name), None)
    return list(declared or [recipe.collection_id])


def _column_tests(column: str, table: CuratedTable, recipe: Recipe) -> list:
    """The per-table data tests of a column. Every other check of a clinical table is a
    release-wide test over all of them (tests/dbt/clinical_*.sql), so dbt gets at most two
    nodes per table: the seed and this test."""
    if column != contract.PATIENT_ID.name:
        return []
    return [{contract.PATIENTS_HAVE_IMAGES: {
        "arguments": {contract.TEST_COLLECTIONS: image_collections(table, recipe),
                      contract.TEST_INDEX: f"{{{{ ref('{contract.PATIENT_INDEX_MODEL}') }}}}"},
        "config": {"severity": recipe.patients_without_images},
    }}]


def clinical_seeds_yaml(built: list[tuple[CuratedTable, Recipe]]) -> bytes:
    """Seed properties: exact column types, docs, dictionary codes (column ``meta``, read by the
    release-wide tests through macros/clinical_tables.sql) and the per-table data tests."""
    seeds = []
    for table, recipe in built:
        columns = []
        for c in table.columns:
            entry = {"name": c.name, "description": c.column_label, "data_type": str(c.sql_type)}
            tests = _column_tests(c.name, table, recipe)
            if tests:
                entry["data_tests"] = tests
            if c.value_set:  # read by the release-wide dictionary tests (macros/clinical_tables.sql)
                entry["config"] = {"meta": {contract.META_DICTIONARY_CODES: c.value_set, contract.META_DICTIONARY_CLOSED: c.closed}}
            columns.append(entry)
        seeds.append({
            "name": table.table_name,
            "description": f"{table.description} ({table.collection_id})",
            "config": {
                "column_types": {c.name: SEED_TYPES[c.sql_type] for c in table.columns},
                "meta": {contract.META_COLLECTION_ID: table.collection_id},
            },
            "columns": columns,
        })
    return _dump_yaml({"version": 2, "seeds": seeds})


def clinical_tables_model(built: list[tuple[CuratedTable, Recipe]]) -> bytes:
    """A generated staging model listing the clinical tables, one ``ref`` each.

    Models built from every clinical table (the semantic layer) select from it, so dbt runs
    them after all clinical seeds are loaded; the list itself comes from the recipes.
    """
    lines = [
        "-- Generated by `curate`: one row per curated clinical table, with its row count.",
        "-- Its refs order every model built from the clinical tables after all of them.",
        "{{ config(materialized='view', schema='clinical_staging') }}",
    ]
    selects = [
        f"select\n    '{t.collection_id}' as collection_id,\n    '{t.table_name}' as table_name,\n"
        f"    (select count(*) from {{{{ ref('{t.table_name}') }}}}) as n_rows"
        for t, _ in built
    ]
    return ("\n".join(lines) + "\n" + "\nunion all\n".join(selects) + "\n").encode("utf-8")


def _documented(prefix: str, columns: list[str]) -> list[dict]:
    """Column docs from the doc blocks in models/clinical/_clinical__docs.md (JSON text here)."""
    return [{"name": c, "description": f'{{{{ doc("{prefix}_{c}") }}}}',
             **({"quote": True} if c in ("column", "values") else {})} for c in columns]


def _seed_types(columns: list[str], types: dict[str, ColumnType]) -> dict[str, str]:
    """Seed ``column_types`` of a metadata seed: ``types``' columns so typed, the rest STRING."""
    return {c: SEED_TYPES[types.get(c, ColumnType.STRING)] for c in columns}


def metadata_seeds_yaml() -> bytes:
    seeds = [
        {
            "name": contract.TABLE_METADATA_SEED,
            "description": "table_metadata as curated; nested fields as JSON text",
            "config": {"column_types": _seed_types(TABLE_METADATA_COLUMNS, TABLE_METADATA_TYPES)},
            "columns": _documented(contract.TABLE_METADATA_DOCS, TABLE_METADATA_COLUMNS),
        },
        {
            "name": contract.COLUMN_METADATA_SEED,
            "description": "column_metadata as curated; nested fields as JSON text",
            "config": {"column_types": _seed_types(COLUMN_METADATA_COLUMNS, COLUMN_METADATA_TYPES)},
            "columns": _documented(contract.COLUMN_METADATA_DOCS, COLUMN_METADATA_COLUMNS),
        },
        {
            "name": contract.RELEASE_SEED,
            "description": "the release being curated: its number and date (`curate --release-datetime` or releases.yml)",
            "config": {"column_types": _seed_types(RELEASE_COLUMNS, RELEASE_TYPES)},
            "columns": _documented(contract.RELEASE_DOCS, RELEASE_COLUMNS),
        },
    ]
    return _dump_yaml({"version": 2, "seeds": seeds})


def write_atomically(files: dict[str, bytes], out_dir: Path) -> None:
    """Write ``files`` (relative path -> bytes) as the whole content of ``out_dir``: into a
    sibling staging folder, then swapped in by one atomic exchange (curation.folder_swap).
    Callers hold the run lock (curation.pipeline), so leftovers of killed runs are removed
    first."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=leftover_prefixes(out_dir)[0], dir=out_dir.parent))
    try:
        for relative, data in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
