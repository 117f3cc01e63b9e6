"""Checks on a CSV file's text that keep its rows as they are.

Quoting decides where rows end, so a stray quote silently merges rows: an unterminated quote
swallows every row after it into one field, and readers disagree on a quote inside an unquoted
field (``5'10"``, ``ab"c``). ``check_quotes`` finds the first quote that is not part of a
well-formed quoted field (one that starts a field, doubles its inner quotes and is followed by
the delimiter or the end of the line) and stops the run, naming its line: the file is fixed,
or the recipe says ``quotechar: null`` (no quoting: quotes are text).

``check_one_encoding`` refuses a file that is not UTF-8 yet holds UTF-8 sequences: a file
pasted together from a UTF-8 and a cp1252 source, which any one decoding turns partly into
mojibake. The recipe's ``encoding:`` says how to read it, if that is really what it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from curation.errors import CurationError, Reason, Where

# a valid multi-byte UTF-8 sequence (two to four bytes; no overlong form, surrogate or code
# point past U+10FFFF, which decode as no character), as cp1252 text would rarely hold it
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}")


@lru_cache(maxsize=16)
def _quoted_field(delimiter: str, quotechar: str) -> re.Pattern:
    d, q = re.escape(delimiter), re.escape(quotechar)
    return re.compile(rf"(?<![^{d}\r\n]){q}(?:[^{q}]|{q}{q})*{q}(?![^{d}\r\n])")


def quotes_well_formed(data: bytes, delimiter: str, quotechar: str | None) -> bool | None:
    """Whether ``check_quotes`` passes the UTF-8 text of ``data``, judged on the bytes (no
    decoding): with an ASCII delimiter and quote no byte of a multi-byte character is either,
    so the same pattern matches the same fields. None when it cannot tell (a non-ASCII
    delimiter or quote); False sends the caller to ``check_quotes`` for the error."""
    if not quotechar:
        return True
    if not (delimiter.isascii() and quotechar.isascii()):
        return None
    quote = quotechar.encode("ascii")
    if quote not in data:
        return True
    return quote not in _quoted_field_bytes(delimiter, quotechar).sub(b"", data)


@lru_cache(maxsize=16)
def _quoted_field_bytes(delimiter: str, quotechar: str) -> re.Pattern:
    return re.compile(_quoted_field(delimiter, quotechar).pattern.encode("ascii"))


def check_quotes(text: str, delimiter: str, quotechar: str | None, where: Where) -> None:
    """Stop on a quote that would merge or split rows (see the module docstring)."""
    if not quotechar or quotechar not in text:
        return
    pattern = _quoted_field(delimiter, quotechar)
    if quotechar not in pattern.sub("", text):
        return
    position, spans = 0, pattern.finditer(text)
    for span in spans:  # only on a bad file: find the first quote outside every quoted field
        stray = text.find(quotechar, position, span.start())
        if stray >= 0:
            break
        position = span.end()
    else:
        stray = text.find(quotechar, position)
    line = text.count("\n", 0, stray) + 1
    starts_field = stray == 0 or text[stray - 1] in (delimiter, "\n", "\r")
    what = ("a quoted field that is not closed before the next delimiter or line end "
            "(an unterminated quote would swallow the rows after it)") if starts_field else \
        "a quote inside an unquoted field"
    snippet = text[max(stray - 20, 0): stray + 20].replace("\n", "\\n").replace("\r", "\\r")
    raise CurationError(
        Reason.MALFORMED_CSV,
        f"line {line} has {what}, near {snippet!r}: fix the file, or set quotechar: null if quotes "
        "are text in it", where.with_(row=line))


def check_one_encoding(data: bytes, chosen: str, where: Where) -> None:
    """A file read as ``chosen`` (not UTF-8: it did not decode so) must not hold UTF-8 sequences."""
    found = _UTF8_SEQUENCE.search(data)
    if found is None:
        return
    line = data.count(b"\n", 0, found.start()) + 1
    raise CurationError(
        Reason.MIXED_ENCODING,
        f"the file mixes encodings: it is not UTF-8, yet line {line} holds the UTF-8 sequence "
        f"{found.group()!r} ({found.group().decode('utf-8')!r}; as {chosen} it would read "
        f"{found.group().decode(chosen, errors='replace')!r}): convert it to one encoding, or declare "
        "encoding: in the recipe", where.with_(row=line))
