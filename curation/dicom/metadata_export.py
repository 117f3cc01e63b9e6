"""DICOM files -> Parquet shaped like IDC's BigQuery ``dicom_metadata`` export.

One row per instance, one column per DICOM keyword. Sequences become lists of structs, nested
as deep as the data; attributes whose data-dictionary VM allows several values become lists.
Types follow the value representation (VR) as IDC's BigQuery schema does:

    AE AS CS DS IS LO LT SH ST UC UI UR UT -> STRING    (DS and IS keep their text)
    SS US SL UL SV UV AT                   -> INTEGER   (AT: the tag as one 32-bit number)
    FL FD                                  -> FLOAT
    PN -> RECORD (Alphabetic, Ideographic, Phonetic: the three component groups)
    DA -> DATE, TM -> TIME, DT -> TIMESTAMP (UTC)
    SQ                                     -> REPEATED RECORD

The type and the repeated-ness of a keyword come from the DICOM data dictionary, never from
one file, so the schema is stable. The schema is the union over all files (a keyword seen in
any file, at any nesting level, is a field; a file without it has NULL) plus ``BASE_SCHEMA``:
the attributes the imaging views read, always present so that the views compile on any corpus.
Pixel data and other bulk binary attributes (OB, OW, OF, OD, OL, OV, UN) are skipped. Private
and unknown tags go to ``OtherElements`` (Tag, Data), as in IDC's export.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pydicom
from pydicom.datadict import dictionary_VM, dictionary_VR, keyword_for_tag, tag_for_keyword
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.valuerep import DA, DT, TM

BINARY_VRS = frozenset({"OB", "OW", "OF", "OD", "OL", "OV", "UN"})
INTEGER_VRS = frozenset({"SS", "US", "SL", "UL", "SV", "UV", "AT"})
FLOAT_VRS = frozenset({"FL", "FD"})
STRING_VRS = frozenset({"AE", "AS", "CS", "DS", "IS", "LO", "LT", "SH", "ST", "UC", "UI", "UR", "UT"})
# A person name as IDC's dicom_metadata (Google's DICOM-to-BigQuery export) has it.
PERSON_NAME_TYPE = pa.struct([("Alphabetic", pa.string()), ("Ideographic", pa.string()),
                              ("Phonetic", pa.string())])

OTHER_ELEMENTS = "OtherElements"
OTHER_ELEMENTS_TYPE = pa.list_(pa.struct([("Tag", pa.string()), ("Data", pa.list_(pa.string()))]))
OTHER_ELEMENTS_SORT_KEY = 0xFFFFFFFF + 1
MAX_OTHER_BYTES = 1024

# Code sequence item fields, as the views expect them.
_CODE = ("CodeValue", "CodingSchemeDesignator", "CodingSchemeVersion", "CodeMeaning")


def _code(*extra: str) -> dict:
    return {name: None for name in _CODE + extra}


_REFERENCED_SOP = {"ReferencedSOPClassUID": None, "ReferencedSOPInstanceUID": None,
                   "ReferencedFrameNumber": None, "ReferencedSegmentNumber": None,
                   "ReferencedSOPSequence": {"ReferencedSOPClassUID": None,
                                             "ReferencedSOPInstanceUID": None}}


def _content_item(depth: int) -> dict:
    """A SR content item with the fields the views (and IDC's published contentSequence) use."""
    item = {
        "ReferencedSOPSequence": _REFERENCED_SOP,
        "RelationshipType": None, "ValueType": None,
        "ConceptNameCodeSequence": _code(), "ContinuityOfContent": None,
        "DateTime": None, "Date": None, "Time": None, "UID": None, "TextValue": None,
        "ConceptCodeSequence": _code(),
        "MeasuredValueSequence": {"MeasurementUnitsCodeSequence": _code(), "NumericValue": None},
        "ContentTemplateSequence": {"MappingResource": None, "MappingResourceUID": None,
                                    "TemplateIdentifier": None},
        "GraphicData": None, "GraphicType": None, "ReferencedFrameOfReferenceUID": None,
        OTHER_ELEMENTS: None,
    }
    if depth > 1:
        item["ContentSequence"] = _content_item(depth - 1)
    return item


#: Attributes the imaging views read: always in the schema, whatever the corpus holds.
BASE_SCHEMA: dict = {
    "SOPClassUID": None, "SOPInstanceUID": None, "StudyInstanceUID": None,
    "SeriesInstanceUID": None, "PatientID": None, "Modality": None, "SeriesDescription": None,
    "FrameOfReferenceUID": None, "SegmentationType": None,
    "ContentTemplateSequence": {"MappingResource": None, "MappingResourceUID": None,
                                "TemplateIdentifier": None},
    "ReferencedSeriesSequence": {"SeriesInstanceUID": None,
                                 "ReferencedInstanceSequence": {"ReferencedSOPClassUID": None,
                                                                "ReferencedSOPInstanceUID": None}},
    "ReferencedImageSequence": {"ReferencedSOPClassUID": None, "ReferencedSOPInstanceUID": None},
    "SourceImageSequence": {"ReferencedSOPClassUID": None, "ReferencedSOPInstanceUID": None},
    "SegmentSequence": {
        "SegmentNumber": None, "SegmentLabel": None, "SegmentAlgorithmType": None,
        "SegmentAlgorithmName": None, "TrackingUID": None, "TrackingID": None,
        "AnatomicRegionSequence": _code("AnatomicRegionModifierSequence"),
        "SegmentedPropertyCategoryCodeSequence": _code(),
        "SegmentedPropertyTypeCodeSequence": _code("AnatomicRegionModifierSequence",
                                                   "SegmentedPropertyTypeModifierCodeSequence"),
    },
    "ContentSequence": _content_item(8),
}
for _seq in ("AnatomicRegionSequence", "SegmentedPropertyTypeCodeSequence"):
    BASE_SCHEMA["SegmentSequence"][_seq]["AnatomicRegionModifierSequence"] = _code()
BASE_SCHEMA["SegmentSequence"]["SegmentedPropertyTypeCodeSequence"][
    "SegmentedPropertyTypeModifierCodeSequence"] = _code()


# --------------------------------------------------------------------------------------------
# Schema: a tree of keyword -> Field, merged over every dataset (and BASE_SCHEMA)
# --------------------------------------------------------------------------------------------

@dataclass
class Field:
    """One attribute of the union schema."""

    keyword: str
    sort_key: int
    arrow_type: pa.DataType | None = None  # scalar (or element) type; None for a sequence
    repeated: bool = False
    children: dict[str, "Field"] | None = None  # for a sequence: its item's fields

    @property
    def is_sequence(self) -> bool:
        return self.children is not None


@dataclass
class Schema:
    fields: dict[str, Field] = field(default_factory=dict)


def scalar_type(vr: str) -> pa.DataType | None:
    """The Arrow type of one value of a VR (a dictionary VR such as 'US or SS' included);
    None for binary VRs, which are not exported."""
    options = [v.strip() for v in vr.split(" or ")]
    if any(v in INTEGER_VRS for v in options):
        return pa.int64()
    if any(v in FLOAT_VRS for v in options):
        return pa.float64()
    vr = options[0]
    if vr == "PN":
        return PERSON_NAME_TYPE
    if vr == "DA":
        return pa.date32()
    if vr == "TM":
        return pa.time64("us")
    if vr == "DT":
        return pa.timestamp("us", tz="UTC")
    if vr in STRING_VRS:
        return pa.string()
    return None


def _field_for_keyword(keyword: str, tag: int | None = None) -> Field | None:
    """The schema field of a keyword (``tag`` for repeating-group keywords such as overlays)."""
    tag = tag_for_keyword(keyword) if tag is None else tag
    if tag is None:
        raise ValueError(f"unknown DICOM keyword {keyword!r}")
    vr = dictionary_VR(tag)
    if vr == "SQ":
        return Field(keyword, tag, children={})
    arrow_type = scalar_type(vr)
    if arrow_type is None:
        return None
    return Field(keyword, tag, arrow_type, repeated=dictionary_VM(tag) != "1")


def _merge_base(fields: dict[str, Field], spec: dict) -> None:
    for keyword, sub in spec.items():
        if keyword == OTHER_ELEMENTS:
            fields.setdefault(OTHER_ELEMENTS, Field(OTHER_ELEMENTS, OTHER_ELEMENTS_SORT_KEY))
            continue
        if keyword not in fields:
            f = _field_for_keyword(keyword)
            if f is None:
                continue
            fields[keyword] = f
        if isinstance(sub, dict) and fields[keyword].is_sequence:
            _merge_base(fields[keyword].children, sub)


def _is_other(elem: pydicom.DataElement) -> bool:
    return elem.tag.is_private or not elem.keyword or keyword_for_tag(elem.tag) != elem.keyword


def _skip(elem: pydicom.DataElement) -> bool:
    return elem.tag.element == 0 or elem.tag == 0xFFFCFFFC  # group lengths, trailing padding


def _merge_dataset(fields: dict[str, Field], ds: Dataset) -> None:
    for elem in ds:
        if _skip(elem):
            continue
        if _is_other(elem):
            if elem.VR != "SQ":
                fields.setdefault(OTHER_ELEMENTS, Field(OTHER_ELEMENTS, OTHER_ELEMENTS_SORT_KEY))
            continue
        f = fields.get(elem.keyword)
        if f is None:
            f = _field_for_keyword(elem.keyword, int(elem.tag))
            if f is None:
                continue
            fields[elem.keyword] = f
        if f.is_sequence and elem.VR == "SQ":
            for item in elem.value:
                _merge_dataset(f.children, item)


def _arrow_field(f: Field) -> pa.Field | None:
    if f.keyword == OTHER_ELEMENTS:
        return pa.field(OTHER_ELEMENTS, OTHER_ELEMENTS_TYPE)
    if f.is_sequence:
        children = [c for c in (_arrow_field(x) for x in _ordered(f.children)) if c is not None]
        if not children:  # Parquet cannot store a struct without fields
            return None
        return pa.field(f.keyword, pa.list_(pa.struct(children)))
    return pa.field(f.keyword, pa.list_(f.arrow_type) if f.repeated else f.arrow_type)


def _ordered(fields: dict[str, Field]) -> list[Field]:
    return sorted(fields.values(), key=lambda f: (f.sort_key, f.keyword))


def arrow_schema(fields: dict[str, Field]) -> pa.Schema:
    return pa.schema([a for a in (_arrow_field(f) for f in _ordered(fields)) if a is not None])


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

def _parse_date(value: str) -> dt.date | None:
    try:
        parsed = DA(value.strip())
    except (ValueError, TypeError):
        return None
    return dt.date(parsed.year, parsed.month, parsed.day) if parsed is not None else None


def _parse_time(value: str) -> dt.time | None:
    try:
        parsed = TM(value.strip())
    except (ValueError, TypeError):
        return None
    if parsed is None:
        return None
    return dt.time(parsed.hour, parsed.minute, parsed.second, parsed.microsecond)


def _parse_datetime(value: str) -> dt.datetime | None:
    try:
        parsed = DT(value.strip())
    except (ValueError, TypeError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.fromtimestamp(parsed.timestamp(), tz=dt.timezone.utc).replace(
        microsecond=parsed.microsecond)


def _one_value(value, arrow_type: pa.DataType):
    if value is None or value == "":
        return None
    if pa.types.is_string(arrow_type):
        if isinstance(value, bytes):
            return value.decode("ascii", "replace").rstrip("\x00 ")
        if isinstance(value, pydicom.tag.BaseTag):
            return f"{int(value):08X}"
        return str(value)
    if pa.types.is_struct(arrow_type):  # PN
        return _person_name(value)
    if pa.types.is_int64(arrow_type):
        if isinstance(value, pydicom.tag.BaseTag):
            return int(value)
        if isinstance(value, bytes):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if pa.types.is_float64(arrow_type):
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    text = value if isinstance(value, str) else str(value)
    if pa.types.is_date32(arrow_type):
        return _parse_date(text)
    if pa.types.is_time64(arrow_type):
        return _parse_time(text)
    if pa.types.is_timestamp(arrow_type):
        return _parse_datetime(text)
    return None


def _person_name(value) -> dict | None:
    """A PN value as its three component groups; an empty group is NULL."""
    name = value if isinstance(value, pydicom.valuerep.PersonName) else pydicom.valuerep.PersonName(
        value.decode("ascii", "replace") if isinstance(value, bytes) else str(value))
    groups = {"Alphabetic": name.alphabetic, "Ideographic": name.ideographic,
              "Phonetic": name.phonetic}
    groups = {k: (v or None) for k, v in groups.items()}
    return groups if any(groups.values()) else None


def _values(elem: pydicom.DataElement) -> list:
    value = elem.value
    if value is None or value == "" or value == b"":
        return []
    if isinstance(value, (pydicom.multival.MultiValue, list, tuple)):
        return list(value)
    return [value]


def _other_element(elem: pydicom.DataElement) -> dict | None:
    data = []
    for v in _values(elem):
        if isinstance(v, bytes):
            if len(v) > MAX_OTHER_BYTES:
                return None
            data.append(base64.b64encode(v).decode("ascii"))
        else:
            data.append(str(v))
    return {"Tag": f"Tag_{int(elem.tag):08X}", "Data": data}


def dataset_record(ds: Dataset, fields: dict[str, Field]) -> dict:
    """One dataset as a dict matching the schema ``fields`` (nested items included)."""
    record: dict = {}
    others: list[dict] = []
    for elem in ds:
        if _skip(elem):
            continue
        if _is_other(elem):
            if elem.VR != "SQ" and OTHER_ELEMENTS in fields:
                other = _other_element(elem)
                if other is not None:
                    others.append(other)
            continue
        f = fields.get(elem.keyword)
        if f is None:
            continue
        if f.is_sequence:
            if elem.VR == "SQ" and f.children:
                record[f.keyword] = [dataset_record(item, f.children) for item in elem.value]
            continue
        if elem.VR in BINARY_VRS:  # e.g. 'US or OW' stored as OW
            continue
        values = [_one_value(v, f.arrow_type) for v in _values(elem)]
        if f.repeated:
            record[f.keyword] = values or None
        elif values:
            if len(values) > 1 and pa.types.is_string(f.arrow_type):  # VM 1 by the dictionary
                record[f.keyword] = "\\".join("" if v is None else v for v in values)
            else:
                record[f.keyword] = values[0]
    if others:
        record[OTHER_ELEMENTS] = others
    return record


# --------------------------------------------------------------------------------------------
# Files -> Parquet
# --------------------------------------------------------------------------------------------

def iter_dicom_files(folder: Path) -> Iterator[Path]:
    """DICOM files under ``folder`` (recursively, sorted): any file with the DICM preamble."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        with path.open("rb") as fh:
            fh.seek(128)
            if fh.read(4) == b"DICM":
                yield path


def read_dataset(path: Path) -> Dataset:
    """Read one file without its pixel data."""
    try:
        return pydicom.dcmread(path, stop_before_pixels=True)
    except InvalidDicomError as exc:  # pragma: no cover - iter_dicom_files checks the preamble
        raise ValueError(f"{path}: not a DICOM file ({exc})") from exc


def build_schema(datasets: Iterable[Dataset], base: dict | None = None) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    _merge_base(fields, BASE_SCHEMA if base is None else base)
    for ds in datasets:
        _merge_dataset(fields, ds)
    return fields


def export_table(datasets: list[Dataset], base: dict | None = None) -> pa.Table:
    """The ``dicom_metadata`` table of ``datasets``: one row each, the union schema."""
    fields = build_schema(datasets, base)
    schema = arrow_schema(fields)
    rows = [dataset_record(ds, fields) for ds in datasets]
    return pa.Table.from_pylist(rows, schema=schema)


def write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


@dataclass
class ExportResult:
    files: int
    columns: int
    metadata_path: Path
    manifest_path: Path


def export_folder(folder: Path, out: Path, collections: Path | None = None,
                  auxiliary: Path | None = None) -> ExportResult:
    """Export every DICOM file under ``folder``: ``<out>/dicom_metadata/part-0.parquet``, the
    auxiliary manifest ``<out>/auxiliary_metadata/part-0.parquet`` and the collection tables
    ``original_collections_metadata`` and ``analysis_results_metadata`` (see ``manifest``;
    ``auxiliary`` is an optional auxiliary-metadata Parquet whose values are used)."""
    from curation.dicom import manifest

    paths = list(iter_dicom_files(folder))
    if not paths:
        raise ValueError(f"no DICOM files under {folder}")
    datasets = [read_dataset(p) for p in paths]
    table = export_table(datasets)
    info = manifest.read_collections(collections if collections is not None
                                     else folder / manifest.COLLECTIONS_FILE)
    aux = manifest.manifest_table(folder, paths, datasets, collections, auxiliary)
    metadata_path = out / "dicom_metadata" / "part-0.parquet"
    manifest_path = out / "auxiliary_metadata" / "part-0.parquet"
    write_parquet(table, metadata_path)
    write_parquet(aux, manifest_path)
    write_parquet(manifest.collections_table(aux, info),
                  out / "original_collections_metadata" / "part-0.parquet")
    write_parquet(manifest.analysis_results_table(info),
                  out / "analysis_results_metadata" / "part-0.parquet")
    return ExportResult(len(paths), table.num_columns, metadata_path, manifest_path)
