"""Whether the patients of the curated tables have images in IDC's series index.

The same check as the dbt test ``patients_have_images`` (tests/dbt/generic/), run by ``curate``
on what it just wrote, so that a recipe's wrong patient-id steps show before any dbt run:
every ``dicom_patient_id`` of a table must be a ``PatientID`` of its collections in the index
(the recipe's collection, or the table's ``image_collections``). For the first ``EXPLAINED``
ids not found (in id order) it names the ``CLOSEST`` ids of those collections in the index by
edit distance ignoring case (ties by id), among those that contain the id, are contained in it, or differ
in at most a third of the longer one's characters: this usually shows the fix (a missing
prefix, zero padding, a different separator or case), and names nothing for unrelated ids.

The collections, severity and tables come from the seeds YAML that dbt reads, so both checks
test the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from curation.dbt_contract import (
    CLINICAL_SEEDS_YAML,
    PATIENT_ID,
    PATIENTS_HAVE_IMAGES,
    TEST_COLLECTIONS,
    clinical_seed,
)
from curation.index_path import SeriesIndex, series_index

EXPLAINED = 10  # unmatched ids shown (and compared with the index) per table
CLOSEST = 3  # closest index ids shown per unmatched id
WIDTH = 80
TEST = PATIENTS_HAVE_IMAGES

_LOAD_SQL = """
create or replace temp table index_patients as
select distinct collection_id, PatientID as id
from read_parquet($index)
where list_contains($collections, collection_id) and PatientID is not null
"""

_UNMATCHED_SQL = """
with imaged as (
    select distinct id from index_patients where list_contains($collections, collection_id)
),
clinical as (
    select distinct id from (select unnest($ids::varchar[]) as id) where id is not null
),
unmatched as (
    select id from clinical where not exists (select 1 from imaged where imaged.id = clinical.id)
),
explained as (
    select id from unmatched order by id limit $explain
),
distances as (
    select
        explained.id,
        imaged.id as index_id,
        levenshtein(lower(explained.id), lower(imaged.id)) as distance,
        contains(lower(explained.id), lower(imaged.id))
            or contains(lower(imaged.id), lower(explained.id)) as contained
    from explained cross join imaged
),
ranked as (
    select id, index_id, row_number() over (partition by id order by distance, index_id) as rank_
    from distances
    where contained or 3 * distance <= greatest(length(id), length(index_id))
)
select
    unmatched.id,
    coalesce(list(ranked.index_id order by ranked.rank_) filter (where ranked.index_id is not null), [])
from unmatched
left join ranked on ranked.id = unmatched.id and ranked.rank_ <= $closest
group by unmatched.id
order by unmatched.id
"""


class _Index:
    """The patients of some collections of an index Parquet, read once into DuckDB."""

    def __init__(self, index_path: Path | str, collection_ids: Iterable[str]) -> None:
        self.con = duckdb.connect()
        self.con.execute(_LOAD_SQL, {"index": str(index_path), "collections": sorted(set(collection_ids))})

    def __enter__(self) -> "_Index":
        return self

    def __exit__(self, *_) -> None:
        self.con.close()

    def unmatched(self, collection_ids: list[str], ids: Iterable[str], explain: int | None,
                  closest: int) -> list[tuple[str, list[str]]]:
        rows = self.con.execute(_UNMATCHED_SQL, {
            "collections": list(collection_ids), "ids": [i for i in ids if i is not None],
            "explain": explain if explain is not None else 2**62, "closest": closest,
        }).fetchall()
        return [(patient, list(near)) for patient, near in rows]

    def indexed(self, collection_ids: list[str]) -> set[str]:
        """Those of ``collection_ids`` that have at least one series in the index."""
        rows = self.con.execute("select distinct collection_id from index_patients "
                                "where list_contains($collections, collection_id)",
                                {"collections": list(collection_ids)}).fetchall()
        return {r[0] for r in rows}


def unmatched_ids(collection_ids: list[str], ids: Iterable[str], index_path: Path | str, *,
                  explain: int | None = EXPLAINED, closest: int = CLOSEST) -> list[tuple[str, list[str]]]:
    """The distinct ``ids`` (None skipped) that are no PatientID of ``collection_ids`` in the
    index Parquet, in id order, each with its closest index ids: computed for the first
    ``explain`` of them (None: all, which costs unmatched x index patients), [] for the rest
    and for an id close to none."""
    if not collection_ids:
        raise ValueError("unmatched_ids needs at least one collection id")
    with _Index(index_path, collection_ids) as index:
        return index.unmatched(collection_ids, ids, explain, closest)


@dataclass(frozen=True)
class TableCheck:
    table_name: str
    collection_ids: list[str]
    severity: str  # of the dbt test: error | warn
    n_ids: int  # distinct dicom_patient_id values
    unmatched: list[tuple[str, list[str]]]
    collections_not_indexed: list[str]


def patient_tests(seeds_dir: Path) -> list[tuple[str, list[str], str]]:
    """(table, collection ids, severity) of every ``patients_have_images`` test in the seeds YAML."""
    document = yaml.safe_load((seeds_dir / CLINICAL_SEEDS_YAML).read_text(encoding="utf-8"))
    found = []
    for seed in document.get("seeds") or []:
        for column in seed.get("columns") or []:
            for test in column.get("data_tests") or []:
                if isinstance(test, dict) and TEST in test:
                    spec = test[TEST]
                    found.append((seed["name"], list(spec["arguments"][TEST_COLLECTIONS]),
                                  spec.get("config", {}).get("severity", "error")))
    return found


def check_seeds(seeds_dir: Path, index: SeriesIndex,
                on_table: Callable[[str], None] | None = None) -> list[TableCheck]:
    """Check every curated clinical table under ``seeds_dir`` against ``index`` (read once);
    ``on_table`` hears each table's name once it is checked (progress)."""
    tests = patient_tests(seeds_dir)
    checks = []
    with _Index(index.path, (c for _, collections, _ in tests for c in collections)) as loaded:
        for table, collections, severity in tests:
            ids = [r[0] for r in loaded.con.execute(
                f"select distinct {PATIENT_ID.name} from read_csv($csv, all_varchar = true, header = true) "
                f"where {PATIENT_ID.name} is not null",
                {"csv": str(seeds_dir / clinical_seed(table))}).fetchall()]
            unmatched = loaded.unmatched(collections, ids, EXPLAINED, CLOSEST)
            missing = sorted(set(collections) - loaded.indexed(collections)) if unmatched else []
            checks.append(TableCheck(table, collections, severity, len(ids), unmatched, missing))
            if on_table:
                on_table(table)
    return checks


def _fit(text: str, width: int = WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _id_line(patient: str, near: list[str]) -> str:
    if not near:
        return _fit(f"    {patient}  (no close id in the index)")
    shown = list(near)
    while shown:
        line = f"    {patient}  closest: {', '.join(shown)}" + (", ..." if len(shown) < len(near) else "")
        if len(line) <= WIDTH or len(shown) == 1:
            return _fit(line)
        shown.pop()
    return _fit(f"    {patient}")  # pragma: no cover - the loop returns


def _short_line(check: TableCheck) -> str:
    """One line for a table: its count and as many of its unmatched ids as fit."""
    head = f"  {check.table_name}: {len(check.unmatched):,} of {check.n_ids:,} ids (dbt: {check.severity})"
    shown = [patient for patient, _ in check.unmatched[:EXPLAINED]]
    while shown:
        more = ", ..." if len(shown) < len(check.unmatched) else ""
        line = f"{head}, e.g. {', '.join(shown)}{more}"
        if len(line) <= WIDTH:
            return line
        shown.pop()
    return _fit(head)


def summary_lines(checks: list[TableCheck], index: SeriesIndex, idc_version: int | None = None,
                  verbose: bool = True) -> list[str]:
    """What ``curate`` prints below its summary table: at most WIDTH characters a line. Verbose:
    the first EXPLAINED unmatched ids of each table with their closest index ids; else one
    line per table with the ids that fit."""
    lines = []
    if idc_version is not None and index.idc_release is not None and index.idc_release != idc_version:
        lines.append(_fit(f"note: curating IDC v{idc_version} but checking against the v{index.idc_release} "
                          f"index: pip install 'idc-index-data=={idc_version}.*' or set IDC_INDEX_PARQUET"))
    failing = [c for c in checks if c.unmatched]
    if not failing:
        lines.append(_fit(f"patient ids: all {len(checks)} tables match the {index.describe()}"))
        return lines
    lines.append(_fit(f"patient ids not in the {index.describe()}:"))
    if not verbose:
        lines.extend(_short_line(check) for check in failing)
        lines.append(_fit(f"  (--verbose: the first {EXPLAINED} of each with their closest index ids)"))
        return lines
    for check in failing:
        lines.append(_fit(f"  {check.table_name}: {len(check.unmatched)} of {check.n_ids} ids "
                          f"(dbt: {check.severity})"))
        own = len(check.collection_ids) == 1 and check.table_name.startswith(f"{check.collection_ids[0]}_")
        if not own:
            lines.append(_fit(f"    checked against {', '.join(check.collection_ids)}"))
        if check.collections_not_indexed:
            lines.append(_fit(f"    no series of {', '.join(check.collections_not_indexed)} in the index"))
        for patient, near in check.unmatched[:EXPLAINED]:
            lines.append(_id_line(patient, near))
        if len(check.unmatched) > EXPLAINED:
            lines.append(f"    ... and {len(check.unmatched) - EXPLAINED} more")
    return lines


def curate_summary(seeds_dir: Path, idc_version: int | None = None, verbose: bool = True,
                   on_table: Callable[[str], None] | None = None) -> list[str]:
    """The patient check of a ``curate`` run, as lines; one line when there is no index."""
    index = series_index()
    if index is None:
        return ["patient ids not checked: no IDC series index (pip install idc-index-data, "
                "or set IDC_INDEX_PARQUET)"]
    if not index.path.is_file():
        return [f"patient ids not checked: no IDC series index at {index.path}"]  # a path is not cut
    return summary_lines(check_seeds(seeds_dir, index, on_table), index, idc_version, verbose)
