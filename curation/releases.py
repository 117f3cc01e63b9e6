"""Release history: the version fields of table_metadata, carried over from the previous release.

IDC's semantics, for a table curated in release N with md5 M of its curated file:
  * new table (not in the previous release): added = prior = updated = N, all md5s = M;
  * unchanged (M equals the previous updated md5): every version field kept as it was;
  * changed: added kept; prior <- the previous updated version and md5; updated <- N, M.
A table of the previous release that is no longer curated is simply absent (see release_diff).

The previous release's table_metadata is read from the curator's own seed
(``raw_table_metadata.csv``) or from a newline-delimited JSON export of a published
table_metadata (BigQuery's export format), chosen by the file suffix.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from curation.errors import CurationError, Reason, Where

VERSION_FIELDS = (
    "idc_version_table_added", "table_added_datetime", "post_process_src_added_md5",
    "idc_version_table_prior", "post_process_src_prior_md5",
    "idc_version_table_updated", "table_updated_datetime", "post_process_src_updated_md5",
)
_REQUIRED = ("table_name", *VERSION_FIELDS)


def _rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".json", ".ndjson", ".jsonl"):
        stripped = text.strip()
        if stripped.startswith("["):
            return json.loads(stripped)
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return list(csv.DictReader(text.splitlines()))


def load_previous(path: Path) -> dict[str, dict]:
    """The previous release's table_metadata rows by table name; an unreadable file is an error."""
    where = Where(file=str(path))
    try:
        rows = _rows(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        raise CurationError(Reason.PREVIOUS_RELEASE, f"cannot read the previous table_metadata: {exc}",
                            where) from exc
    if not rows:
        raise CurationError(Reason.PREVIOUS_RELEASE, "the previous table_metadata has no rows", where)
    missing = [f for f in _REQUIRED if f not in rows[0]]
    if missing:
        raise CurationError(Reason.PREVIOUS_RELEASE,
                            f"the previous table_metadata lacks the field(s) {missing}", where)
    return {row["table_name"]: {k: (row[k] or None) for k in _REQUIRED} for row in rows}


def version_fields(previous: dict | None, md5: str, version: str, when: str | None) -> dict:
    """The version fields of one table_metadata row in this release."""
    if previous is None:
        return {
            "idc_version_table_added": version, "table_added_datetime": when,
            "post_process_src_added_md5": md5,
            "idc_version_table_prior": version, "post_process_src_prior_md5": md5,
            "idc_version_table_updated": version, "table_updated_datetime": when,
            "post_process_src_updated_md5": md5,
        }
    if previous["post_process_src_updated_md5"] == md5:
        return {field: previous[field] for field in VERSION_FIELDS}
    return {
        "idc_version_table_added": previous["idc_version_table_added"],
        "table_added_datetime": previous["table_added_datetime"],
        "post_process_src_added_md5": previous["post_process_src_added_md5"],
        "idc_version_table_prior": previous["idc_version_table_updated"],
        "post_process_src_prior_md5": previous["post_process_src_updated_md5"],
        "idc_version_table_updated": version, "table_updated_datetime": when,
        "post_process_src_updated_md5": md5,
    }
