"""Unit tests of the layout (curation/layout/): each step on grids built here, and the account.

The engine tests (test_engine_shapes.py, test_engine_accounting.py) curate whole files; these
call the layout's functions directly, on ``Grid.from_rows`` grids, in the order they apply.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import REPO
from curation.errors import CurationError, Reason, Where
from curation.layout import LayoutOptions, SkipReason, apply_layout, pandas_rows
from curation.layout.columns import select_columns
from curation.layout.header import carried_levels, carry_right, check_header_rows, fill_merged, read_header, turn
from curation.layout.rows import blank_cells, data_end, drop_blank_patients, select_rows
from curation.readers import Grid

WHERE = Where(recipe="r.yaml", table="demo_clinical", batch=0, file="a.csv")


def options(**fields) -> LayoutOptions:
    return LayoutOptions.model_validate(fields)


def grid(*rows: list[str], merged=None) -> Grid:
    return Grid.from_rows([list(r) for r in rows], "data", merged)


def texts(columns) -> list[list[str]]:
    return [c.to_pylist() for c in columns]


def layout(g: Grid, patient: str | int = "pid", blank_patient_ids: str = "error", **fields):
    return apply_layout(options(**fields), g, patient_column=patient, blank_patient_ids=blank_patient_ids,
                        idc_version=22, where=WHERE)


# 1. pivot -----------------------------------------------------------------------------------

def test_turn_swaps_rows_and_columns_only_when_pivoted():
    g = grid(["pid", "P1", "P2"], ["age", "40", "51"])
    columns, n_rows = turn(g, False)
    assert columns is g.columns and n_rows == 2
    columns, n_rows = turn(g, True)
    assert n_rows == 3  # a row per sheet column
    assert texts(columns) == [["pid", "P1", "P2"], ["age", "40", "51"]]  # a column per sheet row
    assert turn(Grid(columns=[], n_rows=0, sheet_name=None), True) == ([], 0)


def test_options_count_rows_of_the_turned_sheet():
    g = grid(["title", "pid", "P1", "P2", "P3"], ["", "age", "40", "", "51"])
    laid = layout(g, header_rows=[2], pivot=True, skip_rows=[4])
    assert laid.selection.names == ["pid", "age"]
    assert [c.to_pylist() for _, _, c in laid.kept()] == [["P1", "P3"], ["40", "51"]]
    assert laid.rows.numbers.tolist() == [3, 5]
    assert laid.rows.skipped == Counter({SkipReason.DECLARED.value: 1})


# 2. header rows, merged cells, carry-right ---------------------------------------------------

def test_a_header_row_past_the_sheet_is_an_error_naming_rows_or_sheet_columns():
    check_header_rows(options(header_rows=[2]), 2, WHERE)
    for pivot, what in ((False, "row"), (True, "sheet column")):
        with pytest.raises(CurationError) as caught:
            check_header_rows(options(header_rows=[1, 3], pivot=pivot), 2, WHERE)
        assert caught.value.reason is Reason.HEADER_OUT_OF_RANGE
        assert f"header row 3 is past the last {what} (2)" in str(caught.value)
        assert caught.value.where.row == 3


@pytest.mark.parametrize(("header_rows", "pivot", "levels"),
                         [([1], False, 0), ([1, 2], False, 1), ([2, 3], False, 0), ([1, 2], True, 0),
                          ([1, 2, 3], False, 1)])
def test_only_the_sheets_first_row_is_carried_when_it_is_an_upper_header_row(header_rows, pivot, levels):
    assert carried_levels(options(header_rows=header_rows, pivot=pivot)) == levels


def test_carry_right_fills_merged_upper_cells():
    row = ["", "Lesion", "", "", "Labs", ""]
    header = [[cell, "lower"] for cell in row]
    carry_right(header, 1)
    assert [cells[0] for cells in header] == ["", "Lesion", "Lesion", "Lesion", "Labs", "Labs"]
    assert all(cells[1] == "lower" for cells in header)


def test_carry_right_treats_whitespace_as_blank_and_leaves_other_levels():
    header = [["A", ""], [" ", ""], ["B", "x"]]
    carry_right(header, 0)
    assert header == [["A", ""], [" ", ""], ["B", "x"]]
    carry_right(header, 1)
    assert header == [["A", ""], ["A", ""], ["B", "x"]]


def test_fill_merged_repeats_a_merged_cell_on_the_levels_asked_only():
    # rows 1-2 are the header; A1:C1 is merged, B2:C2 is merged, D1:D2 spans both rows
    merged = [((0, 0), (0, 2)), ((1, 1), (1, 2)), ((0, 3), (1, 3))]
    header = [["Group", "a"], ["", "b"], ["", ""], ["Both", ""]]
    fill_merged(header, merged, [1, 2], False, {1})
    assert header == [["Group", "a"], ["", "b"], ["", "b"], ["Both", ""]]
    fill_merged(header, merged, [1, 2], False, {0, 1})
    assert header == [["Group", "a"], ["Group", "b"], ["Group", "b"], ["Both", ""]]


def test_fill_merged_keeps_non_blank_cells_and_stops_at_the_last_column():
    header = [["x"], ["kept"], [""]]
    fill_merged(header, [((0, 0), (0, 9)), ((0, 7), (0, 8))], [1], False, {0})
    assert header == [["x"], ["kept"], ["x"]]


def test_fill_merged_swaps_the_ranges_of_a_pivoted_sheet():
    # sheet A1:A3 merged (one column, three rows) is, turned, one header row over three columns
    header = [["Group"], [""], [""]]
    fill_merged(header, [((0, 0), (2, 0))], [1], True, {0})
    assert header == [["Group"], ["Group"], ["Group"]]
    unturned = [["Group"], [""], [""]]
    fill_merged(unturned, [((0, 0), (2, 0))], [1], False, {0})
    assert unturned == [["Group"], [""], [""]]


def test_read_header_joins_carries_and_repeats_as_idc_reads():
    g = grid(["Lesion", "", "", "Labs"], ["size", "zone", "", ""], ["1", "2", "3", "4"],
             merged=[((0, 0), (0, 2)), ((1, 1), (1, 2))])
    columns, _ = turn(g, False)
    header = read_header(options(header_rows=[1, 2]), columns, g.merged, 22)
    assert header.cells == [["Lesion", "size"], ["Lesion", "zone"], ["Lesion", "zone"], ["Labs", ""]]
    assert header.joined == ["Lesion_size", "Lesion_zone", "Lesion_zone", "Labs"]
    assert header.normalized == ["lesion_size", "lesion_zone", "lesion_zone", "labs"]


def test_a_merged_cell_of_a_lower_upper_row_stays_in_its_first_column():
    g = grid(["title", "", ""], ["Group", "", ""], ["a", "b", "c"], merged=[((1, 0), (1, 2))])
    columns, _ = turn(g, False)
    header = read_header(options(header_rows=[2, 3]), columns, g.merged, 22)
    assert header.joined == ["Group_a", "b", "c"]


def test_read_header_follows_the_releases_naming_rule():
    g = grid(["treatment "], ["x"])
    columns, _ = turn(g, False)
    assert read_header(options(), columns, [], 19).normalized == ["treatment_"]
    assert read_header(options(), columns, [], 22).normalized == ["treatment"]


def test_find_column_by_header_curated_name_trimmed_header_or_position():
    g = grid(["Patient ID", " Site ", "Age (y)"], ["P1", "a", "1"])
    header = read_header(options(), turn(g, False)[0], [], 22)
    assert header.find_column("Patient ID", "patient", WHERE) == 0
    assert header.find_column("patient_id", "patient", WHERE) == 0
    assert header.find_column("Site", "row_filter", WHERE) == 1
    unstripped = read_header(options(), turn(g, False)[0], [], 19)  # before v20: ' Site ' as in the file
    assert unstripped.joined[1] == " Site " and unstripped.find_column("Site", "row_filter", WHERE) == 1
    assert header.find_column("age_y", "skip_columns", WHERE) == 2
    assert header.find_column(3, "skip_columns", WHERE) == 2
    for wanted, what, reason, text in (
            ("nope", "patient", Reason.PATIENT_COLUMN_MISSING, "no patient column 'nope'"),
            ("nope", "row_filter", Reason.COLUMN_MISSING, "no row_filter column 'nope'"),
            (4, "skip_columns", Reason.COLUMN_MISSING, "skip_columns column position 4 is past the last column (3)")):
        with pytest.raises(CurationError) as caught:
            header.find_column(wanted, what, WHERE)
        assert caught.value.reason is reason and text in str(caught.value)
        assert caught.value.where.column == wanted


# 3.-5. rows: skips, the cut, skip_rows, blank rows, row_filter, blank patients --------------

def _region(*rows: list[str]):
    g = grid(*rows)
    data = g.columns
    blank = blank_cells(data[0])
    for column in data[1:]:
        blank &= blank_cells(column)
    return data, blank


def test_blank_cells_are_empty_or_whitespace():
    g = grid(["a"], [""], [" \t"], ["b "])
    assert blank_cells(g.columns[0]).tolist() == [False, True, True, False]


def test_data_end_last_data_row_counts_sheet_rows():
    data, blank = _region(["1"], ["2"], ["3"], ["4"])
    assert data_end(options(header_rows=[2], last_data_row=4), data, blank) == (2, SkipReason.AFTER_LAST_ROW)
    assert data_end(options(header_rows=[2], last_data_row=9), data, blank) == (4, None)
    assert data_end(options(header_rows=[5], last_data_row=3), data, blank) == (0, SkipReason.AFTER_LAST_ROW)


def test_data_end_stops_at_the_first_blank_row_or_the_first_matching_row_whichever_first():
    data, blank = _region(["1", "a"], ["", ""], ["Notes:", ""], ["", "note: x"])
    assert data_end(options(stop_at_blank_row=True), data, blank) == (1, SkipReason.TRAILING_NOTES)
    assert data_end(options(stop_at="(?i)^notes?:"), data, blank) == (2, SkipReason.TRAILING_NOTES)
    assert data_end(options(stop_at="(?i)^notes?:", stop_at_blank_row=True), data, blank) == (
        1, SkipReason.TRAILING_NOTES)
    assert data_end(options(stop_at="^note: x$", last_data_row=3), data, blank) == (2, SkipReason.AFTER_LAST_ROW)
    # the first non-blank cell of a row is the one matched, trimmed
    assert data_end(options(stop_at="^note: x$"), data, blank) == (3, SkipReason.TRAILING_NOTES)
    assert data_end(options(stop_at="^never$"), data, blank) == (4, None)


def _rows(g: Grid, **fields):
    o = options(**fields)
    columns, n_rows = turn(g, o.pivot)
    header = read_header(o, columns, g.merged, 22)
    return select_rows(o, columns, n_rows, header, WHERE)


def test_select_rows_accounts_for_every_row_after_the_header():
    g = grid(["pid", "site"], ["units", ""], ["P1", "a"], ["", ""], ["P2", "b"], ["P3", " a "], ["P4", "c"],
             ["P5", "a"], ["notes", ""])
    rows = _rows(g, skip_rows_after_header=1, skip_rows=[5, 2, 40], last_data_row=8,
                 row_filter={"column": "site", "equals": ["a", "c"]})
    assert rows.rows_read == 8
    assert rows.start == 2
    assert rows.numbers.tolist() == [3, 6, 7, 8]
    assert rows.skipped == Counter({SkipReason.AFTER_HEADER.value: 1, SkipReason.AFTER_LAST_ROW.value: 1,
                                    SkipReason.DECLARED.value: 1, SkipReason.BLANK.value: 1})
    assert rows.rows_read == int(rows.keep.sum()) + sum(rows.skipped.values())


def test_row_filter_skips_count_only_rows_still_kept():
    g = grid(["pid", "site"], ["P1", "a"], ["P2", "b"], ["P3", "b"])
    rows = _rows(g, skip_rows=[3], row_filter={"column": 2, "equals": "a"})
    assert rows.numbers.tolist() == [2]
    assert rows.skipped == Counter({SkipReason.DECLARED.value: 1, SkipReason.FILTERED.value: 1})


def test_skip_rows_after_header_past_the_sheet():
    rows = _rows(grid(["pid"], ["P1"]), skip_rows_after_header=5)
    assert rows.rows_read == 1 and rows.start == 2 and not rows.keep.size
    assert rows.skipped == Counter({SkipReason.AFTER_HEADER.value: 1})


def test_a_stop_at_timeout_names_the_sheet_row(monkeypatch):
    from curation import recipe_regex

    def slow(pattern, text):
        raise recipe_regex.RegexTimeout("too slow")

    monkeypatch.setattr(recipe_regex, "match", slow)
    with pytest.raises(CurationError) as caught:
        _rows(grid(["pid"], [""], ["P1"]), stop_at="x")
    assert caught.value.reason is Reason.RECIPE_INVALID and caught.value.where.row == 3


def test_blank_patient_ids_stop_the_run_or_are_skipped_with_a_warning():
    g = grid(["pid", "v"], ["P1", "1"], ["", "2"], [" ", "3"])
    rows = _rows(g)
    with pytest.raises(CurationError) as caught:
        drop_blank_patients(rows, 0, "error", "pid", WHERE, [])
    assert caught.value.reason is Reason.EMPTY_PATIENT_ID and caught.value.where.row == 3
    assert "2 row(s) have an empty patient id" in str(caught.value)
    warnings = []
    drop_blank_patients(rows, 0, "skip", "pid", WHERE, warnings)
    assert rows.numbers.tolist() == [2]
    assert rows.skipped == Counter({SkipReason.BLANK_PATIENT.value: 2})
    assert [(w.code, w.where.row, w.where.column) for w in warnings] == [("blank_patient_id", 3, "pid")]


def test_pandas_rows_are_the_sheet_after_its_first_row():
    g = grid(["pid", "v"], ["units", ""], ["P1", "1"], ["", ""], ["P2", "2"], ["", ""])
    sheet = options(header_rows=[1, 2])
    assert pandas_rows(sheet, "xlsx", g.columns, g.n_rows).tolist() == [False, True, True, True, True, False]
    assert pandas_rows(sheet, "csv", g.columns, g.n_rows).tolist() == [False, True, True, False, True, False]
    assert pandas_rows(options(pivot=True), "xlsx", g.columns, g.n_rows) is None
    assert pandas_rows(sheet, "xlsx", g.columns[:1], 1) is None


# 6. columns ---------------------------------------------------------------------------------

def _select(g: Grid, patient: str | int = "pid", **fields):
    o = options(**fields)
    columns, n_rows = turn(g, False)
    header = read_header(o, columns, [], 22)
    rows = select_rows(o, columns, n_rows, header, WHERE)
    warnings = []
    position = header.find_column(patient, "patient", WHERE)
    return select_columns(o, header, rows, position, patient, WHERE, warnings), warnings


def test_select_columns_skips_drops_empty_names_unnamed_and_renames_duplicates():
    g = grid(["pid", "Notes", "", "", "age", "Age", "source_batch"], ["P1", "n", "", "x", "1", "2", "3"])
    selection, warnings = _select(g, skip_columns=["Notes"])
    assert selection.names == ["pid", "column_4", "age", "age_2", "source_batch_2"]
    assert selection.positions == [0, 3, 4, 5, 6]
    assert selection.dropped == Counter({"skip_columns": 1, "no header and no values": 1})
    assert [w.code for w in warnings] == ["empty_header", "duplicate_name", "duplicate_name"]


def test_a_column_with_values_only_in_dropped_rows_has_no_values():
    g = grid(["pid", ""], ["P1", ""], ["", "only in a skipped row"])
    selection, _ = _select(g, skip_rows=[3])
    assert selection.names == ["pid"] and selection.dropped == Counter({"no header and no values": 1})


def test_the_patient_column_cannot_be_skipped_or_empty():
    with pytest.raises(CurationError) as caught:
        _select(grid(["pid", "v"], ["P1", "1"]), skip_columns=[1])
    assert caught.value.reason is Reason.RECIPE_INVALID and "skip_columns" in str(caught.value)
    with pytest.raises(CurationError) as caught:
        _select(grid(["", "v"], ["", "1"]), patient=1)
    assert caught.value.reason is Reason.PATIENT_COLUMN_MISSING


# the whole layout ---------------------------------------------------------------------------

def test_apply_layout_runs_the_steps_in_order():
    g = grid(["Study", "", ""], ["pid", "site", ""], ["P1", "a", ""], ["", "a", ""], ["P2", "b", ""],
             ["P3", "a", ""], ["Notes: x", "", ""])
    laid = layout(g, blank_patient_ids="skip", header_rows=[2], stop_at="^Notes", row_filter={"column": "site",
                                                                                         "equals": "a"})
    assert laid.n_rows == 7 and len(laid.columns) == 3
    assert laid.patient_name == "pid" and laid.selection.names == ["pid", "site"]
    assert [(n, p, c.to_pylist()) for n, p, c in laid.kept()] == [("pid", 0, ["P1", "P3"]), ("site", 1, ["a", "a"])]
    assert laid.rows.skipped == Counter({SkipReason.TRAILING_NOTES.value: 1, SkipReason.FILTERED.value: 1,
                                         SkipReason.BLANK_PATIENT.value: 1})
    assert [w.code for w in laid.warnings] == ["blank_patient_id"]
    assert laid.kept_name("site", "idc_cast_column", WHERE) == "site"
    assert laid.kept_name(3, "idc_cast_column", WHERE) is None


_cell = st.sampled_from(["", " ", "P1", "P2", "a", "b", "Notes: x"])


@given(
    st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(_cell, min_size=width, max_size=width),
                                                     min_size=1, max_size=12)),
    st.integers(0, 3), st.lists(st.integers(1, 14), max_size=3), st.none() | st.integers(1, 14),
    st.booleans(), st.none() | st.just("^Notes"), st.booleans(), st.booleans(),
)
def test_every_row_after_the_header_is_kept_or_skipped_for_one_reason(
        cells, skip_after, skip_rows, last_data_row, stop_at_blank_row, stop_at, pivot, with_filter):
    g = grid(["pid", *[f"c{i}" for i in range(1, len(cells[0]))]], *cells)
    if pivot:
        g = grid(*[list(r) for r in zip(*g.rows)])
    fields = dict(skip_rows_after_header=skip_after, skip_rows=skip_rows, last_data_row=last_data_row,
                  stop_at_blank_row=stop_at_blank_row, stop_at=stop_at, pivot=pivot)
    if with_filter:
        fields["row_filter"] = {"column": 1, "equals": ["P1", "a"]}
    laid = layout(g, patient=1, blank_patient_ids="skip", **fields)
    rows = laid.rows
    assert rows.rows_read == len(cells)
    assert rows.rows_read == int(rows.keep.sum()) + sum(rows.skipped.values())
    assert set(rows.skipped) <= {r.value for r in SkipReason}
    kept = [laid.columns[0][int(n) - 1].as_py() for n in rows.numbers]
    assert all(k.strip() for k in kept)  # no kept row has a blank patient cell
    assert len(laid.columns) == len(laid.selection.positions) + sum(laid.selection.dropped.values())


def test_the_readme_layout_table_lists_every_layout_key():
    """README's "Layout" section documents each key the layout reads, and only those."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Layout (`curation/layout/`)", 1)[1].split("\n### ", 1)[0]
    keys = re.findall(r"^\| \d \| `(\w+)` \|", section, re.M)
    assert len(keys) == len(set(keys))
    assert set(keys) == set(LayoutOptions.model_fields) | {"blank_patient_ids"}
