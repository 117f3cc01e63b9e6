"""table_metadata and column_metadata rows, with every field IDC publishes.

Nested (REPEATED / RECORD) fields are encoded as JSON text in the seeds; the dbt staging
models turn them back into native nested types (LIST/STRUCT on DuckDB, ARRAY/STRUCT on
BigQuery) through dispatch macros.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from curation.column_types import NUMERIC_TYPES, ColumnType
from curation.releases import version_fields
from curation.table_builder import CuratedColumn, CuratedTable

MAX_LISTED_VALUES = 20

TABLE_METADATA_COLUMNS = [
    "collection_id", "table_name", "table_description", "idc_version_table_added",
    "table_added_datetime", "post_process_src", "post_process_src_added_md5",
    "idc_version_table_prior", "post_process_src_prior_md5", "idc_version_table_updated",
    "table_updated_datetime", "post_process_src_updated_md5", "number_batches", "source_info",
]
COLUMN_METADATA_COLUMNS = [
    "collection_id", "case_col", "table_name", "column", "column_label", "data_type",
    "original_column_headers", "values", "values_source", "files", "sheet_names", "batch",
    "column_numbers",
]
# the metadata seeds' typed columns (the others are STRING: nested fields as JSON text)
TABLE_METADATA_TYPES = {"number_batches": ColumnType.INTEGER}
COLUMN_METADATA_TYPES = {"case_col": ColumnType.BOOLEAN}
# column_metadata ``values_source``: where a column's listed values come from
PROVIDED_DICTIONARY = "provided dictionary"
INSPECTED_VALUES = "derived from inspection of values"


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Release:
    """The release being curated: its number, the datetime recorded for tables added or
    updated in it, and the previous release's table_metadata rows by table name
    (empty for a first release)."""

    idc_version: int
    datetime: str | None = None
    previous: dict[str, dict] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"idc_v{self.idc_version}"


def table_metadata_row(table: CuratedTable, seed_file: str, seed_md5: str, release: Release,
                       source_datetime: str | None) -> dict:
    """One table_metadata row, its version fields carried over from the previous release.

    The datetimes of a table added or changed in this release are the release's own
    (``release.datetime``); ``source_datetime`` (the recipe's: when its sources were published)
    is the sources' date, ``source_info[].table_last_modified``."""
    versions = version_fields(release.previous.get(table.table_name), seed_md5, release.label,
                              release.datetime)
    source_info = [
        {"srcs": list(b.chain), "md5": b.downloaded_md5, "table_last_modified": source_datetime,
         "table_size": None}
        for b in table.batches
    ]
    return {
        "collection_id": table.collection_id,
        "table_name": table.table_name,
        "table_description": table.description,
        "idc_version_table_added": versions["idc_version_table_added"],
        "table_added_datetime": versions["table_added_datetime"],
        "post_process_src": seed_file,
        "post_process_src_added_md5": versions["post_process_src_added_md5"],
        "idc_version_table_prior": versions["idc_version_table_prior"],
        "post_process_src_prior_md5": versions["post_process_src_prior_md5"],
        "idc_version_table_updated": versions["idc_version_table_updated"],
        "table_updated_datetime": versions["table_updated_datetime"],
        "post_process_src_updated_md5": versions["post_process_src_updated_md5"],
        "number_batches": len(table.batches),
        "source_info": to_json(source_info),
    }


_DISTINCT_HEAD = 1000


def _distinct_texts(values: pd.Series) -> pd.Series | None:
    """The distinct non-missing values of a text column in order of first appearance, by Arrow
    kernels (None: more than ``MAX_LISTED_VALUES`` already in the first rows, or not text)."""
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    if pc.count_distinct(array.slice(0, _DISTINCT_HEAD)).as_py() > MAX_LISTED_VALUES:
        return pd.Series([], dtype=object)  # already too many in the first rows: skip the full pass
    return pd.Series(pc.unique(array.drop_null()).to_pylist(), dtype=object)


def observed_values(column: CuratedColumn) -> list[dict]:
    """The distinct values, sorted (numerically for numbers); empty when more than 20."""
    distinct = _distinct_texts(column.values)
    if distinct is None:
        head = column.values.iloc[:_DISTINCT_HEAD].dropna()
        if head.nunique() > MAX_LISTED_VALUES:  # already too many in the first rows: skip the full pass
            return []
        distinct = pd.Series(column.values.dropna().unique())
    if len(distinct) > MAX_LISTED_VALUES or distinct.empty:
        return []
    if column.sql_type in NUMERIC_TYPES:
        ordered = sorted(distinct, key=float)
    else:
        ordered = sorted(distinct)
    return [{"option_code": str(v), "option_description": None} for v in ordered]


def dictionary_values(column: CuratedColumn) -> list[dict]:
    """The column's options from its dictionary, in the dictionary's order."""
    return [{"option_code": o.code, "option_description": o.description or None} for o in column.options]


def column_metadata_rows(table: CuratedTable) -> list[dict]:
    rows = []
    for column in table.columns:
        rows.append({
            "collection_id": table.collection_id,
            "case_col": "true" if column.case_col else "false",
            "table_name": table.table_name,
            "column": column.name,
            "column_label": column.column_label,
            "data_type": str(column.sql_type),
            "original_column_headers": to_json(column.original_headers),
            "values": to_json(dictionary_values(column) if column.options else observed_values(column)),
            "values_source": PROVIDED_DICTIONARY if column.options else INSPECTED_VALUES,
            "files": to_json([p.file for p in column.provenance]),
            "sheet_names": to_json([p.sheet_name or "" for p in column.provenance]),
            "batch": to_json([p.batch for p in column.provenance]),
            "column_numbers": to_json([p.column_number for p in column.provenance if p.column_number >= 0]),
            "values_closed": column.closed,  # for the quality gate only: not a published field
        })
    return rows
