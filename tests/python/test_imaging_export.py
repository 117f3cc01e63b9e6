"""curate dicom: DICOM files -> Parquet shaped like IDC's BigQuery dicom_metadata export."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from typer.testing import CliRunner

from curation.cli import app
from curation.dicom import metadata_export as mx
from curation.dicom.manifest import AUXILIARY_SCHEMA

CT = Path(get_testdata_file("CT_small.dcm"))
SR = Path(get_testdata_file("test-SR.dcm"))
LIVER = Path(get_testdata_file("liver.dcm"))


def field_type(table: pa.Table, path: str) -> pa.DataType:
    names = path.split(".")
    t = table.schema.field(names[0]).type
    for name in names[1:]:
        t = t.value_type if pa.types.is_list(t) else t
        t = t.field(name).type
    return t


def test_value_representations_are_typed_as_idc_publishes():
    table = mx.export_table([mx.read_dataset(CT), mx.read_dataset(SR), mx.read_dataset(LIVER)])
    assert table.schema.field("Rows").type == pa.int64()                       # US
    assert table.schema.field("SliceThickness").type == pa.string()            # DS
    assert table.schema.field("InstanceNumber").type == pa.string()            # IS
    assert table.schema.field("StudyDate").type == pa.date32()                 # DA
    assert table.schema.field("StudyTime").type == pa.time64("us")             # TM
    assert table.schema.field("ImageType").type == pa.list_(pa.string())       # CS, VM 2-n
    assert table.schema.field("ImagePositionPatient").type == pa.list_(pa.string())
    assert field_type(table, "ContentSequence.DateTime") == pa.timestamp("us", tz="UTC")  # DT
    assert field_type(table, "SegmentSequence.SegmentNumber") == pa.int64()
    assert field_type(table, "ContentSequence.ContentSequence.ReferencedSOPSequence."
                             "ReferencedSegmentNumber") == pa.list_(pa.int64())
    assert field_type(table, "ContentSequence.GraphicData") == pa.list_(pa.float64())  # FL
    ct = table.slice(0, 1).to_pylist()[0]
    source = pydicom.dcmread(CT, stop_before_pixels=True)
    assert ct["StudyDate"] == dt.date(2004, 1, 19)
    assert ct["SliceThickness"] == str(source.SliceThickness)
    assert ct["ImagePositionPatient"] == [str(v) for v in source.ImagePositionPatient]
    assert ct["Rows"] == 128


# One value of each exported VR and what IDC's dicom_metadata (Google's DICOM-to-BigQuery
# export) holds for it: (Arrow type, value).
PERSON = pa.struct([("Alphabetic", pa.string()), ("Ideographic", pa.string()), ("Phonetic", pa.string())])
PER_VR = {
    "AE": ("STATION_1", pa.string(), "STATION_1"),
    "AS": ("042Y", pa.string(), "042Y"),
    "AT": (0x00100010, pa.int64(), 0x00100010),
    "CS": ("ABC", pa.string(), "ABC"),
    "DA": ("20240102", pa.date32(), dt.date(2024, 1, 2)),
    "DS": ("1.50", pa.string(), "1.50"),
    "DT": ("20240102030405", pa.timestamp("us", tz="UTC"),
           dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)),
    "FL": (1.5, pa.float64(), 1.5),
    "FD": (2.25, pa.float64(), 2.25),
    "IS": ("7", pa.string(), "7"),
    "LO": ("long", pa.string(), "long"),
    "LT": ("long text", pa.string(), "long text"),
    "PN": ("Yamada^Tarou=\u5c71\u7530^\u592a\u90ce=\u3084\u307e\u3060^\u305f\u308d\u3046", PERSON,
           {"Alphabetic": "Yamada^Tarou", "Ideographic": "\u5c71\u7530^\u592a\u90ce",
            "Phonetic": "\u3084\u307e\u3060^\u305f\u308d\u3046"}),
    "SH": ("short", pa.string(), "short"),
    "SL": (-5, pa.int64(), -5),
    "SS": (-3, pa.int64(), -3),
    "ST": ("short text", pa.string(), "short text"),
    "SV": (-2**40, pa.int64(), -2**40),
    "TM": ("010203", pa.time64("us"), dt.time(1, 2, 3)),
    "UC": ("unlimited", pa.string(), "unlimited"),
    "UI": ("1.2.3.4", pa.string(), "1.2.3.4"),
    "UL": (5, pa.int64(), 5),
    "UR": ("https://example.org/x", pa.string(), "https://example.org/x"),
    "US": (3, pa.int64(), 3),
    "UT": ("unlimited text", pa.string(), "unlimited text"),
    "UV": (2**40, pa.int64(), 2**40),
}


def _keyword_of(vr: str) -> tuple[str, bool]:
    """A current (not retired) dictionary keyword of VR ``vr``, VM 1 if there is one, and
    whether its VM allows several values (then the column is REPEATED)."""
    from pydicom.datadict import DicomDictionary
    entries = [(entry[1] != "1", tag, entry[4]) for tag, entry in DicomDictionary.items()
               if entry[0] == vr and not entry[3] and entry[4] and tag >> 16 not in (0x0000, 0x0002, 0x7FE0)
               and tag & 0xFFFF]
    repeated, _, keyword = min(entries)
    return keyword, repeated


def test_every_vr_is_typed_as_idc_dicom_metadata_types_it():
    assert set(PER_VR) == mx.STRING_VRS | mx.INTEGER_VRS | mx.FLOAT_VRS | {"PN", "DA", "TM", "DT"}
    ds = Dataset()
    ds.SOPInstanceUID = "1.2.3"
    ds.SpecificCharacterSet = ["", "ISO 2022 IR 87"]
    keywords = {vr: _keyword_of(vr) for vr in PER_VR}
    for vr, (value, _, _) in PER_VR.items():
        ds.add_new(pydicom.datadict.tag_for_keyword(keywords[vr][0]), vr, value)
    table = mx.export_table([ds], base={})
    row = table.to_pylist()[0]
    for vr, (_, arrow_type, expected) in PER_VR.items():
        keyword, repeated = keywords[vr]
        assert table.schema.field(keyword).type == (pa.list_(arrow_type) if repeated else arrow_type), vr
        assert row[keyword] == ([expected] if repeated else expected), vr


def test_person_names_with_several_values_are_repeated_records():
    ds = _tiny("OtherPatientNames", ["Doe^Jane", "Roe^Richard"], "PN")  # VM 1-n
    table = mx.export_table([ds], base={})
    assert table.schema.field("OtherPatientNames").type == pa.list_(mx.PERSON_NAME_TYPE)
    assert table.column("OtherPatientNames").to_pylist() == [[
        {"Alphabetic": "Doe^Jane", "Ideographic": None, "Phonetic": None},
        {"Alphabetic": "Roe^Richard", "Ideographic": None, "Phonetic": None}]]


def test_pixel_data_and_bulk_binary_skipped():
    table = mx.export_table([mx.read_dataset(CT), mx.read_dataset(LIVER)])
    for name in ("PixelData", "FloatPixelData", "DoubleFloatPixelData"):
        assert name not in table.column_names
    binary = [f.name for f in table.schema if pa.types.is_binary(f.type)]
    assert binary == []


def test_sequences_nest_as_deep_as_the_data():
    table = mx.export_table([mx.read_dataset(SR)], base={})
    depth, t = 0, table.schema.field("ContentSequence").type
    while True:
        depth += 1
        item = t.value_type
        if item.get_field_index("ContentSequence") < 0:
            break
        t = item.field("ContentSequence").type

    def data_depth(items, level=1):
        return max([level] + [data_depth(i.ContentSequence, level + 1)
                              for i in items if "ContentSequence" in i])

    assert depth == data_depth(pydicom.dcmread(SR).ContentSequence)


def _tiny(keyword: str, value, vr: str) -> Dataset:
    ds = Dataset()
    ds.SOPInstanceUID = f"1.2.3.{len(keyword)}"
    ds.add_new(pydicom.datadict.tag_for_keyword(keyword), vr, value)
    return ds


def test_union_schema_is_stable_and_missing_keywords_are_null():
    a = _tiny("PatientAge", "042Y", "AS")
    b = _tiny("BodyPartExamined", "PROSTATE", "CS")
    one = mx.export_table([a, b])
    other = mx.export_table([b, a])
    assert one.schema == other.schema
    assert {"PatientAge", "BodyPartExamined"} <= set(one.column_names)
    assert one.column("PatientAge").to_pylist() == ["042Y", None]
    assert one.column("BodyPartExamined").to_pylist() == [None, "PROSTATE"]
    # a keyword's type comes from the data dictionary, not from one file's value
    assert mx.export_table([a]).schema.field("PatientAge").type == one.schema.field("PatientAge").type


def test_base_schema_always_present():
    table = mx.export_table([_tiny("PatientAge", "042Y", "AS")])
    assert field_type(table, "SegmentSequence.SegmentedPropertyTypeCodeSequence."
                             "SegmentedPropertyTypeModifierCodeSequence.CodeMeaning") == pa.string()
    assert field_type(table, "ContentSequence.ContentSequence.ContentSequence.ContentSequence."
                             "ContentSequence.ContentSequence.ContentSequence.ContentSequence."
                             "ReferencedSOPSequence.ReferencedSOPInstanceUID") == pa.string()


def test_private_tags_go_to_other_elements():
    ds = _tiny("PatientAge", "042Y", "AS")
    ds.add_new(0x00091001, "LO", "private value")
    table = mx.export_table([ds], base={})
    assert table.column("OtherElements").to_pylist() == [
        [{"Tag": "Tag_00091001", "Data": ["private value"]}]]


def test_curate_dicom_command(tmp_path):
    src = tmp_path / "in" / "my_collection"
    src.mkdir(parents=True)
    for path in (CT, LIVER):
        (src / path.name).write_bytes(path.read_bytes())
    (src / "notes.txt").write_text("not DICOM")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["dicom", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    metadata = pq.read_table(out / "dicom_metadata" / "part-0.parquet")
    manifest = pq.read_table(out / "auxiliary_metadata" / "part-0.parquet")
    assert metadata.num_rows == manifest.num_rows == 2
    assert manifest.schema == AUXILIARY_SCHEMA
    rows = manifest.to_pylist()
    assert {r["collection_id"] for r in rows} == {"my_collection"}
    # no source for CRDC UUIDs, URLs, hashes of the hierarchy or IDC versions: NULL, not made up
    assert {r["series_uuid"] for r in rows} == {r["idc_case_id"] for r in rows} == {None}
    assert {r["instance_hash"] for r in rows} == {
        hashlib.md5(p.read_bytes()).hexdigest() for p in (CT, LIVER)}
    for name in ("original_collections_metadata", "analysis_results_metadata"):
        assert (out / name / "part-0.parquet").is_file()


def test_curate_dicom_takes_auxiliary_values_from_a_supplied_parquet(tmp_path):
    src = tmp_path / "in" / "my_collection"
    src.mkdir(parents=True)
    (src / CT.name).write_bytes(CT.read_bytes())
    sop = str(pydicom.dcmread(CT, stop_before_pixels=True).SOPInstanceUID)
    supplied = tmp_path / "aux.parquet"
    pq.write_table(pa.table({"SOPInstanceUID": [sop, "1.2.3.not.here"],
                             "series_uuid": ["b7a4c0de-0000-4000-8000-000000000001", "x"],
                             "series_init_idc_version": [3, 4],
                             "gcs_bucket": [None, "y"], "unrelated": ["z", "z"]}), supplied)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["dicom", str(tmp_path / "in"), "--out", str(out),
                                      "--auxiliary", str(supplied)])
    assert result.exit_code == 0, result.output
    [row] = pq.read_table(out / "auxiliary_metadata" / "part-0.parquet").to_pylist()
    assert (row["series_uuid"], row["series_init_idc_version"], row["gcs_bucket"]) == (
        "b7a4c0de-0000-4000-8000-000000000001", 3, None)
    assert row["collection_id"] == "my_collection" and row["instance_size"] == CT.stat().st_size


def test_collections_csv_fills_the_collection_tables(tmp_path):
    src = tmp_path / "in" / "coll_a"
    src.mkdir(parents=True)
    (src / CT.name).write_bytes(CT.read_bytes())
    (tmp_path / "in" / "collections.csv").write_text(
        "collection_id,collection_name,source_doi,species,analysis_result_id\n"
        "coll_a,Coll A,10.1/ABC,Human,ar_1\n", encoding="utf-8")
    out = tmp_path / "out"
    mx.export_folder(tmp_path / "in", out)
    assert pq.read_table(out / "original_collections_metadata").to_pylist() == [
        {"collection_name": "Coll A", "collection_id": "coll_a", "TumorLocations": None,
         "Species": "Human", "CancerTypes": None}]
    assert pq.read_table(out / "analysis_results_metadata").to_pylist() == [
        {"ID": "ar_1", "source_doi": "10.1/ABC"}]


def test_curate_dicom_empty_folder_fails(tmp_path):
    result = CliRunner().invoke(app, ["dicom", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
