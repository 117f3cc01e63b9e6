"""Release history: the version fields of table_metadata, carried over from the previous release.

IDC's semantics, for a table curated in release N with md5 M of its curated file:
  * new table (not in the previous release): added = prior = updated = N, all md5s = M;
  * unchanged (M equals the previous updated md5): every version field kept as it was;
  * changed: added kept; prior <- the previous updated version and md5; updated <- N, M.
A table of the previous release that is no longer curated is simply absent (see release_diff).

The previous release's table_metadata is read from the curator's own seed
(``raw_table_metadata.csv``) or from a newline-delimited JSON export of a published
table_metadata (BigQuery's export format), chosen by the file suffix.

The release's date is a property of the release, not of any table: ``curate
--release-datetime``, else the release config (``releases.yml``: one entry per release
number). It is recorded for the tables added or changed in the release and in the
``raw_release`` seed that ``release_calendar`` (MetricFlow's metric_time) and the coverage
report read. A recipe's ``source_datetime`` is the date of that table's sources
(``source_info.table_last_modified``), never the release's.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from curation.column_types import ColumnType
from curation.errors import CurationError, Reason, Where

RELEASES_FILE = Path("releases.yml")
RELEASE_COLUMNS = ["idc_version", "release_datetime"]
RELEASE_TYPES = {"idc_version": ColumnType.INTEGER}  # the other columns are STRING

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


def _iso_datetime(text: str) -> str:
    """``text`` when it is an ISO date or date-time (kept as written); else a ValueError."""
    datetime.fromisoformat(text)
    return text


class ReleaseEntry(BaseModel):
    """One release of the release config."""

    model_config = ConfigDict(extra="forbid")
    release_datetime: str = Field(description="the release's date, ISO (YYYY-MM-DD[ HH:MM:SS])")

    @field_validator("release_datetime")
    @classmethod
    def _check(cls, value: str) -> str:
        return _iso_datetime(value)


class ReleaseConfig(BaseModel):
    """``releases.yml``: the releases this project builds, by IDC release number."""

    model_config = ConfigDict(extra="forbid")
    releases: dict[int, ReleaseEntry]


def load_release_config(path: Path) -> ReleaseConfig | None:
    """The release config at ``path``; None when there is no such file; an error when invalid."""
    if not path.is_file():
        return None
    where = Where(file=str(path))
    try:
        return ReleaseConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CurationError(Reason.RELEASE_INVALID, f"cannot read the release config: {exc}", where) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        located = ".".join(str(part) for part in first["loc"])
        raise CurationError(Reason.RELEASE_INVALID, f"release config: {located}: {first['msg']}; "
                            "expected `releases: {N: {release_datetime: YYYY-MM-DD HH:MM:SS}}`", where) from exc


def release_datetime(idc_version: int, given: str | None, config_path: Path) -> str | None:
    """The datetime of release ``idc_version``: ``given`` (``--release-datetime``), else the
    release config's entry; None when neither has one."""
    if given is not None:
        try:
            return _iso_datetime(given)
        except ValueError:
            raise CurationError(Reason.RELEASE_INVALID, f"--release-datetime {given!r} is not an ISO "
                                "date or date-time (e.g. 2026-12-01 00:00:00)", Where()) from None
    config = load_release_config(config_path)
    entry = config.releases.get(idc_version) if config else None
    return entry.release_datetime if entry else None


def release_rows(idc_version: int, when: str | None) -> list[dict]:
    """The one row of the ``raw_release`` seed."""
    return [{"idc_version": idc_version, "release_datetime": when}]
