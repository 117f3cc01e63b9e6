"""The last lines of `make demo`: the release's counts, computed in the database."""

from __future__ import annotations

import duckdb

from curation.demo import release_counts


def test_release_counts_sum_tables_and_count_patients_per_collection() -> None:
    con = duckdb.connect()
    con.execute("create schema idc_v22_clinical")
    con.execute("create table idc_v22_clinical.table_metadata (table_name varchar, collection_id varchar)")
    con.execute("insert into idc_v22_clinical.table_metadata values ('a_x', 'a'), ('a_y', 'a'), ('b_x', 'b')")
    con.execute("create table idc_v22_clinical.a_x as select * from (values ('P1'), ('P2')) t(dicom_patient_id)")
    con.execute("create table idc_v22_clinical.a_y as select * from (values ('P1')) t(dicom_patient_id)")
    con.execute("create table idc_v22_clinical.b_x as select * from (values ('P1')) t(dicom_patient_id)")
    # P1 of collection a counts once; P1 of collection b is another patient
    assert release_counts(con, 22) == {"collections": 2, "tables": 3, "rows": 4, "patients": 3}


def test_an_empty_release_counts_zero() -> None:
    con = duckdb.connect()
    con.execute("create schema idc_v22_clinical")
    con.execute("create table idc_v22_clinical.table_metadata (table_name varchar, collection_id varchar)")
    assert release_counts(con, 22)["tables"] == 0
