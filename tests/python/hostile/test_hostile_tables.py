"""Wide tables and names BigQuery refuses: the gate scales with columns, the limits are checked
at curation (not when a publish fails half-way)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from curation import bigquery_limits, quality_gate
from curation.errors import CurationError, Reason
from helpers.curate import curate, lay_out
from helpers.files import csv_bytes

RECIPE = """\
    collection_id: demo
    type_mode: inferred
    tables:
      - batches:
          - files: [data.csv]
            patient_column: patient
    """


def _error(tmp_path, data: bytes, recipe: str = RECIPE) -> CurationError:
    with pytest.raises(CurationError) as caught:
        curate(tmp_path, recipe, {"data.csv": data})
    return caught.value


def test_the_gate_checks_ten_thousand_columns_and_finds_the_last_bad_one():
    rows, width = 20, 10_000
    names = ["dicom_patient_id", "source_batch"] + [f"c{j}" for j in range(width - 2)]
    cells = np.arange(rows * width).reshape(rows, width).astype(str).astype(object)
    cells[0, width - 1] = "x"  # the last column's first value is not an integer
    frame = pd.DataFrame(cells, columns=names)
    documented = [{"column": c, "data_type": "STRING" if c in ("dicom_patient_id", "source_batch") else "INTEGER",
                   "values": json.dumps([]), "values_source": ""} for c in frame.columns]
    (failure,) = quality_gate.validate({"t": frame}, {"t": documented})
    assert (failure.column, failure.expectation) == (f"c{width - 3}", "expect_column_values_to_match_regex")
    assert "['x']" in failure.detail


def test_more_columns_than_bigquery_allows_is_refused_before_the_table_is_built(tmp_path):
    width = bigquery_limits.MAX_COLUMNS - 1  # with dicom_patient_id and source_batch: one too many
    header = ",".join(["patient"] + [f"c{j}" for j in range(width - 1)])
    error = _error(tmp_path, csv_bytes(header, ",".join(["P1"] + ["1"] * (width - 1))))
    assert error.reason is Reason.BIGQUERY_LIMIT and "10,001 columns" in error.message
    assert error.where.table == "demo_clinical"


def test_a_column_name_longer_than_bigquery_allows_is_refused(tmp_path):
    error = _error(tmp_path, csv_bytes(f"patient,{'x' * 301}", "P1,1"))
    assert error.reason is Reason.BIGQUERY_LIMIT and "301 characters" in error.message


@pytest.mark.parametrize("header", ["_PARTITIONTIME", "_partitiondate", "_TABLE_SUFFIX", "_FILE_NAME",
                                    "_ROW_TIMESTAMP", "__root__", "_COLIDENTIFIER_x", "_CHANGE_TYPE"])
def test_a_column_with_a_reserved_prefix_is_refused(tmp_path, header):
    error = _error(tmp_path, csv_bytes(f"patient,{header}", "P1,1"))
    assert error.reason is Reason.BIGQUERY_LIMIT and "reserves" in error.message


def test_tables_differing_only_by_case_are_refused(tmp_path):
    recipe = """\
        collection_id: demo
        type_mode: inferred
        tables:
          - name: visits
            batches:
              - files: [data.csv]
                patient_column: patient
          - name: Visits
            batches:
              - files: [data.csv]
                patient_column: patient
        """
    from curation.pipeline import curate_tables

    recipe_path, sources = lay_out(tmp_path, recipe, {"data.csv": csv_bytes("patient,age", "P1,1")})
    with pytest.raises(CurationError) as caught:
        curate_tables([recipe_path], sources)
    assert caught.value.reason is Reason.BIGQUERY_LIMIT and "differ only by case" in caught.value.message


def test_columns_differing_only_by_case_are_refused():
    with pytest.raises(CurationError) as caught:
        bigquery_limits.check_table("t", ["dicom_patient_id", "Age", "age"], bigquery_limits.Where())
    assert caught.value.reason is Reason.BIGQUERY_LIMIT and caught.value.where.column == "age"
