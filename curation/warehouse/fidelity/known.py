"""Known differences between the published schemas and a build by a later release's rules.

A YAML file (``data/reference/known_v22_differences.yml``) with two mappings:

* ``rules``: rule id -> one-line explanation (the rule of IDC's curation responsible);
* ``tables``: published table -> what the build does differently, each with its rule:
  ``built_as`` (the table is built under another name, and compared under it),
  ``not_built`` (the table is not built at all), ``columns`` (published column ->
  ``built_as`` a new name, ``type`` a different BigQuery type, or ``not_built``) and
  ``added`` (built column -> its type, a column the published table does not have).

Every entry must explain a difference that occurs (``curation.warehouse.fidelity.compare`` reports
the stale ones).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from curation.errors import CurationError, Reason, Where

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "data" / "reference" / "known_v22_differences.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnChange(_Strict):
    """What the build does with one published column."""

    rule: str
    built_as: str | None = Field(None, description="the column's name in the build")
    type: str | None = Field(None, description="the column's BigQuery type in the build")
    not_built: bool = False

    @model_validator(mode="after")
    def _one_change(self) -> "ColumnChange":
        if self.not_built and (self.built_as or self.type):
            raise ValueError("a column not built has no built_as or type")
        if not (self.not_built or self.built_as or self.type):
            raise ValueError("say what differs: built_as, type or not_built")
        return self


class AddedColumn(_Strict):
    """A built column the published table does not have."""

    rule: str
    type: str


class TableChange(_Strict):
    """What the build does differently for one published table."""

    rule: str | None = Field(None, description="the rule for built_as / not_built")
    built_as: str | None = None
    not_built: bool = False
    columns: dict[str, ColumnChange] = Field(default_factory=dict)
    added: dict[str, AddedColumn] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "TableChange":
        if bool(self.built_as or self.not_built) != bool(self.rule):
            raise ValueError("'rule' goes with built_as or not_built, and only with them")
        if self.not_built and (self.built_as or self.columns or self.added):
            raise ValueError("a table not built has no built_as, columns or added")
        if not (self.built_as or self.not_built or self.columns or self.added):
            raise ValueError("an entry without any difference")
        return self

    def rules(self) -> set[str]:
        return ({self.rule} if self.rule else set()) | {c.rule for c in self.columns.values()} \
            | {c.rule for c in self.added.values()}


class KnownDifferences(_Strict):
    rules: dict[str, str]
    tables: dict[str, TableChange] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _rules_exist(self) -> "KnownDifferences":
        for table, change in self.tables.items():
            unknown = sorted(change.rules() - set(self.rules))
            if unknown:
                raise ValueError(f"{table}: rules {unknown} are not under 'rules'")
        return self


def parse_known(text: str, source: str = "known differences") -> KnownDifferences:
    try:
        return KnownDifferences.model_validate(yaml.safe_load(text) or {})
    except yaml.YAMLError as exc:
        raise CurationError(Reason.REFERENCE_INVALID, f"not YAML: {exc}", Where(file=source)) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "<top>"
        raise CurationError(Reason.REFERENCE_INVALID, f"{key}: {first['msg'].removeprefix('Value error, ')}", Where(file=source)) from exc


def load_known(path: Path = DEFAULT_PATH) -> KnownDifferences:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CurationError(Reason.FILE_MISSING, f"cannot read the known differences: {exc}",
                            Where(file=str(path))) from exc
    return parse_known(text, path.name)
