"""The DICOM fixture corpus, made in code (pydicom + highdicom), and its known answers.

``.venv/bin/python tests/python/helpers/dicom_corpus.py data/dicom`` writes, deterministically (fixed UIDs, dates
and times):

    data/dicom/collections.csv
    data/dicom/prostatex/<PatientID>/CT/<n>.dcm     copies of pydicom's CT_small (new UIDs, positions)
    data/dicom/prostatex/<PatientID>/SEG*.dcm       highdicom Segmentations (binary; one label map)
    data/dicom/prostatex/<PatientID>/SR*.dcm        highdicom TID 1500 measurement reports
    data/dicom/pydicom_testdata/liver.dcm           real Segmentation (pydicom-data)
    data/dicom/pydicom_testdata/test-SR.dcm         real Comprehensive SR, not TID 1500

The patients are real ProstateX patient ids, so the imaging views join the curated
``prostatex_findings`` table. ``corpus()`` returns what was written (the known answers the
tests compare the views with) without writing anything.
"""

from __future__ import annotations

import copy
import csv
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import highdicom as hd
import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

COLLECTION_ID = "prostatex"
COLLECTION_ROW = {
    "collection_id": COLLECTION_ID,
    "collection_name": "PROSTATEx",
    "source_doi": "10.7937/K9TCIA.2017.MURS5CL",
    "source_url": "https://doi.org/10.7937/K9TCIA.2017.MURS5CL",
    "license_short_name": "CC BY 3.0",
}
TESTDATA_COLLECTION = "pydicom_testdata"
UID_PREFIX = "1.2.826.0.1.3680043.8.498."
FIXED_DATE = "20240101"
FIXED_TIME = "120000"
CT_SLICES = 4
SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"
LABELMAP_SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.7"

# Concepts of the reports (fixture values; all codes and meanings as DICOM PS3.16 spells them
# except the three qualitative evaluation names, which exist to carry DCM, SRT and SCT codes).
Code = hd.sr.CodedConcept
FINDING = Code("108369006", "SCT", "Neoplasm")
PROSTATE = Code("41216001", "SCT", "Prostate")
LEFT = Code("7771000", "SCT", "Left")
RIGHT = Code("24028007", "SCT", "Right")
VOLUME = Code("118565006", "SCT", "Volume")
ADC = Code("113041", "DCM", "Apparent Diffusion Coefficient")
LENGTH = Code("410668003", "SCT", "Length")
MEAN = Code("373098007", "SCT", "Mean")
MAXIMUM = Code("56851009", "SCT", "Maximum")
MM3 = Code("mm3", "UCUM", "cubic millimeter")
UM2_S = Code("um2/s", "UCUM", "square micrometer per second")
MM = Code("mm", "UCUM", "millimeter")
LESION_RISK = Code("121153", "DCM", "Lesion Risk")       # qualitative evaluation, DCM concept
MARGIN = Code("M-02000", "SRT", "Margin")                # qualitative evaluation, SRT concept
MORPHOLOGY = Code("116676008", "SCT", "Associated morphology")  # SCT concept
HIGH = Code("75540009", "SCT", "High")
CIRCUMSCRIBED = Code("112142", "DCM", "Circumscribed")
SPICULATED = Code("112136", "DCM", "Spiculated")
FINDING_SITE_SRT = Code("G-C0E3", "SRT", "Finding Site")
# Segment codes
MORPH_ABNORMAL = Code("49755003", "SCT", "Morphologically Abnormal Structure")
TISSUE = Code("85756007", "SCT", "Tissue")
ANATOMICAL_STRUCTURE = Code("91723000", "SCT", "Anatomical Structure")
NEOPLASM = Code("108369006", "SCT", "Neoplasm")
PERIPHERAL_ZONE = Code("279706003", "SCT", "Peripheral zone of the prostate")
TRANSITION_ZONE = Code("399384005", "SCT", "Transition zone of the prostate")
MALIGNANT = Code("86049000", "SCT", "Malignant")         # a property type modifier
ALGORITHM_FAMILY = Code("123109", "DCM", "Manual Processing")


def uid(*parts: object) -> str:
    """A fixed UID for a named fixture object."""
    return generate_uid(prefix=UID_PREFIX, entropy_srcs=["idc-fixtures", *map(str, parts)])


def code_dict(code: Code | None, version: bool = False) -> dict | None:
    if code is None:
        return None
    out = {"CodeValue": code.value, "CodingSchemeDesignator": code.scheme_designator}
    if version:
        out["CodingSchemeVersion"] = code.scheme_version
    out["CodeMeaning"] = code.meaning
    return out


# --------------------------------------------------------------------------------------------
# The corpus, declared
# --------------------------------------------------------------------------------------------

@dataclass
class SegmentSpec:
    number: int
    label: str
    category: Code
    property_type: Code
    algorithm_type: str  # AUTOMATIC | SEMIAUTOMATIC | MANUAL
    region: Code | None = None
    region_modifier: Code | None = None
    type_modifier: Code | None = None
    slice_index: int = 0
    tracking_id: str | None = None

    def tracking_uid(self, seg_name: str) -> str | None:
        return uid(seg_name, "segment", self.number) if self.tracking_id else None


@dataclass
class SegSpec:
    name: str
    patient_id: str
    labelmap: bool
    segments: list[SegmentSpec]
    algorithm_name: str = "fixture-segmenter"

    @property
    def sop_class_uid(self) -> str:
        return LABELMAP_SEG_SOP_CLASS if self.labelmap else SEG_SOP_CLASS


@dataclass
class MeasurementSpec:
    quantity: Code
    value: float
    units: Code
    derivation: Code | None = None


@dataclass
class GroupSpec:
    tracking_id: str
    segment: tuple[str, int] | None  # (seg name, segment number) or no segmentation reference
    finding: Code
    site: Code
    laterality: Code | None
    measurements: list[MeasurementSpec]
    qualitative: list[tuple[Code, Code]]
    site_concept_srt: bool = False  # finding site named by G-C0E3/SRT instead of 363698007/SCT


@dataclass
class ReportSpec:
    name: str
    patient_id: str
    description: str
    groups: list[GroupSpec]


@dataclass
class PatientSpec:
    patient_id: str
    index: int
    segs: list[SegSpec]
    reports: list[ReportSpec]


def _segments(algorithm_types: list[str], with_modifier: bool) -> list[SegmentSpec]:
    return [
        SegmentSpec(1, "lesion 1", MORPH_ABNORMAL, NEOPLASM, algorithm_types[0], PROSTATE, LEFT,
                    MALIGNANT if with_modifier else None, slice_index=0, tracking_id="lesion-1"),
        SegmentSpec(2, "peripheral zone", ANATOMICAL_STRUCTURE, PERIPHERAL_ZONE,
                    algorithm_types[1], PROSTATE, RIGHT, slice_index=1, tracking_id="pz"),
        SegmentSpec(3, "transition zone", TISSUE, TRANSITION_ZONE, algorithm_types[2],
                    slice_index=2),
    ]


def patients() -> list[PatientSpec]:
    p0, p1 = "ProstateX-0000", "ProstateX-0001"
    seg0 = SegSpec("seg-0", p0, False, _segments(["AUTOMATIC", "SEMIAUTOMATIC", "MANUAL"], True))
    lm0 = SegSpec("labelmap-0", p0, True, [
        SegmentSpec(1, "gland", ANATOMICAL_STRUCTURE, PROSTATE, "AUTOMATIC", slice_index=1,
                    tracking_id="gland"),
        SegmentSpec(2, "lesion", MORPH_ABNORMAL, NEOPLASM, "AUTOMATIC", PROSTATE, LEFT,
                    slice_index=2, tracking_id="lesion-lm"),
    ])
    seg1 = SegSpec("seg-1", p1, False, _segments(["MANUAL", "AUTOMATIC", "AUTOMATIC"], False))
    report0 = ReportSpec("sr-0", p0, "fixture measurements ProstateX-0000", [
        GroupSpec("lesion-1", ("seg-0", 1), FINDING, PROSTATE, LEFT,
                  [MeasurementSpec(VOLUME, 1234.5, MM3),
                   MeasurementSpec(ADC, 1100.25, UM2_S, MEAN),
                   MeasurementSpec(ADC, 1890, UM2_S, MAXIMUM)],
                  [(LESION_RISK, HIGH), (MARGIN, CIRCUMSCRIBED), (MORPHOLOGY, SPICULATED)]),
        GroupSpec("pz", ("seg-0", 2), FINDING, PROSTATE, RIGHT,
                  [MeasurementSpec(VOLUME, 56, MM3)],
                  [(MARGIN, SPICULATED)], site_concept_srt=True),
        GroupSpec("lesion-lm", ("labelmap-0", 2), FINDING, PROSTATE, None,
                  [MeasurementSpec(VOLUME, 0.75, MM3)], []),
        GroupSpec("whole gland", None, FINDING, PROSTATE, None,
                  [MeasurementSpec(LENGTH, 42.5, MM)], [(LESION_RISK, HIGH)]),
    ])
    report1 = ReportSpec("sr-1", p1, "fixture measurements ProstateX-0001", [
        GroupSpec("lesion-1", ("seg-1", 1), FINDING, PROSTATE, LEFT,
                  [MeasurementSpec(VOLUME, 310, MM3), MeasurementSpec(ADC, 987.6, UM2_S, MEAN)],
                  [(LESION_RISK, HIGH)]),
        GroupSpec("tz", ("seg-1", 3), FINDING, PROSTATE, RIGHT,
                  [MeasurementSpec(VOLUME, 2000, MM3)], [(MORPHOLOGY, CIRCUMSCRIBED)]),
    ])
    return [PatientSpec(p0, 0, [seg0, lm0], [report0]), PatientSpec(p1, 1, [seg1], [report1])]


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _fix_datetimes(ds: Dataset, name: str = "") -> None:
    """Replace what highdicom fills from the clock or at random by fixed values."""
    for elem in ds.iterall():
        if elem.VR == "DT" and elem.value:
            elem.value = FIXED_DATE + FIXED_TIME
        elif elem.keyword == "DimensionOrganizationUID" and elem.value:
            elem.value = uid(name, "dimension-organization")
    for keyword in ("ContentDate", "SeriesDate", "InstanceCreationDate", "StudyDate"):
        if keyword in ds:
            setattr(ds, keyword, FIXED_DATE)
    for keyword in ("ContentTime", "SeriesTime", "InstanceCreationTime", "StudyTime"):
        if keyword in ds:
            setattr(ds, keyword, FIXED_TIME)


def ct_series(patient: PatientSpec) -> list[Dataset]:
    """CT_small copied CT_SLICES times with new UIDs and ImagePositionPatient 5 mm apart."""
    template = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    study, series, frame = (uid(patient.patient_id, k) for k in ("study", "ct-series", "frame"))
    slices = []
    for n in range(CT_SLICES):
        ds = copy.deepcopy(template)
        sop = uid(patient.patient_id, "ct", n)
        ds.PatientID = patient.patient_id
        ds.PatientName = f"{patient.patient_id}^"
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.SOPInstanceUID = sop
        ds.file_meta.MediaStorageSOPInstanceUID = sop
        ds.SeriesNumber, ds.InstanceNumber = 1, n + 1
        ds.SeriesDescription = "fixture CT"
        x, y, z = (float(v) for v in template.ImagePositionPatient)
        ds.ImagePositionPatient = [x, y, round(z + 5.0 * n, 6)]
        ds.SliceLocation = round(z + 5.0 * n, 6)
        ds.StudyDate, ds.SeriesDate, ds.ContentDate = FIXED_DATE, FIXED_DATE, FIXED_DATE
        slices.append(ds)
    return slices


def _fresh(code: Code) -> Code:
    return Code(code.value, code.scheme_designator, code.meaning)


def segmentation(spec: SegSpec, source: list[Dataset], series_number: int) -> hd.seg.Segmentation:
    rows, cols = int(source[0].Rows), int(source[0].Columns)
    labels = np.zeros((len(source), rows, cols), dtype=np.uint8)
    descriptions = []
    for s in spec.segments:
        r0 = 10 + 20 * s.number
        labels[s.slice_index, r0:r0 + 16, 40:60] = s.number
        algorithm = None
        if s.algorithm_type != "MANUAL":
            algorithm = hd.AlgorithmIdentificationSequence(
                name=spec.algorithm_name, family=ALGORITHM_FAMILY, version="1.0")
        descriptions.append(hd.seg.SegmentDescription(
            segment_number=s.number, segment_label=s.label,
            segmented_property_category=s.category, segmented_property_type=s.property_type,
            algorithm_type=s.algorithm_type, algorithm_identification=algorithm,
            tracking_uid=s.tracking_uid(spec.name), tracking_id=s.tracking_id,
            anatomic_regions=[s.region] if s.region else None))
    seg = hd.seg.Segmentation(
        source_images=source, pixel_array=labels,
        segmentation_type="LABELMAP" if spec.labelmap else "BINARY",
        segment_descriptions=descriptions, series_instance_uid=uid(spec.name, "series"),
        series_number=series_number, sop_instance_uid=uid(spec.name, "sop"), instance_number=1,
        manufacturer="IDC clinical curation", manufacturer_model_name="fixtures",
        software_versions=f"highdicom {hd.__version__}", device_serial_number="0",
        series_description=f"fixture {'label map ' if spec.labelmap else ''}segmentation",
        content_date=FIXED_DATE, content_time=FIXED_TIME, series_date=FIXED_DATE,
        series_time=FIXED_TIME)
    # Modifiers go on fresh copies: highdicom shares the concept datasets it was given.
    items = {int(item.SegmentNumber): item for item in seg.SegmentSequence}
    for s in spec.segments:
        item = items[s.number]
        if s.region_modifier is not None and s.region is not None:
            region = _fresh(s.region)
            region.AnatomicRegionModifierSequence = [_fresh(s.region_modifier)]
            item.AnatomicRegionSequence = [region]
        if s.type_modifier is not None:
            property_type = _fresh(s.property_type)
            property_type.SegmentedPropertyTypeModifierCodeSequence = [_fresh(s.type_modifier)]
            item.SegmentedPropertyTypeCodeSequence = [property_type]
    _fix_datetimes(seg, spec.name)
    return seg


def report(spec: ReportSpec, ct: list[Dataset], segs: dict[str, hd.seg.Segmentation],
           series_number: int) -> hd.sr.Comprehensive3DSR:
    groups = []
    for g in spec.groups:
        tracking = hd.sr.TrackingIdentifier(uid=uid(spec.name, "group", g.tracking_id),
                                            identifier=g.tracking_id)
        site = hd.sr.FindingSite(anatomic_location=g.site, laterality=g.laterality)
        measurements = [hd.sr.Measurement(name=m.quantity, value=m.value, unit=m.units,
                                          derivation=m.derivation) for m in g.measurements]
        evaluations = [hd.sr.QualitativeEvaluation(name=n, value=v) for n, v in g.qualitative]
        common = dict(tracking_identifier=tracking, finding_type=g.finding, finding_sites=[site],
                      measurements=measurements, qualitative_evaluations=evaluations or None)
        if g.segment is None:
            groups.append(hd.sr.MeasurementsAndQualitativeEvaluations(**common))
            continue
        seg = segs[g.segment[0]]
        referenced = hd.sr.ReferencedSegment(
            sop_class_uid=seg.SOPClassUID, sop_instance_uid=seg.SOPInstanceUID,
            segment_number=g.segment[1],
            source_series=hd.sr.SourceSeriesForSegmentation(ct[0].SeriesInstanceUID))
        groups.append(hd.sr.VolumetricROIMeasurementsAndQualitativeEvaluations(
            referenced_segment=referenced, **common))
    observer = hd.sr.ObserverContext(
        observer_type=codes.cid270.Device,
        observer_identifying_attributes=hd.sr.DeviceObserverIdentifyingAttributes(
            uid=uid("device"), name="fixture generator"))
    measurement_report = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(observer_device_context=observer),
        procedure_reported=codes.LN.CTUnspecifiedBodyRegion, imaging_measurements=groups)
    sr = hd.sr.Comprehensive3DSR(
        evidence=[*ct, *(segs[n] for n in sorted({g.segment[0] for g in spec.groups if g.segment}))],
        content=measurement_report[0], series_instance_uid=uid(spec.name, "series"),
        series_number=series_number, sop_instance_uid=uid(spec.name, "sop"), instance_number=1,
        manufacturer="IDC clinical curation", series_description=spec.description,
        content_date=FIXED_DATE, content_time=FIXED_TIME, series_date=FIXED_DATE,
        series_time=FIXED_TIME)
    _rename_finding_sites(sr, spec)
    _fix_datetimes(sr, spec.name)
    return sr


def _rename_finding_sites(sr: Dataset, spec: ReportSpec) -> None:
    """Name the finding site of the groups that ask for it by G-C0E3/SRT, as older reports do."""
    srt = {g.tracking_id for g in spec.groups if g.site_concept_srt}
    if not srt:
        return
    for group in _measurement_groups(sr):
        tracking = next((i.TextValue for i in group.ContentSequence
                         if i.ConceptNameCodeSequence[0].CodeValue == "112039"), None)
        if tracking not in srt:
            continue
        for item in group.ContentSequence:
            name = item.ConceptNameCodeSequence[0]
            if (name.CodeValue, name.CodingSchemeDesignator) == ("363698007", "SCT"):
                item.ConceptNameCodeSequence = [_fresh(FINDING_SITE_SRT)]


def _measurement_groups(sr: Dataset) -> list[Dataset]:
    return [g for item in sr.ContentSequence for g in item.get("ContentSequence", [])
            if g.ValueType == "CONTAINER" and g.ConceptNameCodeSequence[0].CodeValue == "125007"]


@dataclass
class Corpus:
    """What the generator wrote: the specs plus the objects (UIDs included)."""

    patients: list[PatientSpec]
    ct: dict[str, list[Dataset]] = field(default_factory=dict)          # patient -> slices
    segs: dict[str, hd.seg.Segmentation] = field(default_factory=dict)   # name -> object
    reports: dict[str, hd.sr.Comprehensive3DSR] = field(default_factory=dict)
    files: dict[str, Dataset] = field(default_factory=dict)             # relative path -> object


def corpus() -> Corpus:
    """Build every fixture object in memory."""
    out = Corpus(patients())
    for p in out.patients:
        ct = ct_series(p)
        out.ct[p.patient_id] = ct
        folder = f"{COLLECTION_ID}/{p.patient_id}"
        for n, ds in enumerate(ct):
            out.files[f"{folder}/CT/{n + 1:03d}.dcm"] = ds
        for k, spec in enumerate(p.segs):
            seg = segmentation(spec, ct, 100 + k)
            out.segs[spec.name] = seg
            out.files[f"{folder}/{'SEG_LABELMAP' if spec.labelmap else 'SEG'}_{spec.name}.dcm"] = seg
        for k, spec in enumerate(p.reports):
            sr = report(spec, ct, out.segs, 200 + k)
            out.reports[spec.name] = sr
            out.files[f"{folder}/SR_{spec.name}.dcm"] = sr
    return out


def write_corpus(root: Path) -> Corpus:
    """Write the corpus under ``root`` (its previous content is replaced)."""
    made = corpus()
    for sub in (COLLECTION_ID, TESTDATA_COLLECTION):
        shutil.rmtree(root / sub, ignore_errors=True)
    for rel, ds in made.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        ds.save_as(path, enforce_file_format=True)
    (root / TESTDATA_COLLECTION).mkdir(parents=True, exist_ok=True)
    for name in ("liver.dcm", "test-SR.dcm"):
        shutil.copyfile(get_testdata_file(name), root / TESTDATA_COLLECTION / name)
    with (root / "collections.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLLECTION_ROW), lineterminator="\n")
        writer.writeheader()
        writer.writerow(COLLECTION_ROW)
    return made


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "data/dicom")
    made = write_corpus(target)
    print(f"wrote {len(made.files) + 2} DICOM files under {target}")
