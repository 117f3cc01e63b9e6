"""IDC's recipe dictionary entries (``clinical_notes.json``) as our ``dictionary:`` blocks.

``curate import-idc`` calls ``recipe_blocks`` for each entry of a collection's ``dict`` list
and ``acrin_block`` for a ``spec: acrin`` collection. What each IDC ``form`` is, as a layout
(facts about IDC's parser and the files; the readers are ours):

==========  ==================================================================================
ispy2       ``FIELD`` / ``DESCRIPTION`` below skipped rows; the description's first line is the
            label, the other lines ``code: description`` options -> sheet kind, options_column
adrenal     ``Column Name`` / ``Description`` / ``Potential Values`` (``M, F``) -> sheet, list
colorectal  ``Variable Name`` / ``Description`` / ``Values`` (``1 - Male | 2 - Female``) -> list
ambl        columns described by letter (``column D``) -> lettered kind, matched by header text
bmdeep      name in the first column, label in the second (a header row) -> sheet by position
hcc_tace    name and label in the first two columns, no header row -> sheet, header_row 0
spinal      ``Column Title`` / ``Definition``; IDC renames two variables to the data's columns
            (``Case Identifier Number`` -> ``case``, ``Age`` -> ``age_y``) -> ``columns`` map
nlst        NLST workbook, one sheet (``sheet``: its 0-based position) -> nlst kind, ``sheets``
nlst2       the same with a list of sheets
PROSTATEx   Word lists, ``filenm`` and ``filenm2`` (training, test) -> two docx blocks
==========  ==================================================================================

Files: IDC unpacks a collection's archives next to them and names the unpacked path; our
chains read the member, ``[zip, member]``, when one of the given archives (or else another
ZIP of the collection folder) holds it, else the file in the collection folder. Sheets given by position are written by name. IDC applies an
entry only when it has a ``use`` key; ``nohead`` is not read by IDC's dictionary parser and
is ignored here too. A form (or key) we do not know raises ``ValueError`` naming it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from curation.dictionaries.formats.cells import WORKBOOK_FORMATS, sheet_names
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import CurationError, Where
from curation.sources import open_chain

KNOWN_KEYS = {"filenm", "filenm2", "form", "sheet", "skipRows", "header", "use", "nohead"}

_LAYOUTS: dict[str, dict] = {
    "ispy2": {"kind": "sheet", "name_column": "FIELD", "label_column": "DESCRIPTION",
              "options_column": "DESCRIPTION", "options_split": "lines"},
    "adrenal": {"kind": "sheet", "name_column": "Column Name", "label_column": "Description",
                "options_column": "Potential Values", "options_split": "list"},
    "colorectal": {"kind": "sheet", "name_column": "Variable Name", "label_column": "Description",
                   "options_column": "Values", "options_split": "list"},
    "ambl": {"kind": "lettered", "match_by": "header"},
    "bmdeep": {"kind": "sheet", "name_column": 1, "label_column": 2},
    "hcc_tace": {"kind": "sheet", "header_row": 0, "name_column": 1, "label_column": 2},
    "spinal": {"kind": "sheet", "name_column": "Column Title", "label_column": "Definition",
               "columns": {"Case Identifier Number": "case", "Age": "age_y"}},
}
FORMS = (*_LAYOUTS, "nlst", "nlst2", "PROSTATEx")


def file_chain(collection_dir: Path, archives: list[str], name: str) -> list[str]:
    """``[zip, member]`` when a ZIP holds ``name`` (``archives`` first, then the other ZIPs of the
    collection folder: IDC unpacks them all), else ``[name]`` if the file exists."""
    path = str(PurePosixPath(name.replace("\\", "/")))
    others = sorted(p.name for p in collection_dir.glob("*.zip") if p.name not in archives)
    for archive in [*archives, *others]:
        zip_path = collection_dir / archive
        if zip_path.is_file():
            with zipfile.ZipFile(zip_path) as opened:
                if path in opened.namelist():
                    return [archive, path]
    if (collection_dir / path).is_file():
        return [path]
    raise ValueError(f"IDC dictionary file {name!r} is neither in {archives or 'no archive'} "
                     f"nor in {collection_dir}")


def _sheet_name(collection_dir: Path, chain: list[str], sheet: int | str) -> str:
    if isinstance(sheet, str):
        return sheet
    where = Where(file=chain[-1])
    try:
        names = sheet_names(open_chain(collection_dir, chain, where).data, where)
    except CurationError as exc:
        raise ValueError(f"cannot list the sheets of {' > '.join(chain)}: {exc}") from exc
    if not 0 <= sheet < len(names):
        raise ValueError(f"IDC dictionary sheet {sheet} of {chain[-1]!r}: the workbook has sheets {names}")
    return names[sheet]


def _header_row(entry: dict) -> int:
    header = entry.get("header", 0)
    if header == "None":
        return 0
    if not isinstance(header, int):
        raise ValueError(f"IDC dictionary 'header' {header!r} is neither a row number nor 'None'")
    return header + 1 + len(entry.get("skipRows") or [])


def _validated(block: dict) -> dict:
    DictionarySpec.model_validate(block)
    return block


def recipe_blocks(entry: dict, collection_dir: Path, archives: list[str]) -> list[dict]:
    """Our dictionary block(s) for one IDC ``dict`` entry (none when IDC would not apply it)."""
    form = entry.get("form")
    unknown = set(entry) - KNOWN_KEYS
    if unknown:
        raise ValueError(f"IDC dictionary form {form!r}: unknown key(s) {sorted(unknown)}")
    if form not in FORMS:
        raise ValueError(f"IDC dictionary form {form!r} has no mapping (known forms: {', '.join(FORMS)})")
    if "use" not in entry:
        return []
    chain = file_chain(collection_dir, archives, entry["filenm"])
    if form == "PROSTATEx":
        names = [entry["filenm"], *([entry["filenm2"]] if "filenm2" in entry else [])]
        return [_validated({"kind": "docx", "files": file_chain(collection_dir, archives, n)}) for n in names]
    if "filenm2" in entry:
        raise ValueError(f"IDC dictionary form {form!r}: 'filenm2' is only read for PROSTATEx")
    sheet = entry.get("sheet", 0)
    if form in ("nlst", "nlst2"):
        if form == "nlst2" and not isinstance(sheet, list):
            raise ValueError("IDC dictionary form 'nlst2' needs a list of sheets")
        positions = sheet if isinstance(sheet, list) else [sheet]
        return [_validated({"kind": "nlst", "files": chain,
                            "sheets": [_sheet_name(collection_dir, chain, s) for s in positions]})]
    layout = dict(_LAYOUTS[form])
    block = {"kind": layout.pop("kind"), "files": chain, **layout}
    if chain[-1].rsplit(".", 1)[-1].lower() in WORKBOOK_FORMATS:
        block["sheet"] = _sheet_name(collection_dir, chain, sheet)
    if block["kind"] == "sheet" and "header_row" not in block and _header_row(entry) != 1:
        block["header_row"] = _header_row(entry)
    return [_validated(block)]


def _members(collection_dir: Path, archive: str, folder: str) -> list[str]:
    """Files directly in ``folder`` of the archive (or of the unpacked folder when no archive)."""
    zip_path = collection_dir / archive
    if zip_path.is_file():
        with zipfile.ZipFile(zip_path) as opened:
            names = opened.namelist()
        return sorted(n for n in names if not n.endswith("/") and str(PurePosixPath(n).parent) == folder)
    unpacked = collection_dir / folder
    if not unpacked.is_dir():
        raise ValueError(f"ACRIN archive {archive!r} and folder {folder!r} are both missing from {collection_dir}")
    return sorted(f"{folder}/{p.name}" for p in unpacked.iterdir() if p.is_file())


def _in_archive(collection_dir: Path, archive: str, members: list[str], name: str) -> list[str]:
    return [archive, name] if (collection_dir / archive).is_file() and name in members else [name]


def acrin_block(collection_dir: Path, uzip: list[str], udir: list[str] | None, dictfile: str | None) -> dict:
    """The ``kind: acrin`` block of a ``spec: acrin`` entry: IDC's dictionary choice.

    The dictionary is ``dictfile`` when given, else the file of the first archive's folder
    (``udir[0]``, or the archive's name without ``.zip``) with ``Dictionary`` in its name
    (a workbook first, then by name); a ``*Form*.xls*`` file of that folder gives the form
    titles (``titles_files``)."""
    if not uzip:
        raise ValueError("a 'spec: acrin' entry needs 'uzip'")
    archive = uzip[0]
    folder = udir[0] if udir else PurePosixPath(archive).stem
    members = _members(collection_dir, archive, folder)
    if dictfile:
        name = str(PurePosixPath(dictfile.replace("\\", "/")))
        if name not in members and not (collection_dir / name).is_file():
            raise ValueError(f"ACRIN dictfile {dictfile!r} is neither in {archive!r} nor in {collection_dir}")
        files = _in_archive(collection_dir, archive, members, name)
    else:
        candidates = [m for m in members if "Dictionary" in PurePosixPath(m).name]
        candidates.sort(key=lambda m: (m.rsplit(".", 1)[-1].lower() not in WORKBOOK_FORMATS, m))
        if not candidates:
            raise ValueError(f"no file with 'Dictionary' in its name in {folder!r} of {archive!r}")
        files = _in_archive(collection_dir, archive, members, candidates[0])
    block: dict = {"kind": "acrin", "files": files}
    titles = [m for m in members if "Form" in PurePosixPath(m).name and ".xls" in PurePosixPath(m).name]
    if titles and titles[0] != files[-1]:
        block["titles_files"] = _in_archive(collection_dir, archive, members, titles[0])
    return _validated(block)

