"""Reading the dictionary a recipe block names: the file chain, then the reader of its kind.

A file is read once per run for its reading settings (``DictionarySpec.reading``), whatever
form, matching rule or closed flag each table asks of it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from curation.dictionaries.formats import acrin, docx, lettered, nlst, redcap, sheet
from curation.dictionaries.parsed import Dictionary
from curation.dictionaries.recipe_block import DictionarySpec
from curation.errors import Where
from curation.sources import file_md5, open_chain

READERS = {"acrin": acrin.read, "sheet": sheet.read, "lettered": lettered.read, "nlst": nlst.read, "docx": docx.read,
           "redcap": redcap.read}


@lru_cache(maxsize=32)
def _cached(root: Path, spec_json: str, md5: str, where: Where) -> Dictionary:
    spec = DictionarySpec.model_validate_json(spec_json)
    source = open_chain(root, spec.files, where)
    dictionary = READERS[spec.kind](source.data, spec, where)
    if spec.titles_files:
        titles = open_chain(root, spec.titles_files, where.with_(file=spec.titles_files[-1]))
        dictionary.form_titles.update(acrin.titles_workbook(titles.data, spec.titles_files[-1], where))
    return dictionary


def load_dictionary(root: Path, spec: DictionarySpec, where: Where) -> Dictionary:
    """The whole dictionary (every form); read once per file and reading settings."""
    where = where.with_(file=spec.files[-1], batch=None)
    downloaded = root / spec.files[0]
    md5 = file_md5(downloaded) if downloaded.is_file() else ""
    return _cached(root, spec.reading().model_dump_json(), md5, where.with_(table=None))
