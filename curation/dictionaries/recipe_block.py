"""What a recipe declares about a dictionary: the ``dictionary:`` block, and ``forms:``.

This is the recipe side of ``curation.dictionaries``: the pydantic model of a block and its
validation. A block says where the file is and how to read it (``kind`` chooses the reader
in ``curation.dictionaries.formats``; ``curation.dictionaries.load`` opens the file), and how
its variables are matched to columns and applied (``MATCHING_KEYS``: read by
``curation.dictionaries.match`` and ``curation.dictionaries.apply``, never by a reader).

A table's ``dictionary`` is one block or a list of blocks (tried in order: the first block
whose variable matches a column describes it)::

    dictionary:
      kind: sheet                       # acrin | sheet | lettered | nlst | docx | redcap
      files: [images_v1_lab_values.xlsx]  # chain, as for batches: downloaded file, ZIP members
      sheet: idc_dictionary
      name_column: column_formula
      label_column: column_label_formula

``forms:`` (recipe level) declares one table per case report form, for ACRIN-style
collections (or REDCap instruments): every listed form code becomes the table
``<collection_id>_<FORM>`` whose batches are the given ones with ``{form}`` replaced by the
code, and whose dictionary is the given one restricted to that form.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

DictionaryKind = Literal["acrin", "sheet", "lettered", "nlst", "docx", "redcap"]
Column = str | int  # a header text, or (sheet kind) the column's 1-based position


COLUMN_KEYS = ("name_column", "label_column", "code_column", "description_column", "type_column",
               "options_column")
# The keys that say which variables describe the table and how, not how the file is read.
MATCHING_KEYS = ("form", "match_by", "columns", "closed", "use_types")


class DictionarySpec(BaseModel):
    """Where a table's dictionary is and how to read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DictionaryKind = Field(description="the dictionary's layout: chooses the reader")
    files: list[str] = Field(
        min_length=1, description="the downloaded file first, then any ZIP members, the dictionary last")
    format: Literal["csv", "tsv", "xlsx", "xlsm", "xlsb", "xls", "docx"] | None = Field(
        None, description="taken from the dictionary file's suffix if omitted")
    sheet: int | str | None = Field(None, description="sheet kind: the sheet (default the first)")
    sheets: list[str | int] | None = Field(
        None, description="nlst kind: the sheets to read, by name or 0-based position "
                          "(default every sheet with a Variable header)")
    titles_files: list[str] | None = Field(
        None, description="acrin kind: a chain to a workbook whose first sheet maps form codes to titles")
    form: str | None = Field(
        None, description="acrin/redcap: the form whose variables describe this table (default all)")
    section: str | None = Field(
        None, description="docx: only the part under the heading that starts with this text")
    header_row: int = Field(
        1, ge=0, description="sheet kind: 1-based row of the header; 0 = no header row (columns by position)")
    name_column: Column | None = Field(None, description="sheet/docx: header of the column naming the variable")
    label_column: Column | None = Field(None, description="sheet/docx: header of the label column")
    code_column: Column | None = Field(None, description="sheet kind: header of the option-code column")
    description_column: Column | None = Field(
        None, description="sheet kind: header of the option-description column")
    type_column: Column | None = Field(None, description="sheet kind: header of the data-type column")
    options_column: Column | None = Field(
        None, description="sheet kind: a column whose cell lists the coded values (``1 - Male | 2 - Female``, "
                          "``0: No`` lines); the label column itself: its first line is the label")
    options_split: Literal["lines", "list"] = Field(
        "lines", description="options_column: one option per line, or a list separated by '|' or ','")
    match_by: Literal["name", "header", "map"] = Field(
        "name", description="how variables find their columns: 'name' = the curated column name is IDC's "
                            "normalization of the variable name (or the joined header is the name); "
                            "'header' = the variable name is the bottom header cell's text (case and "
                            "whitespace aside); 'map' = only the columns listed in 'columns'")
    columns: dict[str, str] = Field(
        default_factory=dict, description="explicit {variable: curated column name}; wins over match_by")
    closed: bool = Field(
        False, description="values outside the dictionary stop the run (quality gate) and fail "
                           "the dbt test; otherwise they are warnings")
    use_types: bool = Field(
        True, description="a type the dictionary gives (e.g. '#', 'Numeric', 'Char') types the column "
                          "when every value fits it")

    @model_validator(mode="after")
    def _kind_fields(self) -> "DictionarySpec":
        if self.kind == "sheet" and (self.name_column is None or self.label_column is None):
            raise ValueError("a 'sheet' dictionary needs name_column and label_column")
        if self.header_row == 0 and any(isinstance(getattr(self, k), str) for k in COLUMN_KEYS):
            raise ValueError("with header_row: 0 (no header) the columns are given by position (1 = first)")
        if any(isinstance(getattr(self, k), int) and getattr(self, k) < 1 for k in COLUMN_KEYS):
            raise ValueError("a column position is 1-based (1 = the first column)")
        if self.match_by == "map" and not self.columns:
            raise ValueError("match_by: map needs 'columns' ({variable: column})")
        if (self.code_column is None) != (self.description_column is None):
            raise ValueError("code_column and description_column go together")
        return self

    def reading(self) -> "DictionarySpec":
        """This block with ``MATCHING_KEYS`` at their defaults: what reading the file depends
        on, so that one read serves every form and table that names the same file."""
        fields = type(self).model_fields
        return self.model_copy(update={k: fields[k].get_default(call_default_factory=True) for k in MATCHING_KEYS})

    @property
    def file_format(self) -> str:
        if self.format:
            return self.format
        suffix = self.files[-1].rsplit(".", 1)[-1].lower() if "." in self.files[-1] else ""
        return {"txt": "csv"}.get(suffix, suffix) or "csv"


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


Dictionaries = Annotated[list[DictionarySpec], BeforeValidator(_as_list)]


def expand_forms(raw):
    """Replace a recipe's ``forms:`` block by one table per form code (before validation)."""
    if not isinstance(raw, dict) or "forms" not in raw:
        return raw
    raw = dict(raw)
    forms = raw.pop("forms")
    if not isinstance(forms, dict):
        raise ValueError("forms is a mapping: dictionary, codes, batches (and patient_id, description)")
    passed = ("patient_id", "description", "idc_path", "column_types")
    unknown = set(forms) - {"dictionary", "codes", "batches", *passed}
    if unknown:
        raise ValueError(f"forms: unknown key(s) {sorted(unknown)}")
    codes, batches, dictionary = forms.get("codes"), forms.get("batches"), forms.get("dictionary")
    if not isinstance(codes, list) or not codes or not isinstance(batches, list) or not batches:
        raise ValueError("forms needs 'codes' (the form codes, each a table) and 'batches'")
    if not isinstance(dictionary, dict):
        raise ValueError("forms needs a 'dictionary' block")
    tables = list(raw.get("tables") or [])
    for code in codes:
        code = str(code)
        table = {
            "name": code,
            "batches": [_substitute(b, code) for b in batches],
            "dictionary": {**dictionary, "form": code},
        }
        for key in passed:
            if key in forms:
                table[key] = forms[key]
        tables.append(table)
    raw["tables"] = tables
    return raw


def _substitute(value, code: str):
    if isinstance(value, str):
        return value.replace("{form}", code)
    if isinstance(value, list):
        return [_substitute(v, code) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, code) for k, v in value.items()}
    return value
