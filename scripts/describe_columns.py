"""Describe the columns `python -m curation.warehouse.docs_coverage` finds undescribed (a developer tool).

After `make docs` (target/manifest.json and target/catalog.json), for every column a model has
in the warehouse but not in its YAML, this appends an entry to that model's YAML file
(`description: '{{ doc("col_<name>") }}'`) and makes sure the doc block exists in
models/_columns.md. A doc block's text is, in this order: the hand-written text of
HAND_WRITTEN; the description the same column name already has in another model (a view
and its table); for a DICOM keyword, the attribute's name, tag and VR from pydicom's data
dictionary. A column none of these describes is printed and left out: describe it by hand.

    .venv/bin/python scripts/describe_columns.py target
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydicom.datadict import dictionary_VR, keyword_dict

from curation.warehouse.docs_coverage import gaps, load

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "models" / "_columns.md"

HAND_WRITTEN = {
    "OtherElements": "The DICOM attributes of the instance that have no column of their own (IDC's "
                     "OtherElements: one struct per attribute with its tag and values as text).",
    "Source_URL": "URL of the source collection or analysis result (its DOI as a link).",
    "source_url": "URL of the source collection or analysis result (its DOI as a link).",
    "license_short_name": "Short name of the licence of the instance's collection (e.g. CC BY 4.0).",
    "anatomic_region_modifier": "Modifier of the segment's anatomic region (first code of "
                                "AnatomicRegionModifierSequence), as a code struct.",
    "crdc_instance_uuid": "Instance UUID (IDC's CRDC UUID where the series index has it; else derived from the UID).",
    "crdc_study_uuid": "Study UUID (IDC's CRDC UUID where the series index has it; else derived from the UID).",
    "finding_code": "The measurement group's Finding, as a code struct (value, scheme, meaning).",
    "finding_site_code": "The measurement group's Finding Site (G-C0E3/SRT or 363698007/SCT), as a code struct.",
    "frame_of_reference_uid": "DICOM Frame of Reference UID of the instance.",
    "idc_case_id": "IDC's case (patient) UUID where the series index has it; else derived from the PatientID.",
    "instance_hash": "MD5 hash of the instance's file.",
    "instance_size": "Size of the instance's file in bytes.",
    "laterality_code": "The measurement's laterality modifier, as a code struct (NULL when absent).",
    "measurement_group": "The TID 1500 measurement group (a CONTAINER content item), as a struct of its content.",
    "referenced_series_instance_uid": "Series Instance UID of the image series the Segmentation references.",
    "referenced_sop_instance_uid": "SOP Instance UID of the image the Segmentation or measurement references.",
    "segment_algorithm_name": "SegmentAlgorithmName of the segment (NULL for manual segments).",
    "segment_offset": "0-based position of the segment in the Segmentation's SegmentSequence.",
    "segmentation_segment_number": "SegmentNumber of the segment the measurement was made on.",
    "series_aws_url": "URL of the series' folder in IDC's AWS bucket (NULL for local files).",
    "series_description": "DICOM Series Description of the instance's series.",
    "sop_class_uid": "DICOM SOP Class UID of the instance.",
    "source_segmented_series_uid": "Series Instance UID of the image series that was segmented.",
    "study_instance_uid": "DICOM Study Instance UID of the instance.",
    "tracking_id": "The measurement group's Tracking Identifier (text).",
    "tracking_identifier": "The measurement group's Tracking Identifier (text).",
    "tracking_uid": "The measurement group's Tracking Unique Identifier (a UID).",
    "tracking_unique_identifier": "The measurement group's Tracking Unique Identifier (a UID).",
    'Versioned_Source_DOI': 'DOI of the version of the source collection or analysis result the instance belongs to (auxiliary metadata; NULL where absent).',
    'access': "Access class of the instance's collection (Public or Limited; auxiliary metadata, NULL where absent).",
    'analysis_result_id': "Id of the analysis result the instance belongs to (NULL for an original collection's instance or where auxiliary metadata is absent).",
    'aws_bucket': "AWS bucket holding the instance's file (auxiliary metadata; NULL for local files).",
    'gcs_bucket': "Google Cloud Storage bucket holding the instance's file (auxiliary metadata; NULL for local files).",
    'aws_url': "URL of the instance's file in AWS (auxiliary metadata; NULL for local files).",
    'gcs_url': "URL of the instance's file in Google Cloud Storage (auxiliary metadata; NULL for local files).",
    'series_gcs_url': "URL of the series' folder in Google Cloud Storage (auxiliary metadata; NULL for local files).",
    'collection_cancerType': "Cancer type of the instance's original collection (original_collections_metadata; NULL where absent).",
    'collection_species': "Species of the instance's original collection (original_collections_metadata; NULL where absent).",
    'collection_tumorLocation': "Tumor location of the instance's original collection (original_collections_metadata; NULL where absent).",
    'collection_hash': "IDC's hash of the collection version (auxiliary metadata; NULL where absent).",
    'patient_hash': "IDC's hash of the patient version (auxiliary metadata; NULL where absent).",
    'study_hash': "IDC's hash of the study version (auxiliary metadata; NULL where absent).",
    'series_hash': "IDC's hash of the series version (auxiliary metadata; NULL where absent).",
    'collection_timestamp': 'Time the collection version was recorded by IDC (auxiliary metadata; NULL where absent).',
    'license_long_name': "Long name of the licence of the instance's collection (auxiliary metadata; NULL where absent).",
    'license_url': "URL of the licence of the instance's collection (auxiliary metadata; NULL where absent).",
    'segmentationSeriesUID': 'SeriesInstanceUID of the Segmentation the measurement group references (NULL when it references none).',
    'segmentation_series_uid': 'SeriesInstanceUID of the Segmentation the measurement group references (NULL when it references none).',
    'segment_algorithm_names': "The segment's SegmentAlgorithmName values, as a list (empty or NULL for manual segments).",
    'collection_init_idc_version': 'IDC release in which this collection version first appeared (auxiliary metadata; NULL where absent).',
    'collection_revised_idc_version': 'IDC release in which this collection was last revised (auxiliary metadata; NULL where absent).',
    'patient_init_idc_version': 'IDC release in which this patient version first appeared (auxiliary metadata; NULL where absent).',
    'patient_revised_idc_version': 'IDC release in which this patient was last revised (auxiliary metadata; NULL where absent).',
    'study_init_idc_version': 'IDC release in which this study version first appeared (auxiliary metadata; NULL where absent).',
    'study_revised_idc_version': 'IDC release in which this study was last revised (auxiliary metadata; NULL where absent).',
    'series_init_idc_version': 'IDC release in which this series version first appeared (auxiliary metadata; NULL where absent).',
    'series_revised_idc_version': 'IDC release in which this series was last revised (auxiliary metadata; NULL where absent).',
    'instance_init_idc_version': 'IDC release in which this instance version first appeared (auxiliary metadata; NULL where absent).',
    'instance_revised_idc_version': 'IDC release in which this instance was last revised (auxiliary metadata; NULL where absent).',
    'versioned_source_doi': 'DOI of the version of the source collection or analysis result the instance belongs to (auxiliary metadata; NULL where absent).',
    'collection_cancer_type': "Cancer type of the instance's original collection (original_collections_metadata; NULL where absent).",
    'collection_tumor_location': "Tumor location of the instance's original collection (original_collections_metadata; NULL where absent).",
}


def block_name(column: str) -> str:
    return "col_" + re.sub(r"[^A-Za-z0-9_]", "_", column)


def describe(column: str, described: dict[str, str]) -> str | None:
    if column in HAND_WRITTEN:
        return HAND_WRITTEN[column]
    if column.lower() in described:
        return described[column.lower()]
    tag = keyword_dict.get(column)
    if tag is not None:
        from pydicom.datadict import dictionary_description

        vr = dictionary_VR(tag)
        shape = " (a list of structs, one per item)" if vr == "SQ" else ""
        return (f"DICOM {dictionary_description(tag)} ({tag >> 16:04X},{tag & 0xFFFF:04X}), "
                f"VR {vr}{shape}, as in the instance's metadata.")
    return None


def existing_blocks() -> dict[str, str]:
    if not DOCS.exists():
        return {}
    text = DOCS.read_text(encoding="utf-8")
    return dict(re.findall(r"{% docs (\w+) %}(.*?){% enddocs %}", text, re.S))


def _insert(text: str, model: str, entries: list[str]) -> str:
    """``entries`` (YAML lines) appended to the columns of ``model``'s block in ``text``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"  - name: {re.escape(model)}\s*", line))
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"  - name: ", lines[i])
                or (lines[i] and not lines[i].startswith(" "))), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    has_columns = any(line == "    columns:" for line in lines[start:end])
    new = ([] if has_columns else ["    columns:"]) + entries
    return "\n".join(lines[:end] + new + lines[end:]) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "target")
    manifest, catalog = load(target)
    described: dict[str, str] = {}
    for node in manifest["nodes"].values():
        for name, column in node.get("columns", {}).items():
            text = (column.get("description") or "").strip()
            if text and "{{" not in text:
                described.setdefault(name.lower(), text)
    blocks = existing_blocks()
    by_file: dict[Path, dict[str, list[str]]] = {}
    left_out = []
    for gap in gaps(manifest, catalog):
        if gap.column is None:
            left_out.append(str(gap))
            continue
        node = manifest["nodes"][gap.node]
        text = describe(gap.column, described)
        if text is None or not node.get("patch_path"):
            left_out.append(str(gap))
            continue
        blocks.setdefault(block_name(gap.column), " ".join(text.split()))
        path = REPO / node["patch_path"].split("://", 1)[1]
        by_file.setdefault(path, {}).setdefault(node["name"], []).append(
            f"      - name: {gap.column}\n        description: '{{{{ doc(\"{block_name(gap.column)}\") }}}}'")
    for path, models in by_file.items():
        text = path.read_text(encoding="utf-8")
        for model, entries in models.items():
            text = _insert(text, model, entries)
        path.write_text(text, encoding="utf-8")
    DOCS.write_text(
        "{#- Column descriptions shared by several models (scripts/describe_columns.py writes the "
        "missing ones). -#}\n"
        + "".join(f"{{% docs {name} %}}{text}{{% enddocs %}}\n" for name, text in sorted(blocks.items())),
        encoding="utf-8")
    print(f"{sum(len(e) for m in by_file.values() for e in m.values())} columns described in "
          f"{len(by_file)} files; {len(blocks)} doc blocks in {DOCS.relative_to(REPO)}")
    for gap in left_out:
        print(f"  not described (do it by hand): {gap}")
    return 1 if left_out else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
