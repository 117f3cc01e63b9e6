"""``curation.dictionaries.recipe_block``: which keys of a block are about reading the file and
which about matching it, so one read of a file serves every table that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.dictionaries import load
from curation.dictionaries.recipe_block import MATCHING_KEYS, DictionarySpec
from curation.errors import Where

BLOCK = {"kind": "sheet", "files": ["d.csv"], "name_column": "name", "label_column": "label"}


def test_matching_keys_are_keys_of_the_block() -> None:
    assert set(MATCHING_KEYS) <= set(DictionarySpec.model_fields)


def test_reading_resets_the_matching_keys_and_keeps_every_other_key() -> None:
    spec = DictionarySpec(**BLOCK, sheet="s", header_row=2, form="A0", match_by="map",
                          columns={"Sex": "sex"}, closed=True, use_types=False)
    reading = spec.reading()
    default = DictionarySpec(**BLOCK)
    for key in DictionarySpec.model_fields:
        expected = getattr(default if key in MATCHING_KEYS else spec, key)
        assert getattr(reading, key) == expected, key


def test_blocks_that_differ_only_in_matching_keys_read_alike_and_others_do_not() -> None:
    plain = DictionarySpec(**BLOCK)
    matched = DictionarySpec(**BLOCK, form="A0", closed=True, use_types=False, match_by="header")
    assert plain.reading() == matched.reading()
    assert DictionarySpec(**BLOCK, header_row=2).reading() != plain.reading()


def test_one_file_is_read_once_whatever_the_tables_match_by(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "d.csv").write_text("name,label\nsex,Sex\n")
    calls = []
    read = load.READERS["sheet"]
    monkeypatch.setitem(load.READERS, "sheet", lambda data, spec, where: calls.append(spec) or read(data, spec, where))
    load._cached.cache_clear()
    where = Where(recipe="r.yaml")
    first = load.load_dictionary(tmp_path, DictionarySpec(**BLOCK), where)
    second = load.load_dictionary(tmp_path, DictionarySpec(**BLOCK, closed=True, match_by="header"), where)
    assert first is second and len(calls) == 1
    assert [v.name for v in first.variables] == ["sex"]
    load._cached.cache_clear()
