"""Patient-id rules: declarative steps that turn a patient-column value into dicom_patient_id.

A recipe lists steps, applied in order to the cell's text; an empty list keeps the value as is.
Each step is a one-key mapping in YAML, e.g. ``- zero_pad: 3`` or ``- replace: {old: _, new: -}``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from curation import recipe_regex


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def apply(self, value: str, tcia_name: str | None) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class Prefix(_Step):
    prefix: str

    def apply(self, value, tcia_name):
        return self.prefix + value


class Suffix(_Step):
    suffix: str

    def apply(self, value, tcia_name):
        return value + self.suffix


class ZeroPad(_Step):
    zero_pad: int = Field(gt=0)

    def apply(self, value, tcia_name):
        return value.zfill(self.zero_pad)


class TciaPrefix(_Step):
    """The collection's TCIA name, a separator, then the value (e.g. ``ACRIN-FLT-Breast_001``)."""

    tcia_prefix: str = Field(description="separator between the TCIA name and the value")

    def apply(self, value, tcia_name):
        if not tcia_name:
            raise ValueError("the tcia_prefix step needs the recipe's tcia_name")
        return f"{tcia_name}{self.tcia_prefix}{value}"


class ReplaceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    old: str = Field(min_length=1)
    new: str


class Replace(_Step):
    """Replace every occurrence of a substring (characters like ``_`` -> ``-``, or fixed words)."""

    replace: ReplaceSpec

    def apply(self, value, tcia_name):
        return value.replace(self.replace.old, self.replace.new)


class DropTrailing(_Step):
    drop_trailing: int = Field(gt=0)

    def apply(self, value, tcia_name):
        if len(value) <= self.drop_trailing:
            raise ValueError(f"drop_trailing {self.drop_trailing} leaves nothing of {value!r}")
        return value[: -self.drop_trailing]


class RegexCapture(_Step):
    """Keep the first capture group of a regular expression that must match the value."""

    regex: str

    @field_validator("regex")
    @classmethod
    def _one_group(cls, pattern: str) -> str:
        compiled = recipe_regex.compile_pattern(pattern)
        if compiled.groups < 1:
            raise ValueError("regex needs one capture group")
        return pattern

    def apply(self, value, tcia_name):
        match = recipe_regex.search(self.regex, value)
        if match is None:
            raise ValueError(f"regex {self.regex!r} does not match {value!r}")
        return match.group(1) or ""


class AsIs(_Step):
    as_is: Literal[True] = True

    def apply(self, value, tcia_name):
        return value


PatientIdStep = Annotated[
    Union[Prefix, Suffix, ZeroPad, TciaPrefix, Replace, DropTrailing, RegexCapture, AsIs],
    Field(union_mode="left_to_right"),
]


def apply_rule(steps: list[_Step], value: str, tcia_name: str | None) -> str:
    """Apply the steps in order; raise ValueError when one cannot apply or the result is empty."""
    original = value
    for step in steps:
        value = step.apply(value, tcia_name)
    if not value.strip():
        raise ValueError(f"the patient-id rule turns {original!r} into an empty id")
    return value
