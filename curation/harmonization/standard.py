"""The standard side: CDE variables and their permissible values (``data/harmonization/``).

``variables.csv`` has one row per variable (a code list, a number with a unit, or an ICD-O-3
morphology code); ``cde_permissible_values.csv`` one row per permissible value with its NCIt
code. Values are matched exactly; a near miss (other case or spacing) is named in the error.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "harmonization"
ICD_O_3_MORPHOLOGY = re.compile(r"^[89]\d{3}/[0-9]$")


@dataclass(frozen=True)
class Variable:
    name: str
    cde_public_id: str
    cde_version: str
    data_type: str
    unit: str
    description: str

    @property
    def kind(self) -> str:
        """'code list', 'number' or 'morphology'."""
        if self.data_type == "code list":
            return "code list"
        if self.data_type.startswith("number"):
            return "number"
        return "morphology"


@dataclass(frozen=True)
class PermissibleValue:
    variable: str
    value: str
    ncit_code: str
    cde_public_id: str
    cde_version: str


@dataclass
class Standard:
    variables: dict[str, Variable]
    values: dict[str, dict[str, PermissibleValue]] = field(default_factory=dict)

    def closest_values(self, variable: str, value: str) -> list[str]:
        """Permissible values of ``variable`` that look like ``value`` (case and spacing first)."""
        allowed = list(self.values.get(variable, {}))
        folded = [v for v in allowed if v.casefold().strip() == value.casefold().strip()]
        return folded or difflib.get_close_matches(value, allowed, n=3, cutoff=0.6)

    def closest_variables(self, name: str) -> list[str]:
        return difflib.get_close_matches(name, list(self.variables), n=3, cutoff=0.5)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_standard(directory: Path = REFERENCE_DIR) -> Standard:
    """Read the two reference CSVs."""
    variables = {
        row["variable"]: Variable(row["variable"], row["cde_public_id"], row["cde_version"], row["data_type"],
                                  row["unit"], row["description"])
        for row in _rows(directory / "variables.csv")
    }
    standard = Standard(variables)
    for row in _rows(directory / "cde_permissible_values.csv"):
        standard.values.setdefault(row["variable"], {})[row["permissible_value"]] = PermissibleValue(
            row["variable"], row["permissible_value"], row["value_meaning_ncit_code"], row["cde_public_id"],
            row["cde_version"])
    return standard
