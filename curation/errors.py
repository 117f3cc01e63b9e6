"""Errors raised while curating, each with a reason code and where it happened.

Tests assert the reason code, not the wording; users read the message, which names
the recipe, the file, the sheet and the row or column involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Reason(str, Enum):
    """Why curation stopped."""

    RECIPE_INVALID = "recipe_invalid"
    FILE_MISSING = "file_missing"
    ZIP_MEMBER_MISSING = "zip_member_missing"
    NOT_A_ZIP = "not_a_zip"
    SHEET_MISSING = "sheet_missing"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"  # a ZIP member or sheet past curation.limits
    MALFORMED_CSV = "malformed_csv"  # quoting that would merge or split rows
    MIXED_ENCODING = "mixed_encoding"
    BIGQUERY_LIMIT = "bigquery_limit"  # a table BigQuery would refuse (curation.bigquery_limits)
    SEED_ROUND_TRIP = "seed_round_trip"  # a seed would not read back as written (a curator bug)
    HEADER_OUT_OF_RANGE = "header_out_of_range"
    RAGGED_ROWS = "ragged_rows"
    PATIENT_COLUMN_MISSING = "patient_column_missing"
    EMPTY_PATIENT_ID = "empty_patient_id"
    PATIENT_ID_RULE = "patient_id_rule"
    PATIENT_TYPE_MISMATCH = "patient_type_mismatch"
    COLUMN_MISSING = "column_missing"
    COLUMN_TYPE_MISFIT = "column_type_misfit"
    STRICT = "strict"
    PREVIOUS_RELEASE = "previous_release"
    RELEASE_INVALID = "release_invalid"  # --release-datetime or releases.yml
    QUALITY_GATE = "quality_gate"
    DICTIONARY_COLUMN_MISSING = "dictionary_column_missing"
    DICTIONARY_ORPHAN_OPTION = "dictionary_orphan_option"
    DICTIONARY_DUPLICATE_VARIABLE = "dictionary_duplicate_variable"
    DICTIONARY_INVALID = "dictionary_invalid"
    REFERENCE_INVALID = "reference_invalid"  # published schemas / known differences (curation.warehouse.fidelity)
    HARMONIZATION_INVALID = "harmonization_invalid"  # a mapping file (curation.harmonization)
    BUSY = "busy"  # another run holds the lock (curation.run_lock)
    OS_ERROR = "os_error"  # read-only file system, disk full, permissions (curation.os_errors)
    OUT_OF_MEMORY = "out_of_memory"
    WAREHOUSE = "warehouse"  # the build could not be published (curation.publish.build)


@dataclass(frozen=True)
class Where:
    """The place in the inputs an error or warning refers to."""

    recipe: str | None = None
    table: str | None = None
    batch: int | None = None
    file: str | None = None
    sheet: str | int | None = None
    row: int | None = None
    column: str | int | None = None

    def describe(self) -> str:
        parts = []
        for label, value in (
            ("recipe", self.recipe),
            ("table", self.table),
            ("batch", self.batch),
            ("file", self.file),
            ("sheet", self.sheet),
            ("row", self.row),
            ("column", self.column),
        ):
            if value is not None:
                parts.append(f"{label} {value!r}" if isinstance(value, str) else f"{label} {value}")
        return ", ".join(parts)

    def with_(self, **changes) -> "Where":
        values = {**self.__dict__, **changes}
        return Where(**values)


class CurationError(Exception):
    """A problem in a recipe or its inputs that stops the run before anything is written."""

    def __init__(self, reason: Reason, message: str, where: Where | None = None):
        self.reason = reason
        self.where = where or Where()
        self.message = message
        located = self.where.describe()
        super().__init__(f"[{reason.value}] {message}" + (f" ({located})" if located else ""))
