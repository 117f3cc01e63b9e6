"""Turning IDC's own recipes (``clinical_notes.json``) into our recipes, one YAML per collection.

IDC's ETL (``clinical/parse_clinical_files.py`` of ImagingDataCommons/etl_flow) reads one JSON
entry per collection. This module maps every key that code reads onto the recipe model
(``curation.recipe``), looking into the collection's source folder where the mapping needs
it (which ZIP holds a file, which forms an ACRIN archive has, who writes a shared table).
A key or value that cannot be mapped is a ``CurationError`` naming the collection and key.

Keys and how they map (IDC positions are 0-based; ours are 1-based spreadsheet numbers):

==================  ===========================================================================
``srcs``            one table per group, one batch per entry; ``srcs2``/``tabletypes2`` likewise
``tabletypes``      table name suffix and description per group (default ``clinical``)
``filenm``          the data file; found in the folder, or as a member of a listed ``archive``
                    or ``uzip`` ZIP (IDC unpacks those before reading): ``files: [zip, member]``
``archive``/``uzip`` ZIPs the file may be in (entry level or collection level)
``sheet``           ``sheet`` (0-based index, as IDC)
``headrows``        ``header_rows``: IDC row ``r`` is spreadsheet row ``r + 1`` (pandas' header
                    row is row 0), also for ``pivot``
``skipRows``        ``skip_rows``: IDC drops data row ``s - 1``, spreadsheet row ``s + 1``
``maxRow``          ``last_data_row: maxRow + 1``
``skipCols``        ``skip_columns``: position ``c + 1``
``pivot``           ``pivot``
``patientIdRow``    the patient column, a 0-based position among the columns kept after
                    ``skipCols``; also the column IDC casts to integer-or-text
                    (``idc_cast_column``)
``patientIdCol``    the patient column by its curated name
``filterRows``      ``row_filter`` keeping the rows whose column equals the collection id
``case_id``         patient-id steps (collection level, or per source); ``tcia_api`` is the
                    TCIA name the ``acrin format`` and ``add colec`` rules put in front
``ar_file``         an analysis-result table: named by its ``tabletypes`` key alone. Several
                    collections name the same table; IDC writes it once per collection, so
                    the last collection in IDC's order (sorted ids) holds it, and the others'
                    recipes say so in a comment
``spec: acrin``     one table per case report form: ``uzip`` are the batches (one ZIP each),
                    ``udir`` the folders in them, ``dictfile`` the dictionary
``dict``            the data dictionary of the group at the same position
                    (``curation.dictionaries.idc_forms``)
``spec`` (other)    ``CPTAC``/``TCGA``/``HTAN`` tables are copies of BigQuery tables, not
                    files: only their ``srcs2`` are built; ``ignore``/``error`` and any other
                    value build nothing from ``srcs`` (as IDC)
==================  ===========================================================================

Informational keys (``notes``, ``alternate``, ``tcia``, ``idc_id``, ``idc_webapp``) are read
only to decide what IDC builds. ``headerformatspec``, ``specAttr`` and ``reindex`` rewrite
headers or rows in ways our recipes do not express: an entry using them is an error.

Patient ids: where IDC's rule gives ids that the series index does not know but a simple
fix would (``curation.patient_check``), the recipe follows the DICOM PatientID and says so;
where ids still miss images, the recipe's ``patients_without_images`` is ``warn`` with the
count in a comment.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from curation.errors import CurationError, Reason, Where

_INFO_KEYS = {"notes", "alternate", "tcia", "idc_id", "idc_webapp", "idc_version"}
_COLLECTION_KEYS = {"srcs", "srcs2", "tabletypes", "tabletypes2", "case_id", "tcia_api", "dict",
                    "archive", "uzip", "udir", "dictfile", "spec"} | _INFO_KEYS
_SOURCE_KEYS = {"filenm", "sheet", "headrows", "skipRows", "maxRow", "skipCols", "pivot",
                "patientIdRow", "patientIdCol", "case_id", "ar_file", "archive", "filterRows",
                "table", "type"}
_UNSUPPORTED = {"headerformatspec": "rewrites header cells", "specAttr": "rewrites joined headers",
                "reindex": "merges rows of one patient"}
_BIGQUERY_SPECS = {"CPTAC", "TCGA", "HTAN"}

# IDC's case_id rules as patient-id steps (curation.patient_ids). ``spinal`` and ``upenn-gbm``
# are mapped by their effect on the corpus (checked against the series index).
_CASE_RULES: dict[str, list[dict]] = {
    "same": [],
    "breast": [{"replace": {"old": "BreastDX", "new": "BreastDx"}}],
    "acrin 6698": [{"prefix": "ACRIN-6698-"}],
    "acrin format": [{"zero_pad": 3}, {"tcia_prefix": "-"}],
    "acrin flt format": [{"zero_pad": 3}, {"tcia_prefix": "_"}],
    "switch dash": [{"replace": {"old": "_", "new": "-"}}],
    "3DCT-RT": [{"zero_pad": 3}, {"prefix": "HN_P"}],
    "ispy": [{"prefix": "ISPY1_"}],
    "ispy2": [{"prefix": "ISPY2-"}],
    "lung_pt": [{"prefix": "Lung_Dx-"}],
    "add colec": [{"tcia_prefix": "-"}],
    "remind": [{"zero_pad": 3}, {"prefix": "ReMIND-"}],
    "ea1141": [{"prefix": "EA1141-"}],
    "spinal": [],
    "upenn-gbm": [{"regex": r"^(.*?)(?:_\d+)?$"}],
}


@dataclass
class ImportedRecipe:
    """One generated recipe: its YAML text, and what the converter noticed."""

    collection_id: str
    recipe: dict
    comments: list[str] = field(default_factory=list)
    table_comments: dict[str, list[str]] = field(default_factory=dict)

    def render(self, source_name: str) -> str:
        head = [f"# Generated by `curate import-idc` from IDC's recipe for {self.collection_id!r}",
                f"# ({source_name}); a line edited by hand ends with a '# hand edit: why' comment."]
        for line in self.comments:
            head += [f"# {part}" for part in textwrap.wrap(line, 96)]
        body = yaml.safe_dump(self.recipe, sort_keys=False, allow_unicode=True, width=100)
        lines = body.splitlines()
        out = head
        for line in lines:
            match = re.match(r"^- name: (\S+)$|^  - name: (\S+)$", line)
            name = match and (match.group(1) or match.group(2))
            if name and name in self.table_comments:
                indent = line[: len(line) - len(line.lstrip())]
                for comment in self.table_comments[name]:
                    out += [f"{indent}# {part}" for part in textwrap.wrap(comment, 96 - len(indent))]
            out.append(line)
        return "\n".join(out) + "\n"


def _error(collection: str, key: str, message: str) -> CurationError:
    return CurationError(Reason.RECIPE_INVALID, f"IDC recipe {collection!r}, key {key!r}: {message}",
                         Where(recipe=collection))


def _truthy(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes"))


def _members(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return [n for n in archive.namelist() if not n.endswith("/") and not n.startswith("__MACOSX/")]


def _locate(collection: str, folder: Path, filenm: str, archives: list[str]) -> list[str]:
    """The chain of a file IDC reads: a member of one of the archives, or a file in the folder."""
    name = filenm[2:] if filenm.startswith("./") else filenm
    for zip_name in archives:
        zip_path = folder / zip_name
        if zip_path.is_file():
            members = _members(zip_path)
            if name in members:
                return [zip_name, name]
            tail = [m for m in members if m.endswith("/" + name)]
            if len(tail) == 1:
                return [zip_name, tail[0]]
    if (folder / name).is_file():
        return [name]
    raise _error(collection, "filenm", f"{filenm!r} is neither in the folder {folder} nor in "
                                       f"the archives {archives}")


def _kept_position(skip: list[int], index: int) -> int:
    """0-based sheet position of the ``index``-th column kept after dropping ``skip``."""
    position, seen = -1, -1
    while seen < index:
        position += 1
        if position not in skip:
            seen += 1
    return position


def _case_steps(collection: str, rule: str) -> list[dict]:
    if rule not in _CASE_RULES:
        raise _error(collection, "case_id", f"unknown rule {rule!r}; known: {sorted(_CASE_RULES)}")
    return [dict(step) for step in _CASE_RULES[rule]]


def _batch(collection: str, folder: Path, src: dict, archives: list[str]) -> dict:
    for key in src:
        if key in _UNSUPPORTED:
            raise _error(collection, key, f"{_UNSUPPORTED[key]}: not expressible in a recipe")
        if key not in _SOURCE_KEYS:
            raise _error(collection, key, "unknown source key")
    if src.get("type") == "json":
        raise _error(collection, "type", "JSON sources are not read by IDC's conventional path")
    if "filenm" not in src:
        raise _error(collection, "filenm", "a source needs a file name")
    local = list(src.get("archive") or [])
    batch: dict = {"files": _locate(collection, folder, src["filenm"], local + archives)}
    if src.get("sheet") not in (None, 0):
        batch["sheet"] = src["sheet"]
    headrows = src.get("headrows", [0])
    if headrows != [0]:
        batch["header_rows"] = [int(r) + 1 for r in headrows]
    if _truthy(src.get("pivot")):
        batch["pivot"] = True
    last_header = max(int(r) + 1 for r in headrows)
    skip_rows = [int(s) + 1 for s in src.get("skipRows") or [] if int(s) + 1 > last_header]
    if skip_rows:
        batch["skip_rows"] = skip_rows
    if "maxRow" in src and int(src["maxRow"]) > -1:
        batch["last_data_row"] = int(src["maxRow"]) + 1
    skip = sorted(int(c) for c in src.get("skipCols") or [])
    if skip:
        batch["skip_columns"] = [c + 1 for c in skip]
    if "patientIdRow" in src:
        position = _kept_position(skip, int(src["patientIdRow"])) + 1
        batch["patient_column"] = position
        if position != _kept_position(skip, 0) + 1:
            batch["idc_cast_column"] = position
    elif "patientIdCol" in src:
        batch["patient_column"] = src["patientIdCol"]
    else:
        batch["patient_column"] = _kept_position(skip, 0) + 1
    if "filterRows" in src:
        batch["row_filter"] = {"column": src["filterRows"], "equals": collection}
    return batch


def _groups(entry: dict, key: str) -> list[list[dict]]:
    groups = entry.get(key) or []
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        return []
    return groups


def _table_types(collection: str, entry: dict, key: str, count: int) -> list[tuple[str, str]]:
    types = entry.get(key)
    if types is None:
        return [("clinical", "clinical data")] * count
    if len(types) < count:
        raise _error(collection, key, f"{len(types)} table types for {count} source groups")
    return [next(iter(t.items())) for t in types[:count]]


@dataclass
class _Planned:
    collection: str
    table: dict
    ar_name: str | None  # the shared table name of an analysis-result source
    ar_file: Path | None = None
    missing: CurationError | None = None  # why its file was not found (raised where it is built)


def _conventional(collection: str, entry: dict, folder: Path, srcs_key: str, types_key: str,
                  dicts: list | None) -> list[_Planned]:
    archives = list(entry.get("archive") or [])
    if isinstance(entry.get("uzip"), str):
        archives.append(entry["uzip"])
    rule = entry.get("case_id", "same")
    planned = []
    groups = _groups(entry, srcs_key)
    for index, (group, (suffix, description)) in enumerate(
            zip(groups, _table_types(collection, entry, types_key, len(groups)))):
        if not group:
            raise _error(collection, srcs_key, f"source group {index} is empty")
        ar = [_truthy(src.get("ar_file")) for src in group]
        missing = None
        try:
            batches = [_batch(collection, folder, src, archives) for src in group]
        except CurationError as exc:
            if not all(ar) or exc.reason is not Reason.RECIPE_INVALID or "'filenm'" not in str(exc):
                raise
            # an analysis result's file is needed only where the table is built
            batches, missing = [{"files": [group[0].get("filenm", "")]}], exc
        table: dict = {"name": suffix}
        if description != "clinical data":
            table["description"] = description
        rules = {src.get("case_id", rule) for src in group}
        if len(rules) == 1:
            steps = _case_steps(collection, rules.pop())
            if steps:
                table["patient_id"] = steps
        else:
            for batch, src in zip(batches, group):
                batch["patient_id"] = _case_steps(collection, src.get("case_id", rule))
        table["batches"] = batches
        if dicts and index < len(dicts) and dicts[index] and not any(ar):
            table["dictionary"] = dicts[index]
        ar_name = None
        if any(ar):
            if not all(ar):
                raise _error(collection, "ar_file", f"source group {index} mixes analysis results and data")
            ar_name = suffix
            table["published_name"] = suffix
        planned.append(_Planned(collection, table, ar_name,
                                folder / batches[0]["files"][0] if ar_name else None, missing))
    return planned


def _acrin_forms(collection: str, folder: Path, uzip: list[str], udir: list[str] | None) -> tuple[list[str], list[str]]:
    """Form codes with a data CSV in the first archive, and the member pattern of each batch."""
    patterns = []
    codes: list[str] | None = None
    for number, zip_name in enumerate(uzip):
        if not (folder / zip_name).is_file():
            raise _error(collection, "uzip", f"{zip_name!r} is not in {folder}")
        prefix = (udir[number] + "/") if udir and number < len(udir) else Path(zip_name).stem + "/"
        found = {}
        for member in _members(folder / zip_name):
            if not member.startswith(prefix) or not member.lower().endswith(".csv"):
                continue
            stem = member[len(prefix):-4]
            if "/" in stem or "dictionary" in stem.lower():
                continue
            match = re.fullmatch(r"(?:(\d+)_)?([A-Za-z0-9]+)( reviewed)?", stem)
            if match:
                found[match.group(2)] = prefix + (f"{match.group(1)}_" if match.group(1) else "") + "{form}" + (match.group(3) or "") + ".csv"
        if not found:
            raise _error(collection, "udir", f"no form CSVs under {prefix!r} in {zip_name!r}")
        forms = sorted(found)
        codes = forms if codes is None else [c for c in codes if c in found]
        shapes = set(found.values())
        if len(shapes) != 1:
            raise _error(collection, "udir", f"form CSVs in {zip_name!r} are named in several ways: {sorted(shapes)}")
        patterns.append(shapes.pop())
    return codes or [], patterns


def _acrin(collection: str, entry: dict, folder: Path) -> tuple[dict, list[_Planned]]:
    from curation.dictionaries.idc_forms import acrin_block

    uzip = entry.get("uzip")
    if isinstance(uzip, str):
        uzip = [uzip]
    if not uzip:
        raise _error(collection, "uzip", "an ACRIN entry names its ZIP files")
    udir = entry.get("udir")
    codes, patterns = _acrin_forms(collection, folder, uzip, udir)
    forms: dict = {
        "idc_path": "acrin",
        "dictionary": acrin_block(folder, uzip, udir, entry.get("dictfile")),
        "codes": codes,
    }
    steps = _case_steps(collection, entry.get("case_id", "same"))
    if steps:
        forms["patient_id"] = steps
    forms["batches"] = [{"files": [z, p], "patient_column": 1} for z, p in zip(uzip, patterns)]
    return forms, []


def _dictionaries(collection: str, entry: dict, folder: Path) -> list | None:
    dicts = entry.get("dict")
    if not dicts:
        return None
    from curation.dictionaries.idc_forms import recipe_blocks

    archives = list(entry.get("archive") or [])
    out = []
    for item in dicts:
        if not isinstance(item, dict) or not _truthy(item.get("use")):  # IDC skips entries without use
            out.append(None)
            continue
        try:
            blocks = recipe_blocks(item, folder, archives)
        except ValueError as exc:
            raise _error(collection, "dict", str(exc)) from None
        out.append(None if not blocks else blocks[0] if len(blocks) == 1 else blocks)
    return out


def plan_collection(collection: str, entry: dict, folder: Path) -> tuple[dict, list[_Planned], list[str]]:
    """The recipe skeleton (without tables), the planned tables, and notes, for one entry."""
    for key in entry:
        if key in _UNSUPPORTED:
            raise _error(collection, key, f"{_UNSUPPORTED[key]}: not expressible in a recipe")
        if key not in _COLLECTION_KEYS:
            raise _error(collection, key, "unknown key")
    if not re.fullmatch(r"[a-z0-9_]+", collection):
        raise _error(collection, "<collection>", "a collection id holds only [a-z0-9_]")
    recipe: dict = {"collection_id": collection}
    if entry.get("tcia_api"):
        recipe["tcia_name"] = entry["tcia_api"]
    notes: list[str] = []
    planned: list[_Planned] = []
    spec = entry.get("spec")
    if spec == "acrin":
        forms, planned = _acrin(collection, entry, folder)
        recipe["forms"] = forms
    elif spec in _BIGQUERY_SPECS:
        notes.append(f"IDC copies its '{collection}_clinical' table from BigQuery ({spec}): not built from files.")
    elif spec is not None:
        notes.append(f"IDC's parser builds nothing from 'srcs' for spec {spec!r}.")
    elif _truthy(entry.get("tcia")) and entry.get("srcs"):
        planned += _conventional(collection, entry, folder, "srcs", "tabletypes",
                                 _dictionaries(collection, entry, folder))
    elif entry.get("srcs"):
        notes.append("IDC parses 'srcs' only for entries with tcia: yes.")
    if entry.get("srcs2"):
        planned += _conventional(collection, entry, folder, "srcs2", "tabletypes2", None)
    return recipe, planned, notes


def _index_prefixes(index_ids: list[str]) -> set[str]:
    """The prefixes of a collection's DICOM PatientIDs: everything up to the last separator."""
    prefixes = set()
    for patient in index_ids:
        match = re.match(r"^(.*[-_])[^-_]+$", patient)
        if match:
            prefixes.add(match.group(1))
    return prefixes


def _follow_dicom(imported: ImportedRecipe, collection: str, index_path: Path) -> None:
    """Where IDC's rule puts the TCIA name (``tcia_api``) before the id but the collection's
    DICOM PatientIDs start otherwise, use the DICOM prefix and say so."""
    name = imported.recipe.get("tcia_name")
    if not name:
        return
    import duckdb

    with duckdb.connect() as con:
        ids = [r[0] for r in con.execute(
            "select distinct PatientID from read_parquet(?) where collection_id = ?",
            [str(index_path), collection]).fetchall()]
    prefixes = _index_prefixes(ids)
    holders = [imported.recipe.get("forms", {})] + imported.recipe.get("tables", [])
    for holder in holders:
        steps = holder.get("patient_id") or []
        for index, step in enumerate(steps):
            if "tcia_prefix" not in step:
                continue
            ours = name + step["tcia_prefix"]
            if ours in prefixes or len(prefixes) != 1:
                continue
            dicom = next(iter(prefixes))
            steps[index] = {"prefix": dicom}
            imported.comments.append(
                f"IDC's rule gives ids starting {ours!r} (its tcia_api), which link to no image; the "
                f"collection's DICOM PatientIDs start {dicom!r}: this recipe follows DICOM.")


def _check_patients(imported: ImportedRecipe, sources_root: Path, index_path: Path) -> None:
    """Curate the recipe in memory and compare its ids with the series index: where some have
    no images, the recipe's check is a warning, with the counts in a comment."""
    from curation.patient_check import unmatched_ids
    from curation.recipe import load_recipe
    from curation.table_builder import build_table

    _follow_dicom(imported, imported.collection_id, index_path)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{imported.collection_id}.yaml"
        path.write_text(imported.render("check"), encoding="utf-8")
        loaded = load_recipe(path, sources_root)
        missing = []
        for table in loaded.recipe.tables:
            ids = build_table(loaded, table).columns[0].values.dropna().tolist()
            collections = table.image_collections or [loaded.recipe.collection_id]
            unmatched = unmatched_ids(collections, ids, index_path, explain=0)
            if unmatched:
                missing.append(f"{loaded.recipe.table_name(table)} {len(unmatched)} of {len(set(ids))}")
    if missing:
        imported.recipe = {**{k: v for k, v in imported.recipe.items() if k not in ("forms", "tables")},
                           "patients_without_images": "warn",
                           **{k: v for k, v in imported.recipe.items() if k in ("forms", "tables")}}
        imported.comments.append("Patients without images in the series index (so the check warns): "
                                 + "; ".join(missing) + ".")


def import_idc(notes_file: Path, sources_root: Path, collections: list[str] | None = None,
               index_path: Path | None = None) -> tuple[list[ImportedRecipe], list[str]]:
    """Recipes for the entries of IDC's JSON whose folder exists under ``sources_root``.

    Returns the recipes (sorted by collection) and one line per entry not turned into a recipe.
    With ``index_path`` (IDC's series index) each recipe's patient ids are checked against it.
    """
    try:
        entries = json.loads(notes_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CurationError(Reason.RECIPE_INVALID, f"cannot read IDC's recipes: {exc}",
                            Where(file=str(notes_file))) from exc
    if collections:
        missing = sorted(set(collections) - set(entries))
        if missing:
            raise CurationError(Reason.RECIPE_INVALID, f"no IDC recipe entry for {missing}",
                                Where(file=notes_file.name))
    skipped: list[str] = []
    plans = {}
    for collection in sorted(entries):
        folder = sources_root / collection
        if not folder.is_dir():
            skipped.append(f"{collection}: no source folder")
            continue
        plans[collection] = plan_collection(collection, entries[collection], folder)
    # analysis-result tables: the last collection (IDC's order) that names one holds it
    holders: dict[str, str] = {}
    users: dict[str, list[str]] = {}
    for collection, (_, planned, _) in plans.items():
        for item in planned:
            if item.ar_name:
                holders[item.ar_name] = collection
                users.setdefault(item.ar_name, []).append(collection)
    wanted = set(collections) if collections else set(plans)
    recipes = []
    for collection, (recipe, planned, notes) in plans.items():
        if collection not in wanted:
            continue
        imported = ImportedRecipe(collection, recipe, list(notes))
        tables = []
        for item in planned:
            if item.ar_name and holders[item.ar_name] != collection:
                imported.comments.append(
                    f"Table {item.ar_name} (analysis result): built by recipes/{holders[item.ar_name]}.yaml, "
                    "the last collection IDC writes it for.")
                continue
            if item.missing is not None:
                raise item.missing
            if item.ar_name:
                item.table = _ordered({**item.table,
                                       "image_collections": _ar_collections(item.ar_file, users[item.ar_name])})
                others = [u for u in users[item.ar_name] if u != collection]
                imported.table_comments[item.table["name"]] = [
                    "analysis result shared by collections; IDC writes it for each of "
                    + ", ".join(users[item.ar_name]) + "; this is the last one" if others else
                    "analysis result (IDC names the table without the collection prefix)"]
            tables.append(item.table)
        if tables:
            recipe["tables"] = tables
        if not tables and "forms" not in recipe:
            skipped.append(f"{collection}: no table built from its files here")
            continue
        if index_path is not None:
            _check_patients(imported, sources_root, index_path)
        recipes.append(imported)
    return recipes, skipped


_TABLE_ORDER = ("name", "published_name", "description", "image_collections", "patient_id", "batches",
                "dictionary")


def _ordered(table: dict) -> dict:
    """A table's keys in the order a reader of the recipe expects."""
    return {k: table[k] for k in sorted(table, key=lambda k: _TABLE_ORDER.index(k) if k in _TABLE_ORDER else 99)}


def _ar_collections(path: Path | None, users: list[str]) -> list[str]:
    """Collections an analysis-result CSV has rows for (its Collection column), plus its users."""
    found = set(users)
    if path is not None and path.suffix.lower() == ".csv":
        import csv

        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            if "collection" in header:
                at = header.index("collection")
                for row in reader:
                    if len(row) > at and row[at].strip():
                        found.add(row[at].strip().lower().replace("-", "_"))
    return sorted(found)


def write_recipes(files: dict[str, str], out_dir: Path) -> None:
    """Write each recipe atomically (a temporary file renamed over it); other files stay."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(files.items()):
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, out_dir / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
