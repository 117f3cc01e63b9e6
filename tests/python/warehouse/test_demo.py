"""The last lines of `make demo`: the release's counts, computed in the database."""

from __future__ import annotations

import duckdb

from curation.warehouse.demo import release_counts


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


def test_the_printed_command_runs(tmp_path) -> None:
    """The command the demo prints works as printed (no duckdb CLI: the Python package)."""
    import subprocess

    from curation.warehouse.demo import query_command

    database = tmp_path / "it's a db.duckdb"  # a path that needs quoting
    with duckdb.connect(str(database)) as con:
        con.execute("create schema s")
        con.execute("create table s.t as select * from (values ('a', 1), ('b', 2)) v(name, n)")
    command = query_command(str(database), "select name, n\nfrom s.t\norder by n desc")
    result = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)  # same cwd
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if "│ a" in line or "│ b" in line][0].startswith("│ b")
