"""The version check of the patch modules: a replaced internal is only valid for the release it
was read in."""

from __future__ import annotations

from importlib.metadata import version


def require(distribution: str, pinned: str, patch: str) -> None:
    """Stop unless ``distribution`` is installed at ``pinned``: the patch in module ``patch``
    replaces internals of that release and must be re-read against any other."""
    found = version(distribution)
    if found != pinned:
        raise RuntimeError(
            f"{patch} replaces internals of {distribution} {pinned}, but {found} is installed: "
            f"read the patch against {distribution} {found} and update it and its pin together")
