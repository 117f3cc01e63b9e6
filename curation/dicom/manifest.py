"""Per-instance auxiliary metadata for local DICOM files: IDC's ``auxiliary_metadata`` table
(the columns ``dicom_all`` reads), plus the two collection-level tables ``dicom_all`` joins,
``original_collections_metadata`` and ``analysis_results_metadata``.

Where each value comes from (nothing is made up; a value without a source is NULL):

- the file itself: the DICOM UIDs and PatientID, ``instance_size`` (bytes) and
  ``instance_hash`` (MD5 of the file, as IDC computes it);
- the folder: ``collection_id`` is the first folder under the exported folder
  (``data/dicom/<collection_id>/...``; files directly in it belong to ``local``);
- ``collections.csv`` in the exported folder (optional): per collection_id, any of
  collection_name, source_doi, source_url, versioned_source_doi, license_url,
  license_long_name, license_short_name, access, and for original_collections_metadata
  tumor_locations, species, cancer_types; analysis_result_id marks an analysis result;
- an auxiliary-metadata Parquet the user supplies (``curate dicom --auxiliary FILE``, for
  example rows of IDC's own ``auxiliary_metadata`` export): per SOPInstanceUID, every column
  of ``AUXILIARY_SCHEMA`` it has, non-NULL values taking precedence over the above. The CRDC
  UUIDs, hashes of collections/patients/studies/series, IDC versions, URLs and buckets come
  only from there.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydicom.dataset import Dataset

DEFAULT_COLLECTION = "local"
COLLECTIONS_FILE = "collections.csv"

_S, _I = pa.string(), pa.int64()

# The columns of IDC's auxiliary_metadata that dicom_all reads (names and BigQuery types of
# IDC's table: collection_timestamp DATETIME, versions and sizes INTEGER, the rest STRING).
AUXILIARY_SCHEMA = pa.schema([
    ("collection_name", _S), ("collection_id", _S), ("collection_timestamp", pa.timestamp("us")),
    ("collection_hash", _S), ("collection_init_idc_version", _I),
    ("collection_revised_idc_version", _I), ("access", _S),
    ("submitter_case_id", _S), ("idc_case_id", _S), ("patient_hash", _S),
    ("patient_init_idc_version", _I), ("patient_revised_idc_version", _I),
    ("StudyInstanceUID", _S), ("study_uuid", _S), ("study_hash", _S),
    ("study_init_idc_version", _I), ("study_revised_idc_version", _I),
    ("SeriesInstanceUID", _S), ("series_uuid", _S), ("series_gcs_url", _S), ("series_aws_url", _S),
    ("series_hash", _S), ("series_init_idc_version", _I), ("series_revised_idc_version", _I),
    ("SOPInstanceUID", _S), ("instance_uuid", _S), ("gcs_url", _S), ("gcs_bucket", _S),
    ("aws_url", _S), ("aws_bucket", _S), ("instance_size", _I), ("instance_hash", _S),
    ("instance_init_idc_version", _I), ("instance_revised_idc_version", _I),
    ("source_doi", _S), ("source_url", _S), ("versioned_source_doi", _S),
    ("license_url", _S), ("license_long_name", _S), ("license_short_name", _S),
])
MANIFEST_SCHEMA = AUXILIARY_SCHEMA  # the name the bench and older callers use

# IDC's original_collections_metadata: the columns dicom_all reads.
COLLECTIONS_SCHEMA = pa.schema([
    ("collection_name", _S), ("collection_id", _S),
    ("TumorLocations", _S), ("Species", _S), ("CancerTypes", _S),
])
# IDC's analysis_results_metadata: the columns dicom_all reads.
ANALYSIS_RESULTS_SCHEMA = pa.schema([("ID", _S), ("source_doi", _S)])

_FROM_COLLECTIONS = ("collection_name", "source_doi", "source_url", "versioned_source_doi",
                     "license_url", "license_long_name", "license_short_name", "access")


def collection_id_for(folder: Path, path: Path) -> str:
    parts = path.relative_to(folder).parts
    if len(parts) < 2:
        return DEFAULT_COLLECTION
    return re.sub(r"[^a-z0-9_]", "", re.sub(r"[-/ ]", "_", parts[0].lower()))


def read_collections(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None or not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["collection_id"]: row for row in csv.DictReader(fh)}


def read_auxiliary(path: Path | None) -> dict[str, dict]:
    """Rows of a user-supplied auxiliary-metadata Parquet by SOPInstanceUID, only the columns
    of ``AUXILIARY_SCHEMA`` it has (cast to their types; a value that does not cast fails)."""
    if path is None:
        return {}
    if not path.is_file():
        raise ValueError(f"{path}: no such auxiliary-metadata Parquet file")
    table = pq.read_table(path)
    if "SOPInstanceUID" not in table.column_names:
        raise ValueError(f"{path}: an auxiliary-metadata file needs a SOPInstanceUID column")
    names = [f.name for f in AUXILIARY_SCHEMA if f.name in table.column_names]
    table = table.select(names).cast(pa.schema([AUXILIARY_SCHEMA.field(n) for n in names]))
    return {row["SOPInstanceUID"]: row for row in table.to_pylist()}


def manifest_row(folder: Path, path: Path, ds: Dataset, collections: dict[str, dict[str, str]],
                 supplied: dict[str, dict] | None = None) -> dict:
    data = path.read_bytes()
    collection_id = collection_id_for(folder, path)
    info = collections.get(collection_id, {})
    row = dict.fromkeys(AUXILIARY_SCHEMA.names)
    row.update({name: info.get(name) or None for name in _FROM_COLLECTIONS})
    row.update({
        "collection_id": collection_id,
        "submitter_case_id": str(ds.get("PatientID", "")) or None,
        "StudyInstanceUID": str(ds.get("StudyInstanceUID", "")) or None,
        "SeriesInstanceUID": str(ds.get("SeriesInstanceUID", "")) or None,
        "SOPInstanceUID": str(ds.get("SOPInstanceUID", "")) or None,
        "instance_size": len(data),
        "instance_hash": hashlib.md5(data).hexdigest(),
    })
    given = (supplied or {}).get(row["SOPInstanceUID"], {})
    row.update({k: v for k, v in given.items() if v is not None})
    return row


def manifest_table(folder: Path, paths: list[Path], datasets: list[Dataset],
                   collections: Path | None = None, auxiliary: Path | None = None) -> pa.Table:
    info = read_collections(collections if collections is not None else folder / COLLECTIONS_FILE)
    supplied = read_auxiliary(auxiliary)
    rows = [manifest_row(folder, p, ds, info, supplied) for p, ds in zip(paths, datasets, strict=True)]
    return pa.Table.from_pylist(rows, schema=AUXILIARY_SCHEMA)


def collections_table(manifest: pa.Table, collections: dict[str, dict[str, str]]) -> pa.Table:
    """original_collections_metadata: one row per collection of the manifest."""
    rows = []
    for collection_id in sorted(set(manifest.column("collection_id").to_pylist()) - {None}):
        info = collections.get(collection_id, {})
        rows.append({"collection_name": info.get("collection_name") or None,
                     "collection_id": collection_id,
                     "TumorLocations": info.get("tumor_locations") or None,
                     "Species": info.get("species") or None,
                     "CancerTypes": info.get("cancer_types") or None})
    return pa.Table.from_pylist(rows, schema=COLLECTIONS_SCHEMA)


def analysis_results_table(collections: dict[str, dict[str, str]]) -> pa.Table:
    """analysis_results_metadata: the collections.csv rows with an analysis_result_id."""
    rows = [{"ID": info["analysis_result_id"], "source_doi": info.get("source_doi") or None}
            for _, info in sorted(collections.items()) if info.get("analysis_result_id")]
    return pa.Table.from_pylist(rows, schema=ANALYSIS_RESULTS_SCHEMA)
