"""Recipes: what a user declares about one collection, validated on load.

A recipe is a YAML file, one per collection. It says where each clinical table's data are
(a chain of files: the downloaded file, any ZIPs in between, the CSV/Excel member), which
sheet and header row(s) to read, where the data start and end, which rows and columns to keep
(``curation.layout``), which column holds the patient and how its value becomes
``dicom_patient_id`` (``curation.patient_ids``). A table's ``batch_defaults`` are merged into
each of its batches, and a batch with ``sheets: [...]`` stands for one batch per sheet.
Nothing here reads data: readers do that (``curation.readers``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from curation.column_types import ColumnType, IdcPath, TypeMode
from curation.dictionaries.recipe_block import Dictionaries, expand_forms
from curation.errors import CurationError, Reason, Where
from curation.layout import LayoutOptions
from curation.patient_ids import PatientIdStep

FileFormat = Literal["csv", "tsv", "xlsx", "xlsm", "xlsb", "xls"]

_SUFFIXES: dict[str, FileFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsm",
    ".xlsb": "xlsb",
    ".xls": "xls",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Batch(LayoutOptions):
    """One source of rows for a table: a file (or a sheet of one) in a chain of archives.

    The layout fields (header rows, rows and columns to skip, pivot, row filter) come from
    ``curation.layout.LayoutOptions``.
    """

    files: list[str] = Field(
        min_length=1,
        description="the downloaded file first, then any ZIP members in between, the data file last",
    )
    sheet: int | str = Field(0, description="sheet index (0-based) or name, for workbooks")
    patient_column: str | int = Field(
        description="header of the patient column (as in the file, or curated), or its 1-based position"
    )
    patient_id: list[PatientIdStep] | None = Field(
        None, description="overrides the table's patient-id rule for this batch"
    )
    blank_patient_ids: Literal["error", "skip"] = Field(
        "error", description="rows with data but a blank patient id: stop the run, or skip them with a warning"
    )
    format: FileFormat | None = Field(None, description="taken from the data file's suffix if omitted")
    encoding: str | None = Field(None, description="text encoding of a CSV; detected if omitted")
    delimiter: str | None = Field(None, description="CSV field separator; ',' (tab for .tsv) if omitted")
    quotechar: str | None = Field('"', description="CSV quote character; null: no quoting")
    ragged_rows: Literal["error", "pad"] = Field(
        "error", description="CSV rows with fewer or more fields than the widest: an error, or padded"
    )
    engine: Literal["auto", "calamine", "openpyxl"] = Field(
        "auto", description="workbook reader; 'auto' is fastexcel where its cells are proven the same as "
                            "python-calamine's (xlsx/xlsm), else python-calamine, with openpyxl when calamine "
                            "cannot open it"
    )
    idc_cast_column: str | int | None = Field(
        None, description="type_mode idc, conventional path: the column IDC casts to an integer-or-text "
                          "before typing (its patientIdRow), so it is published STRING: header, curated "
                          "name or 1-based position; default the first kept column")

    @field_validator("delimiter", "quotechar")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("must be exactly one character")
        return value

    @field_validator("patient_column")
    @classmethod
    def _position_positive(cls, column: str | int) -> str | int:
        if isinstance(column, int) and column < 1:
            raise ValueError("a patient column position is 1-based")
        return column

    @property
    def data_file(self) -> str:
        return self.files[-1]

    @property
    def file_format(self) -> FileFormat:
        if self.format:
            return self.format
        suffix = Path(self.data_file).suffix.lower()
        if suffix not in _SUFFIXES:
            raise ValueError(f"cannot tell the format of {self.data_file!r}: set 'format'")
        return _SUFFIXES[suffix]


class Table(_Strict):
    """One clinical table, built from one or more batches."""

    name: str = Field("clinical", description="table name suffix: <collection_id>_<name>")
    published_name: str | None = Field(
        None, description="the whole table name, without the collection prefix (IDC's analysis-result "
                          "tables, shared by several collections)")
    description: str = "clinical data"
    idc_path: IdcPath = Field(
        "conventional", description="type_mode idc: which of IDC's code paths typed the table "
                                    "(conventional pandas reading, or the ACRIN form path: CSV autodetect)")
    column_types: dict[str, ColumnType] = Field(
        default_factory=dict, description="curated column name -> type, overriding the type mode "
                                          "(every value must fit: a value is never altered)")
    image_collections: list[str] | None = Field(
        None, description="collections whose images the patient ids must name (default: the recipe's)")
    patient_id: list[PatientIdStep] = Field(
        default_factory=list, description="steps turning the patient value into dicom_patient_id"
    )
    batches: list[Batch] = Field(min_length=1)
    dictionary: Dictionaries = Field(default_factory=list, description="data dictionary (curation.dictionaries)")

    @model_validator(mode="before")
    @classmethod
    def _expand_batches(cls, raw):
        """Apply ``batch_defaults`` to every batch; a batch with ``sheets`` is one batch per sheet."""
        if not isinstance(raw, dict):
            return raw
        raw = dict(raw)
        defaults = raw.pop("batch_defaults", None) or {}
        if not isinstance(defaults, dict):
            raise ValueError("batch_defaults is a mapping of batch fields")
        expanded = []
        for batch in raw.get("batches") or []:
            if not isinstance(batch, dict):
                expanded.append(batch)
                continue
            merged = {**defaults, **batch}
            sheets = merged.pop("sheets", None)
            if sheets is None:
                expanded.append(merged)
                continue
            if "sheet" in batch or not isinstance(sheets, list) or not sheets:
                raise ValueError("'sheets' is a non-empty list, and replaces 'sheet'")
            expanded.extend({**merged, "sheet": sheet} for sheet in sheets)
        if "batches" in raw:
            raw["batches"] = expanded
        return raw

    @field_validator("name", "published_name")
    @classmethod
    def _name_chars(cls, name: str | None) -> str | None:
        if name is not None and not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise ValueError("a table name holds only letters, digits and '_'")
        return name


class Recipe(_Strict):
    """Everything needed to curate one collection's clinical data."""

    collection_id: str = Field(description="IDC collection id: lower case, [a-z0-9_]")
    tcia_name: str | None = Field(None, description="the collection's name on TCIA")
    source_dir: str | None = Field(
        None, description="folder holding the downloaded files, relative to the sources root"
    )
    type_mode: TypeMode = Field("idc", description="'idc' reproduces IDC's published types")
    source_datetime: str | None = Field(
        None, description="when the sources were published; recorded as source_info.table_last_modified "
        "(the release's own date is --release-datetime or releases.yml)"
    )
    patients_without_images: Literal["error", "warn"] = Field(
        "error", description="severity of the dbt test that every dicom_patient_id has images in IDC"
    )
    tables: list[Table] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _expand_forms(cls, raw):
        """A ``forms:`` block becomes one table per form (``curation.dictionaries.recipe_block``)."""
        return expand_forms(raw)

    @field_validator("collection_id")
    @classmethod
    def _collection_id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]+", value):
            raise ValueError("collection_id holds only lower-case letters, digits and '_'")
        return value

    @model_validator(mode="after")
    def _unique_table_names(self) -> "Recipe":
        names = [t.name for t in self.tables]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"table names repeat: {dupes}")
        for table in self.tables:
            for batch in table.batches:
                batch.file_format  # noqa: B018 - raises on an unknown suffix
        return self

    def table_name(self, table: Table) -> str:
        return table.published_name or f"{self.collection_id}_{table.name}"


class LoadedRecipe(BaseModel):
    """A validated recipe with the file it came from and the folder of its sources."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    path: Path
    recipe: Recipe
    source_root: Path
    idc_version: int = Field(22, description="the IDC release being curated (its naming rule)")

    @property
    def name(self) -> str:
        return self.path.name

    def batch_path(self, batch: Batch) -> Path:
        return self.source_root / batch.files[0]


def _location(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "<top>"


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases: a recipe is plain data, and an alias bomb (``&a [*b, *b, ...]``)
    expands to gigabytes once validated."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a recipe: write the value out", mark)
        return super().compose_node(parent, index)


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, with every symlink resolved, is ``folder`` or lies under it."""
    return path.resolve().is_relative_to(folder.resolve())


def _member_name_ok(name: str) -> bool:
    """A ZIP member a recipe names: relative, without ``..`` or a drive (never a way out)."""
    parts = name.replace("\\", "/").split("/")
    return bool(name) and not name.startswith(("/", "\\")) and ":" not in parts[0] and ".." not in parts


def _chains(recipe: Recipe):
    """Every file chain the recipe names, with its key (``tables[0].batches[1].files``)."""
    for t, table in enumerate(recipe.tables):
        for b, batch in enumerate(table.batches):
            yield f"tables[{t}].batches[{b}].files", batch.files, table, b
        for d, spec in enumerate(table.dictionary):
            yield f"tables[{t}].dictionary[{d}].files", spec.files, table, None
            if spec.titles_files:
                yield f"tables[{t}].dictionary[{d}].titles_files", spec.titles_files, table, None


def check_containment(recipe: Recipe, sources_root: Path, where: Where) -> Path:
    """The collection's source folder; every path the recipe names must lie inside it.

    ``source_dir`` must stay inside the sources root, and each chain's downloaded file
    inside the collection's folder, after resolving symlinks (so neither ``/etc/passwd``,
    ``../other``, nor a symlink out of the folder is read); ZIP member names must be
    relative and without ``..``. Anything else is ``recipe_invalid`` naming the key.
    """
    root = sources_root / (recipe.source_dir or recipe.collection_id)
    if recipe.source_dir is not None and (Path(recipe.source_dir).is_absolute() or not _inside(root, sources_root)):
        raise CurationError(Reason.RECIPE_INVALID,
                            f"source_dir {recipe.source_dir!r} leads outside the sources folder {sources_root}: "
                            "name a folder inside it", where)
    for key, chain, table, batch in _chains(recipe):
        here = where.with_(table=recipe.table_name(table), batch=batch, file=chain[0])
        if Path(chain[0]).is_absolute() or not _inside(root / chain[0], root):
            raise CurationError(Reason.RECIPE_INVALID,
                                f"{key}[0] {chain[0]!r} leads outside the collection's source folder {root} "
                                "(an absolute path, '..' or a symlink out of it): name a file inside it", here)
        for position, member in enumerate(chain[1:], start=1):
            if not _member_name_ok(member):
                raise CurationError(Reason.RECIPE_INVALID,
                                    f"{key}[{position}] {member!r} is not a relative ZIP member name "
                                    "(no leading '/', drive or '..')", here.with_(file=member))
    return root


def load_recipe(path: Path, sources_root: Path, idc_version: int = 22) -> LoadedRecipe:
    """Read and validate one recipe, and check that every downloaded file exists."""
    where = Where(recipe=path.name)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader
    except (OSError, yaml.YAMLError) as exc:
        raise CurationError(Reason.RECIPE_INVALID, f"cannot read the recipe: {exc}", where) from exc
    if not isinstance(raw, dict):
        raise CurationError(Reason.RECIPE_INVALID, "a recipe is a YAML mapping", where)
    try:
        recipe = Recipe.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_location(e['loc'])}: {e['msg']}"
            + (f" (got {e['input']!r})" if e["type"] == "extra_forbidden" else "")
            for e in exc.errors()
        )
        raise CurationError(Reason.RECIPE_INVALID, problems, where) from exc
    root = check_containment(recipe, sources_root, where)
    loaded = LoadedRecipe(path=path, recipe=recipe, source_root=root, idc_version=idc_version)
    for table in recipe.tables:
        for number, batch in enumerate(table.batches):
            file = loaded.batch_path(batch)
            if not file.is_file():
                raise CurationError(
                    Reason.FILE_MISSING,
                    f"downloaded file not found: {file}",
                    where.with_(table=recipe.table_name(table), batch=number, file=batch.files[0]),
                )
    return loaded


def load_recipes(paths: list[Path], sources_root: Path, idc_version: int = 22) -> list[LoadedRecipe]:
    """Load every recipe first, so that a bad one stops the run before any output."""
    loaded = [load_recipe(p, sources_root, idc_version) for p in sorted(paths)]
    seen: dict[str, str] = {}
    for item in loaded:
        cid = item.recipe.collection_id
        if cid in seen:
            raise CurationError(
                Reason.RECIPE_INVALID,
                f"collection_id {cid!r} is also declared in {seen[cid]}",
                Where(recipe=item.name),
            )
        seen[cid] = item.name
    return loaded
