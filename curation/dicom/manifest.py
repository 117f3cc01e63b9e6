"""Per-instance auxiliary metadata for local DICOM files: the part of IDC's
``auxiliary_metadata`` table that ``dicom_all`` joins to ``dicom_metadata``.

The collection of a file is the first folder under the exported folder
(``data/dicom/<collection_id>/...``); files directly in the folder belong to ``local``.
An optional ``collections.csv`` in the exported folder (columns collection_id,
collection_name, source_doi, source_url, license_short_name) describes the collections.
The CRDC-style UUIDs are derived from the DICOM UIDs (uuid5), so they are stable across runs;
IDC's own are assigned by the CRDC.
"""

from __future__ import annotations

import csv
import hashlib
import re
import uuid
from pathlib import Path

import pyarrow as pa
from pydicom.dataset import Dataset

DEFAULT_COLLECTION = "local"
COLLECTIONS_FILE = "collections.csv"

MANIFEST_SCHEMA = pa.schema([
    ("collection_name", pa.string()),
    ("collection_id", pa.string()),
    ("submitter_case_id", pa.string()),
    ("idc_case_id", pa.string()),
    ("StudyInstanceUID", pa.string()),
    ("study_uuid", pa.string()),
    ("SeriesInstanceUID", pa.string()),
    ("series_uuid", pa.string()),
    ("SOPInstanceUID", pa.string()),
    ("instance_uuid", pa.string()),
    ("source_doi", pa.string()),
    ("source_url", pa.string()),
    ("license_short_name", pa.string()),
    ("instance_size", pa.int64()),
    ("instance_hash", pa.string()),
])


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


def stable_uuid(kind: str, value: str | None) -> str | None:
    return None if not value else str(uuid.uuid5(uuid.NAMESPACE_OID, f"{kind}:{value}"))


def manifest_row(folder: Path, path: Path, ds: Dataset, collections: dict[str, dict[str, str]]) -> dict:
    data = path.read_bytes()
    collection_id = collection_id_for(folder, path)
    info = collections.get(collection_id, {})
    patient = str(ds.get("PatientID", "")) or None
    study, series, sop = (str(ds.get(k, "")) or None
                          for k in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"))
    return {
        "collection_name": info.get("collection_name") or collection_id,
        "collection_id": collection_id,
        "submitter_case_id": patient,
        "idc_case_id": stable_uuid("case", f"{collection_id}/{patient}" if patient else None),
        "StudyInstanceUID": study,
        "study_uuid": stable_uuid("study", study),
        "SeriesInstanceUID": series,
        "series_uuid": stable_uuid("series", series),
        "SOPInstanceUID": sop,
        "instance_uuid": stable_uuid("instance", sop),
        "source_doi": info.get("source_doi") or None,
        "source_url": info.get("source_url") or None,
        "license_short_name": info.get("license_short_name") or None,
        "instance_size": len(data),
        "instance_hash": hashlib.md5(data).hexdigest(),
    }


def manifest_table(folder: Path, paths: list[Path], datasets: list[Dataset],
                   collections: Path | None = None) -> pa.Table:
    info = read_collections(collections if collections is not None else folder / COLLECTIONS_FILE)
    rows = [manifest_row(folder, p, ds, info) for p, ds in zip(paths, datasets, strict=True)]
    return pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA)
