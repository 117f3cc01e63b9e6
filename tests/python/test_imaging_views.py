"""Known-answer tests of the imaging views on the fixture corpus (issue 6, items 3-6).

The fixture generator (helpers.dicom_corpus) declares every object it writes; these tests
build the views from the committed corpus and compare each view, row by row, with what the
generator wrote. The `test_better_than_idc_*` tests each fail on IDC's own view queries.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pydicom
import pytest

from helpers import dicom_corpus as fx
from helpers.imaging import CORPUS, REPO, build_imaging, connect, flat_schema, rows
from helpers.imaging_published_schemas import DICOM_ALL_LEADING, DICOM_ALL_UIDS, PUBLISHED

# dicom_all columns IDC's series index fills in where auxiliary_metadata has no value
FILLED_FROM_INDEX = {"collection_id", "crdc_series_uuid", "Source_DOI", "license_short_name"}
VIEWS = ["segmentations", "measurement_groups", "qualitative_measurements", "quantitative_measurements"]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    database = build_imaging(tmp_path_factory.mktemp("imaging"))
    connection = connect(database)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def corpus() -> fx.Corpus:
    return fx.corpus()


def code3(code):
    return None if code is None else {"CodeValue": code.value,
                                      "CodingSchemeDesignator": code.scheme_designator,
                                      "CodeMeaning": code.meaning}


def code4(code):
    return None if code is None else {"CodeValue": code.value,
                                      "CodingSchemeDesignator": code.scheme_designator,
                                      "CodingSchemeVersion": code.scheme_version,
                                      "CodeMeaning": code.meaning}


def ct_series_uid(patient_id: str) -> str:
    return fx.uid(patient_id, "ct-series")


def report_groups(corpus):
    for p in corpus.patients:
        for report in p.reports:
            for number, group in enumerate(report.groups):
                yield p, report, number, group


# --------------------------------------------------------------------------------------------
# The corpus itself
# --------------------------------------------------------------------------------------------

def test_committed_corpus_is_what_the_generator_writes(tmp_path):
    fx.write_corpus(tmp_path)

    def digests(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.md5(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digests(tmp_path) == digests(CORPUS)


def test_corpus_has_what_the_issue_lists(corpus):
    classes = {str(pydicom.dcmread(p, stop_before_pixels=True).SOPClassUID)
               for p in CORPUS.rglob("*.dcm")}
    assert {fx.SEG_SOP_CLASS, fx.LABELMAP_SEG_SOP_CLASS, "1.2.840.10008.5.1.4.1.1.2",
            "1.2.840.10008.5.1.4.1.1.88.34", "1.2.840.10008.5.1.4.1.1.88.33"} <= classes
    groups = [g for _, _, _, g in report_groups(corpus)]
    assert any(g.segment is None for g in groups)
    assert any(m.derivation for g in groups for m in g.measurements)
    assert any(g.laterality for g in groups)
    assert {n.scheme_designator for g in groups for n, _ in g.qualitative} == {"DCM", "SRT", "SCT"}
    assert (CORPUS / "pydicom_testdata" / "liver.dcm").is_file()
    assert (CORPUS / "pydicom_testdata" / "test-SR.dcm").is_file()


# --------------------------------------------------------------------------------------------
# Published names, nesting and types; table == view
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("relation", ["{}", "{}_view"])
def test_idc_v22_columns_nesting_types_and_modes(con, view, relation):
    assert flat_schema(con, relation.format(view)) == PUBLISHED[view]


@pytest.mark.parametrize("relation", ["dicom_all", "dicom_all_view"])
def test_dicom_all_has_idc_v22_leading_columns_then_dicom_metadata(con, relation):
    got = flat_schema(con, relation)
    top = [c for c in got if "." not in c[0]]
    assert top[:len(DICOM_ALL_LEADING)] == DICOM_ALL_LEADING
    metadata = [c for c in flat_schema(con, "stg_dicom__metadata", "idc_v22_imaging_staging")
                if c[0].split(".")[0] not in DICOM_ALL_UIDS]
    leading = {name for name, _, _ in DICOM_ALL_LEADING}
    assert [c for c in got if c[0].split(".")[0] not in leading] == metadata


@pytest.mark.parametrize("view", [*VIEWS, "dicom_all"])
def test_table_equals_its_view(con, view):
    only_table = con.execute(
        f"select count(*) from (from idc_v22.{view} except all from idc_v22.{view}_view)").fetchall()
    only_view = con.execute(
        f"select count(*) from (from idc_v22.{view}_view except all from idc_v22.{view})").fetchall()
    assert only_table == only_view == [(0,)]


# --------------------------------------------------------------------------------------------
# Known answers, per fixture object
# --------------------------------------------------------------------------------------------

def test_segmentations_known_answers(con, corpus):
    got = {(r["SOPInstanceUID"], r["SegmentNumber"]): r
           for r in rows(con, "select * from idc_v22.segmentations")}
    expected_keys = set()
    for p in corpus.patients:
        for spec in p.segs:
            sop = fx.uid(spec.name, "sop")
            numbers = [s.number for s in spec.segments] + ([0] if spec.labelmap else [])
            expected_keys |= {(sop, n) for n in numbers}
            for s in spec.segments:
                row = got[(sop, s.number)]
                assert row["PatientID"] == p.patient_id
                assert row["StudyInstanceUID"] == fx.uid(p.patient_id, "study")
                assert row["SeriesInstanceUID"] == fx.uid(spec.name, "series")
                assert row["FrameOfReferenceUID"] == fx.uid(p.patient_id, "frame")
                assert row["AnatomicRegion"] == code3(s.region)
                assert row["AnatomicRegionModifier"] == code3(s.region_modifier)
                assert row["SegmentedPropertyCategory"] == code3(s.category)
                assert row["SegmentedPropertyType"] == {
                    **code3(s.property_type), "AnatomicRegionModifierSequence": None,
                    "SegmentedPropertyTypeModifierCodeSequence":
                        [code3(s.type_modifier)] if s.type_modifier else None}
                assert row["SegmentAlgorithmType"] == s.algorithm_type
                assert row["SegmentAlgorithmName"] == (  # REPEATED, passed through as in v22
                    None if s.algorithm_type == "MANUAL" else [spec.algorithm_name])
                assert row["TrackingID"] == s.tracking_id
                assert row["TrackingUID"] == s.tracking_uid(spec.name)
                assert row["segmented_SeriesInstanceUID"] == ct_series_uid(p.patient_id)
                assert row["viewer_url"] == (
                    "https://viewer.imaging.datacommons.cancer.gov/v3/viewer/?StudyInstanceUIDs="
                    f"{row['StudyInstanceUID']}&initialSeriesInstanceUID={row['SeriesInstanceUID']}")
    liver = pydicom.dcmread(CORPUS / "pydicom_testdata" / "liver.dcm", stop_before_pixels=True)
    expected_keys |= {(liver.SOPInstanceUID, int(s.SegmentNumber)) for s in liver.SegmentSequence}
    assert set(got) == expected_keys
    liver_row = got[(liver.SOPInstanceUID, 1)]
    # liver.dcm's source images are not in the corpus: the series it names is used.
    assert liver_row["segmented_SeriesInstanceUID"] == liver.ReferencedSeriesSequence[0].SeriesInstanceUID
    assert liver_row["SegmentedPropertyType"]["CodeMeaning"] == "Liver"


def test_measurement_groups_known_answers(con, corpus):
    got = {(r["SOPInstanceUID"], r["measurementGroup_number"]): r
           for r in rows(con, "select * from idc_v22.measurement_groups")}
    expected = set()
    for p, report, number, g in report_groups(corpus):
        key = (fx.uid(report.name, "sop"), number)
        expected.add(key)
        row = got[key]
        assert row["PatientID"] == p.patient_id
        assert row["SeriesInstanceUID"] == fx.uid(report.name, "series")
        assert row["SeriesDescription"] == report.description
        assert row["trackingIdentifier"] == g.tracking_id
        assert row["trackingUniqueIdentifier"] == fx.uid(report.name, "group", g.tracking_id)
        assert row["finding"] == code4(g.finding)
        assert row["findingSite"] == code4(g.site)
        if g.segment is None:
            assert (row["segmentationInstanceUID"], row["segmentationSeriesUID"],
                    row["segmentationSegmentNumber"], row["sourceSegmentedSeriesUID"]) == (None,) * 4
        else:
            assert row["segmentationInstanceUID"] == fx.uid(g.segment[0], "sop")
            assert row["segmentationSeriesUID"] == fx.uid(g.segment[0], "series")
            assert row["segmentationSegmentNumber"] == g.segment[1]
            assert row["sourceSegmentedSeriesUID"] == ct_series_uid(p.patient_id)
        content = row["contentSequence"]
        assert content["ValueType"] == "CONTAINER"
        assert content["ConceptNameCodeSequence"] == [
            {"CodeValue": "125007", "CodingSchemeDesignator": "DCM", "CodeMeaning": "Measurement Group"}]
        values = [i["MeasuredValueSequence"][0]["NumericValue"][0]
                  for i in content["ContentSequence"] if i["ValueType"] == "NUM"]
        assert [Decimal(v) for v in values] == [Decimal(str(m.value)) for m in g.measurements]
    assert set(got) == expected


def test_quantitative_measurements_known_answers(con, corpus):
    got = sorted(
        (r["SOPInstanceUID"], r["measurementGroup_number"], r["Quantity"]["CodeValue"], r["Value"],
         r["Units"]["CodeValue"], r["Units"]["CodeMeaning"],
         tuple(sorted((r["derivationModifier"] or {"absent": None}).items())),
         tuple(sorted((r["lateralityModifier"] or {"absent": None}).items())),
         r["trackingIdentifier"], r["segmentationSegmentNumber"], r["finding"]["CodeValue"],
         r["findingSite"]["CodeValue"], r["PatientID"], r["SeriesDescription"],
         r["SeriesInstanceUID"], r["segmentationSeriesUID"])
        for r in rows(con, "select * from idc_v22.quantitative_measurements"))
    expected = sorted(
        (fx.uid(report.name, "sop"), number, m.quantity.value, Decimal(str(m.value)).quantize(Decimal("1e-9")),
         m.units.value, m.units.meaning,
         # a missing modifier is NULL (IDC v22: a STRUCT of NULLs)
         tuple(sorted((code3(m.derivation) or {"absent": None}).items())),
         tuple(sorted((code3(g.laterality) or {"absent": None}).items())), g.tracking_id,
         g.segment[1] if g.segment else None, g.finding.value, g.site.value, p.patient_id,
         report.description, fx.uid(report.name, "series"),
         fx.uid(g.segment[0], "series") if g.segment else None)
        for p, report, number, g in report_groups(corpus) for m in g.measurements)
    assert got == expected


def test_qualitative_measurements_known_answers(con, corpus):
    got = sorted(
        (r["SOPInstanceUID"], r["measurementGroup_number"], tuple(r["Quantity"].values()),
         (r["Value"]["CodeValue"], r["Value"]["CodingSchemeDesignator"], r["Value"]["CodeMeaning"]),
         r["trackingIdentifier"], r["trackingUniqueIdentifier"], r["segmentationInstanceUID"],
         r["findingSite"]["CodeValue"], r["finding"]["CodeValue"], r["SeriesInstanceUID"],
         r["segmentationSeriesUID"])
        for r in rows(con, "select * from idc_v22.qualitative_measurements"))
    expected = sorted(
        (fx.uid(report.name, "sop"), number, tuple(code3(name).values()),
         (value.value, value.scheme_designator, value.meaning), g.tracking_id,
         fx.uid(report.name, "group", g.tracking_id),
         fx.uid(g.segment[0], "sop") if g.segment else None, g.site.value, g.finding.value,
         fx.uid(report.name, "series"), fx.uid(g.segment[0], "series") if g.segment else None)
        for p, report, number, g in report_groups(corpus) for name, value in g.qualitative)
    assert got == expected


def test_non_tid1500_sr_excluded(con):
    test_sr = pydicom.dcmread(CORPUS / "pydicom_testdata" / "test-SR.dcm", stop_before_pixels=True)
    for view in VIEWS[1:]:
        found = con.execute(
            f"select count(*) from idc_v22.{view} where SOPInstanceUID = ?", [test_sr.SOPInstanceUID]
        ).fetchall()
        assert found == [(0,)], view


def test_dicom_all_joins_the_manifest(con):
    got = {r["SOPInstanceUID"]: r for r in rows(con, "select * from idc_v22.dicom_all")}
    files = {str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID): p
             for p in CORPUS.rglob("*.dcm")}
    assert set(got) == set(files)
    for sop, path in files.items():
        r = got[sop]
        data = path.read_bytes()
        assert (r["instance_size"], r["instance_hash"]) == (len(data), hashlib.md5(data).hexdigest())
        expected_collection = path.relative_to(CORPUS).parts[0]
        assert r["collection_id"] == expected_collection
        if expected_collection == fx.COLLECTION_ID:
            assert r["Source_DOI"] == fx.COLLECTION_ROW["source_doi"]
            assert r["collection_name"] == fx.COLLECTION_ROW["collection_name"]
            assert r["license_short_name"] == fx.COLLECTION_ROW["license_short_name"]


def test_dicom_all_is_each_exported_instance_beside_its_auxiliary_row(con):
    # A reference computed another way: the exported Parquet rows, matched in Python by
    # SOPInstanceUID; dicom_all must hold each instance once, its dicom_metadata values as
    # exported and its auxiliary values (renamed as dicom_all publishes them) as in the manifest.
    database = Path(con.execute("select path from duckdb_databases() where database_name = "
                                "current_database()").fetchone()[0])
    parquet = database.parent / "dicom"
    metadata = rows(con, f"select * from read_parquet('{parquet}/dicom_metadata/*.parquet', "
                         "union_by_name = true)")
    auxiliary = {r["SOPInstanceUID"]: r for r in rows(
        con, f"select * from read_parquet('{parquet}/auxiliary_metadata/*.parquet', union_by_name = true)")}
    got = rows(con, "select * from idc_v22.dicom_all")
    assert sorted(r["SOPInstanceUID"] for r in got) == sorted(r["SOPInstanceUID"] for r in metadata)
    by_uid = {r["SOPInstanceUID"]: r for r in got}
    renamed = {"crdc_study_uuid": "study_uuid",
               "crdc_series_uuid": "series_uuid", "crdc_instance_uuid": "instance_uuid",
               "Source_DOI": "source_doi", "Source_URL": "source_url",
               "Versioned_Source_DOI": "versioned_source_doi"}
    for instance in metadata:
        row = by_uid[instance["SOPInstanceUID"]]
        assert {k: row[k] for k in instance} == instance
        aux = auxiliary[instance["SOPInstanceUID"]]
        for name, _, _ in DICOM_ALL_LEADING:
            source = renamed.get(name, name)
            index_fills = name in FILLED_FROM_INDEX and aux.get(source) is None
            if source in aux and name not in DICOM_ALL_UIDS and not index_fills:
                assert row[name] == aux[source], (instance["SOPInstanceUID"], name)


def test_dicom_all_leaves_auxiliary_values_without_a_source_null(con):
    # The corpus has no auxiliary-metadata Parquet and its series are not in IDC's index:
    # UUIDs, hashes, versions, URLs and buckets have no source, so they are NULL, not made up.
    without_source = [name for name, _, _ in DICOM_ALL_LEADING if name not in {
        "collection_name", "collection_id", "PatientID", "StudyInstanceUID", "SeriesInstanceUID",
        "SOPInstanceUID", "instance_size", "instance_hash", "Source_DOI", "Source_URL",
        "license_short_name"}]
    counts = con.execute("select " + ", ".join(f'count("{n}")' for n in without_source)
                         + " from idc_v22.dicom_all").fetchone()
    assert dict(zip(without_source, counts, strict=True)) == dict.fromkeys(without_source, 0)


# --------------------------------------------------------------------------------------------
# Better than IDC's queries (issue 6, item 5): each test fails on IDC's behaviour
# --------------------------------------------------------------------------------------------

def test_better_than_idc_label_map_segmentations_included(con, corpus):
    # IDC's segmentations view selects SOPClassUID 1.2.840.10008.5.1.4.1.1.66.4 only.
    labelmap = next(s for p in corpus.patients for s in p.segs if s.labelmap)
    found = con.execute("select count(*) from idc_v22.segmentations where SOPInstanceUID = ?",
                        [fx.uid(labelmap.name, "sop")]).fetchall()
    assert found == [(len(labelmap.segments) + 1,)]  # + the background segment highdicom writes
    # and a measurement group that references a label-map segment keeps its reference
    ref = con.execute("select count(*) from idc_v22.measurement_groups where segmentationInstanceUID = ?",
                      [fx.uid(labelmap.name, "sop")]).fetchall()
    assert ref == [(1,)]


def test_better_than_idc_qualitative_selected_by_concept_code(con):
    # IDC's filter compares CodeMeaning with code strings and drops every DCM and SRT concept.
    schemes = {r[0] for r in con.execute(
        'select distinct "Quantity".CodingSchemeDesignator from idc_v22.qualitative_measurements').fetchall()}
    assert schemes == {"DCM", "SRT", "SCT"}
    # and the finding and finding site are never reported as evaluations
    leaked = con.execute(
        'select count(*) from idc_v22.qualitative_measurements '
        "where \"Quantity\".CodeValue in ('121071', 'G-C0E3', '363698007')").fetchall()
    assert leaked == [(0,)]


def test_better_than_idc_finding_site_srt_and_sct_in_both_measurement_views(con, corpus):
    # IDC's qualitative view accepts only G-C0E3/SRT; the fixture has both namings.
    srt = [(fx.uid(r.name, "sop"), n) for _, r, n, g in report_groups(corpus) if g.site_concept_srt]
    sct = [(fx.uid(r.name, "sop"), n) for _, r, n, g in report_groups(corpus) if not g.site_concept_srt]
    assert srt and sct
    for view in ("qualitative_measurements", "quantitative_measurements", "measurement_groups"):
        sites = dict(((r[0], r[1]), r[2]) for r in con.execute(
            f'select "SOPInstanceUID", "measurementGroup_number", "findingSite".CodeValue '
            f"from idc_v22.{view}").fetchall())
        for key in srt + sct:
            if key in sites:
                assert sites[key] == fx.PROSTATE.value, (view, key)
        assert any(k in sites for k in srt), view
    lateralities = {r[0] for r in con.execute(
        'select "lateralityModifier".CodeValue from idc_v22.quantitative_measurements').fetchall()}
    assert {fx.LEFT.value, fx.RIGHT.value} <= lateralities


def test_better_than_idc_groups_without_segmentation_kept(con, corpus):
    # IDC's measurement_groups inner-joins the segmentation reference and drops such groups.
    without = [(fx.uid(r.name, "sop"), n, g) for _, r, n, g in report_groups(corpus) if g.segment is None]
    assert without
    for sop, number, g in without:
        for view, n_rows in (("measurement_groups", 1), ("quantitative_measurements", len(g.measurements)),
                             ("qualitative_measurements", len(g.qualitative))):
            got = con.execute(
                f'select count(*), count("segmentationInstanceUID") from idc_v22.{view} '
                'where "SOPInstanceUID" = ? and "measurementGroup_number" = ?', [sop, number]).fetchall()
            assert got == [(n_rows, 0)], view


def test_better_than_idc_safe_offsets_everywhere():
    # IDC's queries use OFFSET(0), which fails on an empty array in BigQuery. Every array access
    # of the imaging models goes through the safe_offset / first_where macros.
    sources = [*REPO.joinpath("models", "imaging").rglob("*.sql"),
               *REPO.joinpath("models", "staging", "dicom").glob("*.sql"),
               *REPO.joinpath("macros", "imaging").glob("*.sql")]
    for path in sources:
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", path.read_text(), flags=re.S)
        assert not re.search(r"\w\]?\[|offset\s*\(", text, flags=re.I), path
    bigquery = REPO.joinpath("macros", "cross_db", "safe_offset.sql").read_text()
    assert "[safe_offset(" in bigquery
