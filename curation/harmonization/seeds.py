"""Mapping files -> dbt seeds (``seeds/harmonization/``), written atomically and deterministically.

``harmonization_mappings``: one row per (table, column, source value, variable) with the
permissible value, its NCIt code and CDE, the rule that produced it, unit / reference point /
range for numbers, the assessment-time column, and the mapping file and line it came from.
Rules: ``value`` (a source value mapped to a permissible value), ``number`` (any number in the
column; ``source_value`` empty), ``range`` (an age group with its bounds),
``one_column_per_value`` (the selected code of one Yes/No column), ``edition`` (the AJCC
edition a stage column states), ``not_selected`` (the No code of a Yes/No column: no value),
``unmapped`` (a value left unmapped on purpose, ``why`` says why).
``harmonization_permissible_values`` and ``harmonization_variables`` copy the CDE lists, so
dbt can test every harmonized value against them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from curation.column_types import SEED_TYPES, ColumnType
from curation.errors import CurationError, Reason, Where
from curation.harmonization.mapping import Mapping, MappingFile, load_mapping_file, mapping_files
from curation.harmonization.release import ReleaseTables
from curation.harmonization.standard import Standard
from curation.seed_writer import write_atomically

MAPPINGS_SEED = "harmonization_mappings"
VALUES_SEED = "harmonization_permissible_values"
VARIABLES_SEED = "harmonization_variables"


@dataclass(frozen=True)
class MappingRow:
    collection_id: str
    table_name: str
    column_name: str
    source_value: str
    variable: str
    permissible_value: str
    ncit_code: str
    cde_public_id: str
    cde_version: str
    rule: str
    unit: str
    reference_point: str
    range_low: str
    range_high: str
    assessed_at_column: str
    mapping_file: str
    mapping_line: int
    why: str


@dataclass(frozen=True)
class LoadedMappings:
    files: list[tuple[Path, MappingFile, dict[int, int]]]
    rows: list[MappingRow]


def _bound(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def mapping_rows(path: Path, parsed: MappingFile, lines: dict[int, int], standard: Standard) -> list[MappingRow]:
    rows: list[MappingRow] = []
    for index, mapping in enumerate(parsed.mappings):
        line = lines[index]

        def row(column: str, source: str, rule: str, value: str = "", variable_name: str = mapping.variable,
                why: str = mapping.why, low: str = "", high: str = "", m: Mapping = mapping) -> MappingRow:
            cde = standard.variables[variable_name]
            code = standard.values.get(variable_name, {}).get(value)
            numbers = m.number or m.ranges
            return MappingRow(
                parsed.collection_id, m.table, column, source, variable_name, value,
                code.ncit_code if code else "", cde.cde_public_id, cde.cde_version, rule,
                numbers.unit if numbers else "", numbers.reference_point if numbers else "", low, high,
                m.assessed_at or "", path.name, line, why.strip())

        if mapping.values is not None:
            for source, targets in mapping.values.items():
                for target in [targets] if isinstance(targets, str) else targets:
                    rows.append(row(mapping.column, source, "value", target))
                if mapping.edition is not None:
                    rows.append(row(mapping.column, source, "edition", mapping.edition, "ajcc_staging_edition",
                                    f"{mapping.column} is staged by the AJCC {mapping.edition} edition: {mapping.why}"))
        elif mapping.number is not None:
            rows.append(row(mapping.column, "", "number"))
        elif mapping.ranges is not None:
            for source, (low, high) in mapping.ranges.values.items():
                rows.append(row(mapping.column, source, "range", source, low=_bound(low), high=_bound(high)))
        else:
            spec = mapping.one_column_per_value
            for column, target in spec.columns.items():
                rows.append(row(column, spec.selected, "one_column_per_value", target))
                for code in spec.not_selected:
                    rows.append(row(column, code, "not_selected", why=f"{code!r} = not this value: {mapping.why}"))
        for column in mapping.source_columns():
            for source, reason in mapping.unmapped.items():
                rows.append(row(column, source, "unmapped", why=reason))
    return rows


def _check_unique(rows: list[MappingRow]) -> None:
    seen: dict[tuple, MappingRow] = {}
    for item in rows:
        key = (item.table_name, item.column_name, item.source_value, item.variable, item.permissible_value)
        if key in seen:
            first = seen[key]
            raise CurationError(
                Reason.HARMONIZATION_INVALID,
                f"{item.mapping_file} line {item.mapping_line}: {item.table_name}.{item.column_name} value "
                f"{item.source_value!r} is mapped to {item.variable} twice (also {first.mapping_file} line "
                f"{first.mapping_line}): keep one", Where(file=item.mapping_file))
        seen[key] = item


def check_release(loaded: LoadedMappings, release: ReleaseTables) -> list[str]:
    """Every table and column a mapping names must exist in the curated release, in that collection.

    Mapping files of collections that are not in the release are skipped; their ids are returned.
    """
    skipped = []
    for path, parsed, lines in loaded.files:
        if parsed.collection_id not in release.collections:
            skipped.append(parsed.collection_id)
            continue
        for index, mapping in enumerate(parsed.mappings):
            where = Where(file=str(path), table=mapping.table)
            prefix = f"{path.name} line {lines[index]}"
            if mapping.table not in release.tables:
                known = sorted(t for t, (c, _) in release.tables.items() if c == parsed.collection_id)
                raise CurationError(Reason.HARMONIZATION_INVALID,
                                    f"{prefix}: table {mapping.table!r} is not in the curated release; "
                                    f"{parsed.collection_id} has {', '.join(known)}", where)
            collection, columns = release.tables[mapping.table]
            if collection != parsed.collection_id:
                raise CurationError(Reason.HARMONIZATION_INVALID,
                                    f"{prefix}: table {mapping.table!r} belongs to {collection}, "
                                    f"not {parsed.collection_id}", where)
            named = mapping.source_columns() + ([mapping.assessed_at] if mapping.assessed_at else [])
            for column in named:
                if column not in columns:
                    raise CurationError(Reason.HARMONIZATION_INVALID,
                                        f"{prefix}: column {column!r} is not in {mapping.table} (its columns: "
                                        f"{', '.join(columns)})", where.with_(column=column))
    return skipped


def load_mappings(directory: Path, standard: Standard) -> LoadedMappings:
    """Load every mapping file first, so that a bad one stops the run before any output."""
    files, rows = [], []
    for path in mapping_files(directory):
        parsed, lines = load_mapping_file(path, standard)
        files.append((path, parsed, lines))
        rows.extend(mapping_rows(path, parsed, lines, standard))
    _check_unique(rows)
    rows.sort(key=lambda r: (r.collection_id, r.table_name, r.column_name, r.variable, r.rule, r.source_value,
                             r.permissible_value))
    return LoadedMappings(files, rows)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


_DESCRIPTIONS = {
    MAPPINGS_SEED: "harmonization mapping rows, one per (table, column, source value, variable), "
                   "generated from harmonization/*.yml by `python -m curation.harmonization`",
    VALUES_SEED: "permissible values of the CDEs (data/harmonization/cde_permissible_values.csv)",
    VARIABLES_SEED: "the standard variables and their CDEs (data/harmonization/variables.csv)",
}


_COLUMNS = {
    "collection_id": "IDC collection id.",
    "table_name": "Curated clinical table the mapping reads.",
    "column_name": "Column of that table.",
    "source_value": "Source value as text, exactly; empty for rule number (any number of the column).",
    "variable": "Standard variable (data/harmonization/variables.csv).",
    "permissible_value": "The CDE permissible value (ICD-O-3 code for morphology; the group label for ranges).",
    "ncit_code": "NCIt concept code of the permissible value, if the CDE list has one.",
    "cde_public_id": "caDSR CDE public id of the variable.",
    "cde_version": "caDSR CDE version.",
    "rule": "value, number, range, one_column_per_value, edition, not_selected or unmapped.",
    "unit": "Unit of a number or range.",
    "reference_point": "The event an age or time counts to.",
    "range_low": "Lower bound of a range (inclusive; empty = open).",
    "range_high": "Upper bound of a range (inclusive; empty = open).",
    "assessed_at_column": "Column of the same table holding when the row was assessed.",
    "mapping_file": "Mapping file (harmonization/).",
    "mapping_line": "Line of the mapping in that file.",
    "why": "Why the column maps so (the mapping's why; for unmapped values, the reason).",
    "data_type": "code list, number (with range) or ICD-O-3 morphology code.",
    "kind": "code list, number or morphology.",
}


def _properties(headers: dict[str, list[str]]) -> bytes:
    seeds = []
    for name, header in headers.items():
        types = {c: SEED_TYPES[ColumnType.INTEGER if c == "mapping_line" else ColumnType.STRING] for c in header}
        columns = [{"name": c, "description": _COLUMNS[c]} for c in header]
        seeds.append({"name": name, "description": _DESCRIPTIONS[name], "config": {"column_types": types},
                      "columns": columns})
    return yaml.safe_dump({"version": 2, "seeds": seeds}, sort_keys=False, width=100).encode("utf-8")


def seed_files(loaded: LoadedMappings, standard: Standard) -> dict[str, bytes]:
    mapping_header = list(MappingRow.__dataclass_fields__)
    values_header = ["variable", "permissible_value", "ncit_code", "cde_public_id", "cde_version"]
    variables_header = ["variable", "cde_public_id", "cde_version", "data_type", "kind", "unit"]
    values = sorted([v.variable, v.value, v.ncit_code, v.cde_public_id, v.cde_version]
                    for per in standard.values.values() for v in per.values())
    variables = sorted([v.name, v.cde_public_id, v.cde_version, v.data_type, v.kind, v.unit]
                       for v in standard.variables.values())
    return {
        f"{MAPPINGS_SEED}.csv": _csv(mapping_header, [list(asdict(r).values()) for r in loaded.rows]),
        f"{VALUES_SEED}.csv": _csv(values_header, values),
        f"{VARIABLES_SEED}.csv": _csv(variables_header, variables),
        "_harmonization__seeds.yml": _properties({MAPPINGS_SEED: mapping_header, VALUES_SEED: values_header,
                                                  VARIABLES_SEED: variables_header}),
    }


def write_seeds(loaded: LoadedMappings, standard: Standard, out_dir: Path) -> None:
    write_atomically(seed_files(loaded, standard), out_dir)
