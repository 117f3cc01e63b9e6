"""Regular expressions written in recipes, run with a time bound.

A recipe's patterns (``stop_at``, the ``regex`` patient-id step) come from whoever wrote the
recipe, and Python's ``re`` backtracks: ``(a+)+$`` against a long run of ``a`` never ends.
They are compiled and run with the ``regex`` package (its default mode accepts ``re``'s
syntax and matches as ``re`` does), which stops a match after ``TIMEOUT_SECONDS``; a pattern
that times out is an error naming the pattern and saying to simplify it.
"""

from __future__ import annotations

from functools import lru_cache

import regex

TIMEOUT_SECONDS = 1.0


class RegexTimeout(ValueError):
    """A recipe's regex ran longer than ``TIMEOUT_SECONDS`` on one value."""


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> regex.Pattern:
    """The compiled pattern; raises ``ValueError`` (with the reason) when it does not compile."""
    try:
        return regex.compile(pattern, flags=regex.VERSION0)
    except (regex.error, TypeError) as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None


def _bounded(method: str, pattern: str, text: str):
    try:
        return getattr(compile_pattern(pattern), method)(text, timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        raise RegexTimeout(
            f"regex {pattern!r} took more than {TIMEOUT_SECONDS:g} s on a value of {len(text)} characters "
            "(it backtracks without end): simplify it, e.g. without nested repeats like (a+)+") from None


def match(pattern: str, text: str):
    """``re.match`` with the time bound."""
    return _bounded("match", pattern, text)


def search(pattern: str, text: str):
    """``re.search`` with the time bound."""
    return _bounded("search", pattern, text)
