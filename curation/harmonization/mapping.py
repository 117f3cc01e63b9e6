"""Mapping files: ``harmonization/<collection_id>.yml``, validated like recipes.

A file names its collection and a list of mappings, one per (variable, source column)::

    collection_id: nsclc_radiomics
    mappings:
      - variable: sex                 # a variable of data/harmonization/variables.csv
        table: nsclc_radiomics_clinical
        column: gender
        values: {male: M, female: F}  # source value -> permissible value (or a list of them)
        unmapped: {}                  # source values left unmapped on purpose -> why
        why: the gender column holds male / female

Exactly one of four rules says how values map:

- ``values``: source value -> permissible value(s), exact strings (a multi-race cell such as
  ``Asian;White`` may map to a list);
- ``number``: ``{unit, reference_point}``: a number kept as written (ages, times);
- ``ranges``: ``{unit, reference_point, values: {source value: [low, high]}}``: groups such
  as ``<=40`` or an age decade, kept as ranges (bounds inclusive, ``null`` = open);
- ``one_column_per_value``: ``{selected, not_selected, columns: {column: permissible value}}``:
  one Yes/No column per value (ACRIN race forms), collapsed into one variable.

Optional: ``edition`` (the AJCC edition a stage column is staged by, a permissible value of
``ajcc_staging_edition``) and ``assessed_at`` (a column of the same table holding when the
row was assessed, a number such as days from baseline: the latest assessment wins in the
wide table). ``why`` is required. Every scalar is read as text (``1`` and ``No`` stay the
strings of the source). Errors name the file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from curation.errors import CurationError, Reason, Where
from curation.harmonization.standard import ICD_O_3_MORPHOLOGY, Standard

Unit = Literal["years", "months", "weeks", "days"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NumberRule(_Strict):
    unit: Unit
    reference_point: str = Field(min_length=1)


def _bound(value):
    return None if value in (None, "", "null", "~") else value


class RangeRule(_Strict):
    unit: Unit
    reference_point: str = Field(min_length=1)
    values: dict[str, tuple[float | None, float | None]] = Field(min_length=1)

    @field_validator("values", mode="before")
    @classmethod
    def _open_bounds(cls, value):
        if isinstance(value, dict):
            return {k: [_bound(b) for b in v] if isinstance(v, list) else v for k, v in value.items()}
        return value


class OneColumnPerValue(_Strict):
    selected: str
    not_selected: list[str] = []
    columns: dict[str, str] = Field(min_length=1)


class Mapping(_Strict):
    variable: str
    table: str
    column: str | None = None
    values: dict[str, str | list[str]] | None = None
    number: NumberRule | None = None
    ranges: RangeRule | None = None
    one_column_per_value: OneColumnPerValue | None = None
    unmapped: dict[str, str] = {}
    edition: str | None = None
    assessed_at: str | None = None
    why: str = Field(min_length=1)

    @property
    def rule(self) -> str:
        return next(name for name in ("values", "number", "ranges", "one_column_per_value")
                    if getattr(self, name) is not None)

    @model_validator(mode="after")
    def _one_rule(self):
        rules = [n for n in ("values", "number", "ranges", "one_column_per_value") if getattr(self, n) is not None]
        if len(rules) != 1:
            raise ValueError("give exactly one of values, number, ranges, one_column_per_value"
                             f" (got {', '.join(rules) or 'none'})")
        if (self.column is None) != (rules[0] == "one_column_per_value"):
            raise ValueError("name the source `column` (one_column_per_value names its columns instead)")
        return self

    def source_columns(self) -> list[str]:
        if self.one_column_per_value is not None:
            return list(self.one_column_per_value.columns)
        return [self.column]


class MappingFile(_Strict):
    collection_id: str = Field(pattern=r"^[a-z0-9_]+$")
    mappings: list[Mapping] = Field(min_length=1)


class _TextLoader(yaml.SafeLoader):
    """Every scalar as text: `1`, `01`, `No`, `NA` stay the strings written in the source."""


_TextLoader.yaml_implicit_resolvers = {}


def _line_of(node: yaml.Node, loc: tuple) -> int:
    """1-based line of the YAML node at a pydantic error location (the deepest one found)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == str(part)), None)
            if found is None:
                found = next((k for k, _ in node.value if k.value == str(part)), None)
                if found is None:
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            found = node.value[part]
        else:
            break
        node = found
    return node.start_mark.line + 1


def _fail(path: Path, line: int, message: str) -> CurationError:
    return CurationError(Reason.HARMONIZATION_INVALID, f"{path.name} line {line}: {message}", Where(file=str(path)))


def _location(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "<top>"


def load_mapping_file(path: Path, standard: Standard) -> tuple[MappingFile, dict[int, int]]:
    """Read and validate one mapping file; also returns mapping index -> line."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_TextLoader)
        raw = yaml.load(text, Loader=_TextLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise CurationError(Reason.HARMONIZATION_INVALID, f"cannot read the mapping file: {exc}",
                            Where(file=str(path))) from exc
    if root is None or not isinstance(raw, dict):
        raise _fail(path, 1, "a mapping file is a YAML mapping with collection_id and mappings")
    try:
        parsed = MappingFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        problems = "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise _fail(path, _line_of(root, first["loc"]), problems) from exc
    if parsed.collection_id != path.stem:
        raise _fail(path, _line_of(root, ("collection_id",)),
                    f"collection_id {parsed.collection_id!r} differs from the file name: name the file "
                    f"{parsed.collection_id}.yml")
    lines = {i: _line_of(root, ("mappings", i)) for i in range(len(parsed.mappings))}
    for index, mapping in enumerate(parsed.mappings):
        _check_against_standard(path, root, index, mapping, standard)
    return parsed, lines


def _check_value(path: Path, line: int, standard: Standard, variable: str, value: str) -> None:
    if value not in standard.values.get(variable, {}):
        near = standard.closest_values(variable, value)
        hint = f"; did you mean {' or '.join(repr(v) for v in near)}?" if near else \
            f"; permissible values: {', '.join(sorted(standard.values.get(variable, {})))}"
        raise _fail(path, line, f"{value!r} is not a permissible value of {variable}{hint}")


def _check_against_standard(path: Path, root: yaml.Node, index: int, mapping: Mapping, standard: Standard) -> None:
    at = ("mappings", index)
    variable = standard.variables.get(mapping.variable)
    if variable is None:
        near = standard.closest_variables(mapping.variable)
        raise _fail(path, _line_of(root, (*at, "variable")),
                    f"unknown variable {mapping.variable!r}" + (f"; did you mean {', '.join(near)}?" if near else
                                                                "; see data/harmonization/variables.csv"))
    rule = mapping.rule
    wanted = {"code list": ("values", "one_column_per_value"), "number": ("number", "ranges"),
              "morphology": ("values",)}[variable.kind]
    if rule not in wanted:
        raise _fail(path, _line_of(root, (*at, rule)),
                    f"{mapping.variable} is a {variable.data_type}: map it with {' or '.join(wanted)}, not {rule}")
    if mapping.values is not None:
        for source, targets in mapping.values.items():
            line = _line_of(root, (*at, "values", source))
            for target in [targets] if isinstance(targets, str) else targets:
                if variable.kind == "morphology":
                    if not ICD_O_3_MORPHOLOGY.match(target):
                        raise _fail(path, line, f"{target!r} is not an ICD-O-3 morphology code (such as 8140/3)")
                else:
                    _check_value(path, line, standard, mapping.variable, target)
            if source in mapping.unmapped:
                raise _fail(path, line, f"{source!r} is both mapped and listed as unmapped")
    if mapping.one_column_per_value is not None:
        for column, target in mapping.one_column_per_value.columns.items():
            _check_value(path, _line_of(root, (*at, "one_column_per_value", "columns", column)), standard,
                         mapping.variable, target)
    if mapping.ranges is not None:
        for source, (low, high) in mapping.ranges.values.items():
            if low is not None and high is not None and low > high:
                raise _fail(path, _line_of(root, (*at, "ranges", "values", source)),
                            f"range {source!r}: low {low:g} is above high {high:g}")
    if mapping.edition is not None:
        if not mapping.variable.startswith("ajcc_"):
            raise _fail(path, _line_of(root, (*at, "edition")), "edition applies to the ajcc_* variables only")
        _check_value(path, _line_of(root, (*at, "edition")), standard, "ajcc_staging_edition", mapping.edition)


def mapping_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yml"))
