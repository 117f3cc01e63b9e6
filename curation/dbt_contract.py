"""The dbt contract: every name the curator's output shares with the dbt project, defined once.

The seed writer, the quality gate, naming and the table builder take these names from here;
the dbt side reads them as written:
  * the columns the curator adds to every clinical table (``ADDED_COLUMNS``: name, type,
    label), first and in this order; naming counts them as taken, the gate checks them
    not NULL;
  * the seeds' types: ``curation.column_types.SEED_TYPES`` (one map per target is there);
  * the per-table data test the seed YAML declares (``PATIENTS_HAVE_IMAGES``,
    tests/dbt/generic/), its arguments and the index model it reads;
  * the seed ``meta`` keys read by macros/clinical_tables.sql (``META_*``);
  * the doc-block prefixes of the metadata seeds' columns (models/clinical/_clinical__docs.md);
  * the output's layout: the folders, the metadata seeds' names, the seed property files
    and the generated model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from curation.column_types import ColumnType


@dataclass(frozen=True)
class AddedColumn:
    """A column the curator adds to every clinical table."""

    name: str
    sql_type: ColumnType
    label: str


PATIENT_ID: Final = AddedColumn("dicom_patient_id", ColumnType.STRING, "DICOM PatientID of the patient's images")
SOURCE_BATCH: Final = AddedColumn("source_batch", ColumnType.INTEGER,
                                  "source batch the row came from (0 when there is one)")
ADDED_COLUMNS: Final = (PATIENT_ID, SOURCE_BATCH)
ADDED_NAMES: Final = tuple(c.name for c in ADDED_COLUMNS)
NOT_NULL: Final = ADDED_NAMES  # the quality gate's expect_column_values_to_not_be_null

# The generic test on dicom_patient_id (tests/dbt/generic/patients_have_images.sql) and its arguments.
PATIENTS_HAVE_IMAGES: Final = "patients_have_images"
TEST_COLLECTIONS: Final = "collection_ids"
TEST_INDEX: Final = "index"
PATIENT_INDEX_MODEL: Final = "stg_idc_index__patients"

# Seed meta keys, read by macros/clinical_tables.sql.
META_COLLECTION_ID: Final = "collection_id"  # a clinical seed's collection
META_DICTIONARY_CODES: Final = "dictionary_codes"  # a coded column's codes
META_DICTIONARY_CLOSED: Final = "dictionary_closed"  # values outside them fail (not warn)

# Doc-block prefixes of the metadata seeds' columns: {% docs <prefix>_<column> %}.
TABLE_METADATA_DOCS: Final = "tm"
COLUMN_METADATA_DOCS: Final = "cm"
RELEASE_DOCS: Final = "rl"

# The output folder's layout.
CLINICAL_DIR: Final = "clinical"
METADATA_DIR: Final = "metadata"
TABLE_METADATA_SEED: Final = "raw_table_metadata"
COLUMN_METADATA_SEED: Final = "raw_column_metadata"
RELEASE_SEED: Final = "raw_release"
CLINICAL_SEEDS_PROPERTIES: Final = "_clinical__seeds.yml"  # in CLINICAL_DIR
CLINICAL_SEEDS_YAML: Final = f"{CLINICAL_DIR}/{CLINICAL_SEEDS_PROPERTIES}"
METADATA_SEEDS_YAML: Final = f"{METADATA_DIR}/_metadata__seeds.yml"
TABLES_MODEL: Final = "models/stg_clinical__tables.sql"


def clinical_seed(table_name: str) -> str:
    """A clinical table's seed file, relative to the output folder."""
    return f"{CLINICAL_DIR}/{table_name}.csv"


def metadata_seed(seed_name: str) -> str:
    """A metadata seed's file, relative to the output folder."""
    return f"{METADATA_DIR}/{seed_name}.csv"
