"""curate dicom: DICOM files -> Parquet shaped like IDC's BigQuery dicom_metadata export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from typer.testing import CliRunner

from curation.cli import app
from curation.dicom import metadata_export as mx
from curation.dicom.manifest import MANIFEST_SCHEMA, stable_uuid

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
    assert manifest.schema == MANIFEST_SCHEMA
    rows = manifest.to_pylist()
    assert {r["collection_id"] for r in rows} == {"my_collection"}
    assert {r["series_uuid"] for r in rows} == {
        stable_uuid("series", str(pydicom.dcmread(p, stop_before_pixels=True).SeriesInstanceUID))
        for p in (CT, LIVER)}


def test_curate_dicom_empty_folder_fails(tmp_path):
    result = CliRunner().invoke(app, ["dicom", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
