"""Hostile recipes: paths out of the collection's folder, YAML alias bombs, runaway regexes.

Recipes arrive by pull request and CI runs ``curate``: nothing a recipe says may read a file
outside its collection's source folder, or take the run's memory or time.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from curation.errors import CurationError, Reason
from curation.recipe import load_recipe
from helpers.files import csv_bytes, zipped

DATA = csv_bytes("patient,age", "P1,40")


def _recipe(files: str, extra: str = "", fmt: str = "csv") -> str:
    return textwrap.dedent(f"""\
        collection_id: demo
        type_mode: inferred
        {extra}
        tables:
          - batches:
              - files: {files}
                patient_column: patient
                format: {fmt}
        """)


def _load(tmp_path, recipe: str, *, outside: bytes = DATA):
    sources = tmp_path / "sources"
    (sources / "demo").mkdir(parents=True)
    (sources / "demo" / "data.csv").write_bytes(DATA)
    (sources / "demo" / "data.zip").write_bytes(zipped({"data.csv": DATA}))
    (sources / "other").mkdir()
    (sources / "other" / "secret.csv").write_bytes(outside)
    (tmp_path / "secret.csv").write_bytes(outside)
    path = tmp_path / "demo.yaml"
    path.write_text(recipe, encoding="utf-8")
    return load_recipe(path, sources)


@pytest.mark.parametrize("files", [
    "[/etc/passwd]",
    "['../other/secret.csv']",
    "['../../secret.csv']",
    "['sub/../../other/secret.csv']",
])
def test_a_file_outside_the_collection_folder_is_refused(tmp_path, files):
    with pytest.raises(CurationError) as caught:
        _load(tmp_path, _recipe(files))
    assert caught.value.reason is Reason.RECIPE_INVALID
    assert caught.value.where.recipe == "demo.yaml"
    assert "tables[0].batches[0].files[0]" in caught.value.message


def test_a_symlink_out_of_the_collection_folder_is_refused(tmp_path):
    sources = tmp_path / "sources"
    (sources / "demo").mkdir(parents=True)
    (tmp_path / "secret.csv").write_bytes(DATA)
    os.symlink(tmp_path / "secret.csv", sources / "demo" / "data.csv")
    path = tmp_path / "demo.yaml"
    path.write_text(_recipe("[data.csv]"), encoding="utf-8")
    with pytest.raises(CurationError) as caught:
        load_recipe(path, sources)
    assert caught.value.reason is Reason.RECIPE_INVALID
    assert "symlink" in caught.value.message


def test_a_symlink_inside_the_collection_folder_is_followed(tmp_path):
    sources = tmp_path / "sources"
    (sources / "demo").mkdir(parents=True)
    (sources / "demo" / "real.csv").write_bytes(DATA)
    os.symlink(sources / "demo" / "real.csv", sources / "demo" / "data.csv")
    path = tmp_path / "demo.yaml"
    path.write_text(_recipe("[data.csv]"), encoding="utf-8")
    assert load_recipe(path, sources).recipe.collection_id == "demo"


@pytest.mark.parametrize("source_dir", ["/etc", "..", "../..", "demo/../../"])
def test_a_source_dir_outside_the_sources_folder_is_refused(tmp_path, source_dir):
    with pytest.raises(CurationError) as caught:
        _load(tmp_path, _recipe("[data.csv]", extra=f"source_dir: '{source_dir}'"))
    assert caught.value.reason is Reason.RECIPE_INVALID
    assert "source_dir" in caught.value.message


@pytest.mark.parametrize("member", ["/etc/passwd", "../data.csv", "a/../../data.csv", "C:/data.csv"])
def test_a_zip_member_name_leading_out_is_refused(tmp_path, member):
    with pytest.raises(CurationError) as caught:
        _load(tmp_path, _recipe(f"[data.zip, '{member}']"))
    assert caught.value.reason is Reason.RECIPE_INVALID
    assert "tables[0].batches[0].files[1]" in caught.value.message


def test_a_dictionary_file_outside_the_folder_is_refused(tmp_path):
    recipe = _recipe("[data.csv]") + textwrap.indent(textwrap.dedent("""\
        dictionary:
          kind: sheet
          files: ['../other/secret.csv']
          name_column: name
          label_column: label
        """), "    ")
    with pytest.raises(CurationError) as caught:
        _load(tmp_path, recipe)
    assert caught.value.reason is Reason.RECIPE_INVALID
    assert "tables[0].dictionary[0].files[0]" in caught.value.message


def test_yaml_aliases_are_refused_before_they_expand(tmp_path):
    # nine levels of nine aliases: 9**9 (387 million) strings if expanded
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    recipe = "\n".join(levels) + "\n" + _recipe("[data.csv]")
    with pytest.raises(CurationError) as caught:
        _load(tmp_path, recipe)
    assert caught.value.reason is Reason.RECIPE_INVALID
    assert "alias" in caught.value.message


def test_a_backtracking_stop_at_regex_stops_with_a_clear_error(tmp_path):
    from helpers.curate import curate

    rows = ["patient,age"] + [f"P{i},{i}" for i in range(3)] + ["a" * 40 + "!,"]
    recipe = """\
        collection_id: demo
        type_mode: inferred
        tables:
          - batches:
              - files: [data.csv]
                patient_column: patient
                stop_at: '(a|aa)+$'
        """
    with pytest.raises(CurationError) as caught:
        curate(tmp_path, recipe, {"data.csv": csv_bytes(*rows)})
    assert "took more than" in caught.value.message
    assert caught.value.where.recipe == "demo.yaml"


def test_a_backtracking_patient_id_regex_stops_with_a_clear_error(tmp_path):
    from helpers.curate import curate

    recipe = """\
        collection_id: demo
        type_mode: inferred
        tables:
          - patient_id:
              - regex: '^((a|aa)+)$'
            batches:
              - files: [data.csv]
                patient_column: patient
        """
    with pytest.raises(CurationError) as caught:
        curate(tmp_path, recipe, {"data.csv": csv_bytes("patient,age", "a" * 60 + "b,1")})
    assert caught.value.reason is Reason.PATIENT_ID_RULE
    assert "took more than" in caught.value.message
    assert caught.value.where.row == 2
