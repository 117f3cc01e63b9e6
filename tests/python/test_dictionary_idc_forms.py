"""IDC's dictionary forms: each entry of IDC's v22 recipes becomes our block(s), and each block
reads the real dictionary file (copied under data/sources/) with its labels and coded values."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from curation.dictionaries.formats.cells import is_sas_format
from curation.dictionaries.idc_forms import acrin_block, file_chain, recipe_blocks
from curation.dictionaries.load import load_dictionary
from curation.dictionaries.parsed import Option, Variable
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import Where
from helpers.dictionaries import REPO, write_acrin_xlsx

SOURCES = REPO / "data" / "sources"
WHERE = Where(recipe="idc.yaml")

# The ``dict`` entries of IDC's v22 recipes (clinical_notes.json), with the archives of the
# source group each entry describes.
ENTRIES = {
    "ispy2": ("acrin_6698", {"filenm": "Full-Collection-Ancillary-Patient-Information-file.xlsx", "sheet": 1,
                             "use": "true", "form": "ispy2", "skipRows": [0]}, []),
    "adrenal": ("adrenal_acc_ki67_seg", {"filenm": "Adrenal-ACC-Ki67-Seg_SupportingData_20230522.xlsx", "sheet": 1,
                                         "use": "true", "nohead": "true", "form": "adrenal"}, []),
    "ambl": ("advanced_mri_breast_lesions", {"use": "true", "form": "ambl", "sheet": 1,
                                             "filenm": "Advanced-MRI-Breast-Lesions-DA-Clinical-Sep2024.xlsx"}, []),
    "bmdeep": ("bonemarrowwsi_pediatricleukemia", {"filenm": "images_v1_lab_values.xlsx", "sheet": 1, "use": True,
                                                   "nohead": False, "form": "bmdeep"}, []),
    "colorectal": ("colorectal_liver_metastases", {
        "filenm": "Colorectal-Liver-Metastases-Clinical-data-April-2023.xlsx", "use": "true", "sheet": 1,
        "form": "colorectal"}, []),
    "hcc_tace": ("hcc_tace_seg", {"filenm": "HCC-TACE-Seg_clinical_data-V2.xlsx", "sheet": 1, "use": "true",
                                  "nohead": "true", "form": "hcc_tace"}, []),
    "spinal": ("spine_mets_ct_seg", {"filenm": "Spine-Mets-CT-SEG_Clinical.xlsx", "sheet": 0, "use": "true",
                                     "nohead": "true", "form": "spinal"}, []),
    "nlst": ("nlst", {"filenm": "./NLST_dicts_xls/dictionary_idc_canc_idc.xlsx", "use": "true", "form": "nlst",
                      "sheet": 2}, ["NLST_dicts_xls.zip"]),
    "nlst2": ("nlst", {"filenm": "./NLST_dicts_xls/dictionary_idc_prsn_idc.xlsx", "use": "true", "form": "nlst2",
                       "sheet": [2, 3, 4, 5]}, ["NLST_dicts_xls.zip"]),
    "PROSTATEx": ("prostatex", {
        "filenm": "ProstateX-TrainingLesionInformationv2/ProstateX-DataInfo-Train.docx",
        "filenm2": "ProstateX-TestLesionInformation/ProstateX-DataInfo-Test.docx", "form": "PROSTATEx", "use": "true"},
        ["ProstateX-TrainingLesionInformationv2.zip", "ProstateX-TestLesionInformation.zip"]),
}

EXPECTED_BLOCKS = {
    "ispy2": [{"kind": "sheet", "files": ["Full-Collection-Ancillary-Patient-Information-file.xlsx"],
               "name_column": "FIELD", "label_column": "DESCRIPTION", "options_column": "DESCRIPTION",
               "options_split": "lines", "sheet": "Table legend", "header_row": 2}],
    "adrenal": [{"kind": "sheet", "files": ["Adrenal-ACC-Ki67-Seg_SupportingData_20230522.xlsx"],
                 "name_column": "Column Name", "label_column": "Description", "options_column": "Potential Values",
                 "options_split": "list", "sheet": "Glossary"}],
    "ambl": [{"kind": "lettered", "files": ["Advanced-MRI-Breast-Lesions-DA-Clinical-Sep2024.xlsx"],
              "match_by": "header", "sheet": "Data Dictionary"}],
    "bmdeep": [{"kind": "sheet", "files": ["images_v1_lab_values.xlsx"], "name_column": 1, "label_column": 2,
                "sheet": "idc_dictionary"}],
    "colorectal": [{"kind": "sheet", "files": ["Colorectal-Liver-Metastases-Clinical-data-April-2023.xlsx"],
                    "name_column": "Variable Name", "label_column": "Description", "options_column": "Values",
                    "options_split": "list", "sheet": "Data Dictionary"}],
    "hcc_tace": [{"kind": "sheet", "files": ["HCC-TACE-Seg_clinical_data-V2.xlsx"], "header_row": 0,
                  "name_column": 1, "label_column": 2, "sheet": "glossary"}],
    "spinal": [{"kind": "sheet", "files": ["Spine-Mets-CT-SEG_Clinical.xlsx"], "name_column": "Column Title",
                "label_column": "Definition", "columns": {"Case Identifier Number": "case", "Age": "age_y"},
                "sheet": "Data Dictionary"}],
    "nlst": [{"kind": "nlst", "files": ["NLST_dicts_xls.zip", "NLST_dicts_xls/dictionary_idc_canc_idc.xlsx"],
              "sheets": ["lung cancer"]}],
    "nlst2": [{"kind": "nlst", "files": ["NLST_dicts_xls.zip", "NLST_dicts_xls/dictionary_idc_prsn_idc.xlsx"],
               "sheets": ["demographics", "smoking", "screening", "lung cancer"]}],
    "PROSTATEx": [
        {"kind": "docx", "files": ["ProstateX-TrainingLesionInformationv2.zip",
                                   "ProstateX-TrainingLesionInformationv2/ProstateX-DataInfo-Train.docx"]},
        {"kind": "docx", "files": ["ProstateX-TestLesionInformation.zip",
                                   "ProstateX-TestLesionInformation/ProstateX-DataInfo-Test.docx"]}],
}

# form -> (variables, labelled (label other than the name), coded variables, options), all blocks
COUNTS = {
    "ispy2": (30, 30, 26, 71),
    "adrenal": (27, 27, 21, 58),
    "ambl": (49, 48, 49, 255),
    "bmdeep": (18, 18, 0, 0),
    "colorectal": (36, 35, 26, 48),
    "hcc_tace": (57, 57, 0, 0),
    "spinal": (12, 12, 0, 0),
    "nlst": (32, 32, 28, 181),
    "nlst2": (37, 37, 35, 210),
    "PROSTATEx": (32, 30, 3, 10),
}


def _blocks(form: str) -> list[dict]:
    collection, entry, archives = ENTRIES[form]
    return recipe_blocks(entry, SOURCES / collection, archives)


def _variables(form: str) -> list[Variable]:
    collection = ENTRIES[form][0]
    return [v for block in _blocks(form)
            for v in load_dictionary(SOURCES / collection, DictionarySpec(**block), WHERE).variables]


def _by_name(form: str) -> dict[str, Variable]:
    out: dict[str, Variable] = {}
    for variable in _variables(form):
        out.setdefault(variable.name, variable)
    return out


@pytest.mark.parametrize("form", sorted(ENTRIES))
def test_each_idc_form_maps_to_our_blocks(form: str) -> None:
    blocks = _blocks(form)
    assert blocks == EXPECTED_BLOCKS[form]
    assert all(DictionarySpec(**b) for b in blocks)


@pytest.mark.parametrize("form", sorted(COUNTS))
def test_each_idc_form_reads_labels_and_coded_values(form: str) -> None:
    variables = _variables(form)
    counted = (len(variables), sum(bool(v.label and v.label != v.name) for v in variables),
               sum(bool(v.options) for v in variables), sum(len(v.options) for v in variables))
    assert counted == COUNTS[form]
    assert all(v.label for v in variables)
    assert not any(is_sas_format(o.description) and not o.code for v in variables for o in v.options)


def test_ispy2_label_is_the_first_line_and_codes_the_others() -> None:
    v = _by_name("ispy2")
    assert (v["T0"].label, v["T0"].options) == ("T0 (baseline) MRI study included in collection",
                                                [Option("0", "No"), Option("1", "Yes")])
    assert v["race"].label == "Patient race"  # 'Patient race:' without its colon
    assert v["race"].options[-1] == Option("NA", "Not reported")
    assert [o.code for o in v["hrher4g"].options][:2] == ["HR + / HER2 +", "HR - / HER2 +"]  # no cut at ' - '
    assert [o.code for o in v["SBRgrade"].options] == ["I (Low)", "II (Intermediate)", "III (High)", "NA"]
    qc = v["QC_PASS_FAIL_T0"]  # 'Blank: No study ...' says what an empty cell means: not a code
    assert [o.code for o in qc.options] == ["PASS", "FAIL"] and "Blank: No study" in qc.description
    assert not qc.partial and v["age"].options == []


def test_adrenal_comma_lists_and_value_notes() -> None:
    v = _by_name("adrenal")
    assert [o.code for o in v["Race"].options] == ["Asian", "Black", "Hispanic or Latino", "White"]
    assert [o.code for o in v["SEX"].options] == ["M", "F"]
    assert v["Age"].options == [] and v["Age"].description == "range 22 to 82"
    assert v["studydate"].options == [] and v["studydate"].description == "YYYYMMdd"
    others = v["FutureMets-Others"]
    assert [o.code for o in others.options] == ["Peritoneal", "Soft tissue", "N"] and others.description == "(blanks)"


def test_colorectal_code_dash_description_lists() -> None:
    v = _by_name("colorectal")
    assert v["sex"].options == [Option("1", "Male"), Option("2", "Female")]
    assert v["clinrisk_stratified"].options == [Option("1", "(3,4,5 scores)"), Option("0", "(0, 1, 2)"),
                                                Option("-999", "N/A")]
    assert v["fibrosis_greater_40_percent"].options == [Option("1", "Yes"), Option("0", "No"),
                                                        Option("-999", "Unknown")]
    cea = v["carcinoembryonic_antigen"]  # a number with one special code: other values are expected
    assert cea.options == [Option("-999", "not applicable")] and cea.partial
    assert v["age"].options == [] and v["age"].description == "Continuous numeric"
    assert "body_mass_index" in v  # 'body_mass_index ' with its trailing space


def test_ambl_columns_by_letter_with_references_and_shared_codes() -> None:
    v = _by_name("ambl")
    referral = v["reason for referral ID#"]
    assert referral.label == "reason for referral to MRI"
    assert [o.code for o in referral.options] == ["1", "2", "3", "4", "5", "6", "-1"]  # -1: 'General'
    assert v["additional reason for referral ID#"].options == referral.options  # 'see definition above'
    assert v["tumor/benign3"].label.startswith("specifies whether the third suspiciouos")
    assert [o.code for o in v["tumor/benign6"].options] == ["0", "1", "-1"]
    assert [o.code for o in v["pathology4"].options][:3] == ["1", "2", "3"]
    assert [o.code for o in v["ER [SII] 3"].options] == ["negative", "positive", "-1"]  # from columns L-R
    assert v["ER [%] 2"].partial and v["pos2"].partial  # only the shared -1: values are free
    assert not v["GRADE2"].partial and "HER2 [%] 3" in v


def test_bmdeep_hcc_tace_spinal_labels() -> None:
    assert _by_name("bmdeep")["hemoglobin"].label.startswith("LOINC:718-7")
    hcc = _by_name("hcc_tace")
    assert hcc["TCIA_ID"].label == "Patient ID"  # the first row is a variable: the sheet has no header
    assert hcc["Sex"].label == "1=Male, 2=Female"
    spinal = _by_name("spinal")
    assert spinal["Case Identifier Number"].label == "Patient ID"
    assert spinal["Age"].label == "Subject Age at Diagnosis"  # 'Age ' and '\nSubject Age ...' trimmed


def test_nlst_sheets_by_position_read_only_those_sheets() -> None:
    prsn = _variables("nlst2")
    assert {v.sheet for v in prsn} == {"demographics", "smoking", "screening", "lung cancer"}
    canc = _by_name("nlst")
    assert [o.code for o in canc["clinical_m"].options] == [".M", "0", "100", "999"]


def test_prostatex_reads_the_training_and_the_test_document() -> None:
    blocks = [load_dictionary(SOURCES / "prostatex", DictionarySpec(**b), WHERE) for b in _blocks("PROSTATEx")]
    assert [len(d.variables) for d in blocks] == [16, 16]
    zone = next(v for v in blocks[1].variables if v.name == "zone")
    assert [o.code for o in zone.options] == ["AS", "PZ", "SV", "TZ"]


# --- ACRIN -------------------------------------------------------------------------------

ACRIN_6668 = ("acrin_nsclc_fdg_pet", ["ACRIN-6668-NSCLC-FDG-PET-ACRIN-Data-TCIA-Anonymized-File-set-1.zip",
                                      "ACRIN-6668HB-NSCLC-FDG-PET-ACRIN-Data-TCIA-Anonymized-File-set-2.zip"],
              ["ACRIN 6668 NSCLC FDG PET - ACRIN Data TCIA Anonymized",
               "ACRIN 6668HB NSCLC FDG PET - ACRIN Data TCIA Anonymized"], None)
ACRIN_6667 = ("acrin_contralateral_breast_mr", ["ACRIN-6667-Contralateral-Breast-MRI-Clinical-Data-Anonymized.zip"],
              ["ACRIN 6667 Contralateral Breast MRI Clinical Data Anonymized"],
              "./ACRIN 6667 Contralateral Breast MRI Clinical Data Anonymized/QIN_6667 Data Dictionary reviewed.xlsx")
FOLDER_6667 = "ACRIN 6667 Contralateral Breast MRI Clinical Data Anonymized/"


def test_acrin_block_picks_idc_dictionary_file() -> None:
    collection, uzip, udir, dictfile = ACRIN_6668
    assert acrin_block(SOURCES / collection, uzip, udir, dictfile) == {"kind": "acrin", "files": [
        uzip[0], "ACRIN 6668 NSCLC FDG PET - ACRIN Data TCIA Anonymized/QIN_6668 Data Dictionary.xls"]}
    collection, uzip, udir, dictfile = ACRIN_6667
    assert acrin_block(SOURCES / collection, uzip, udir, dictfile) == {"kind": "acrin", "files": [
        uzip[0], FOLDER_6667 + "QIN_6667 Data Dictionary reviewed.xlsx"]}
    # without dictfile: the workbook with 'Dictionary' in its name wins over the 17 CSVs
    assert acrin_block(SOURCES / collection, uzip, udir, None)["files"][-1].endswith(".xlsx")


@pytest.mark.parametrize(("entry", "counts"), [
    (ACRIN_6668, (20, 1213, 593, 2655, 620)), (ACRIN_6667, (16, 677, 406, 1435, 271))])
def test_acrin_sas_formats_are_formats_not_options(entry, counts) -> None:
    collection, uzip, udir, dictfile = entry
    d = load_dictionary(SOURCES / collection, DictionarySpec(**acrin_block(SOURCES / collection, uzip, udir, dictfile)),
                        WHERE)
    found = (len(d.forms), len(d.variables), sum(bool(v.options) for v in d.variables),
             sum(len(v.options) for v in d.variables), sum(bool(v.value_format) for v in d.variables))
    assert found == counts
    assert all((v.data_type or "").lower() == "list" for v in d.variables if v.options)
    entryage = next(v for v in d.select("A0", WHERE) if v.name == "entryage")
    assert (entryage.options, entryage.value_format) == ([], "8" if collection == "acrin_nsclc_fdg_pet" else "best8.")
    assert len(d.form_titles) >= len(d.forms)


def test_acrin_6667_per_form_csvs_agree_with_the_workbook() -> None:
    collection, uzip, _, dictfile = ACRIN_6667
    root = SOURCES / collection
    book = load_dictionary(root, DictionarySpec(kind="acrin", files=[uzip[0], FOLDER_6667 + dictfile.split("/")[-1]]),
                           WHERE)
    for form in book.forms:
        spec = DictionarySpec(kind="sheet", files=[uzip[0], f"{FOLDER_6667}6667_{form}_Dictionary reviewed.csv"],
                              name_column="field_name", label_column="ques_desc", type_column="data_type",
                              code_column="resp_seq_no", description_column="resp_desc")
        csv = load_dictionary(root, spec, WHERE)
        assert [(v.name, v.label, v.options, v.value_format) for v in csv.variables] == \
               [(v.name, v.label, v.options, v.value_format) for v in book.select(form, WHERE)], form


def test_acrin_block_titles_file_and_missing_dictionary(tmp_path: Path) -> None:
    book = write_acrin_xlsx(tmp_path / "book.xlsx")
    with zipfile.ZipFile(tmp_path / "forms.zip", "w") as archive:
        archive.write(book, "forms/Demo Data Dictionary.xlsx")
        archive.write(book, "forms/Demo Form List.xlsx")
        archive.writestr("forms/A0.csv", "cn\n1\n")
    block = acrin_block(tmp_path, ["forms.zip"], None, None)
    assert block == {"kind": "acrin", "files": ["forms.zip", "forms/Demo Data Dictionary.xlsx"],
                     "titles_files": ["forms.zip", "forms/Demo Form List.xlsx"]}
    assert load_dictionary(tmp_path, DictionarySpec(**block), WHERE).form_titles["A1"] == "On-Study"
    with pytest.raises(ValueError, match="'Dictionary'"):
        acrin_block(tmp_path, ["forms.zip"], ["elsewhere"], None)
    with pytest.raises(ValueError, match="dictfile"):
        acrin_block(tmp_path, ["forms.zip"], None, "forms/none.xlsx")


# --- what cannot be mapped -----------------------------------------------------------------

@pytest.mark.parametrize("form", ["duke", "ispy", "lidc", "covid", "men", "ea1141", "remind", None])
def test_unmapped_form_is_a_value_error_naming_it(form) -> None:
    with pytest.raises(ValueError, match=repr(form)):
        recipe_blocks({"filenm": "x.xlsx", "form": form, "use": "true"}, SOURCES / "acrin_6698", [])


def test_entry_problems_are_value_errors(tmp_path: Path) -> None:
    _, entry, _ = ENTRIES["adrenal"]
    with pytest.raises(ValueError, match="nRows"):
        recipe_blocks({**entry, "nRows": 5}, SOURCES / "adrenal_acc_ki67_seg", [])
    with pytest.raises(ValueError, match="sheets"):
        recipe_blocks({**entry, "sheet": 7}, SOURCES / "adrenal_acc_ki67_seg", [])
    with pytest.raises(ValueError, match="missing.xlsx"):
        recipe_blocks({**entry, "filenm": "missing.xlsx"}, SOURCES / "adrenal_acc_ki67_seg", [])
    without_use = {k: v for k, v in entry.items() if k != "use"}
    assert recipe_blocks(without_use, SOURCES / "adrenal_acc_ki67_seg", []) == []  # IDC skips it too


def test_file_chain_prefers_the_archive_member(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "dict.xlsx").write_bytes(b"unpacked")
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("d/dict.xlsx", b"member")
    assert file_chain(tmp_path, ["a.zip"], "./d/dict.xlsx") == ["a.zip", "d/dict.xlsx"]
    # an archive the entry does not name is still searched (IDC unpacks every archive)
    assert file_chain(tmp_path, [], "./d/dict.xlsx") == ["a.zip", "d/dict.xlsx"]
    (tmp_path / "d" / "other.xlsx").write_bytes(b"in no archive")
    assert file_chain(tmp_path, [], "d/other.xlsx") == ["d/other.xlsx"]


def test_nlst_dictionary_without_the_archive_named_reads_the_zip_member() -> None:
    _, entry, _ = ENTRIES["nlst"]
    assert recipe_blocks(entry, SOURCES / "nlst", [])[0]["files"] == [
        "NLST_dicts_xls.zip", "NLST_dicts_xls/dictionary_idc_canc_idc.xlsx"]


def test_nlst_numbers_with_special_codes_are_partial() -> None:
    canc = _by_name("nlst")
    assert canc["lesionsize"].options == [Option(".M", "Missing")] and canc["lesionsize"].partial
    assert canc["lesionsize"].sql_type == "NUMBER"  # 'Numeric', not INTEGER from the codes
    assert not canc["clinical_m"].partial  # .M with real codes: coded
    ctab = load_dictionary(SOURCES / "nlst", DictionarySpec(
        kind="nlst", files=["NLST_dicts_xls.zip", "NLST_dicts_xls/dictionary_idc_ctab_idc.xlsx"]), WHERE)
    slices = next(v for v in ctab.variables if v.name == "sct_slice_num")  # Numeric, .N and 999
    assert [o.code for o in slices.options] == [".N", "999"] and slices.partial
    assert not _by_name("nlst2")["gender"].partial
