"""Headless Chromium (Debian's package) for the tests that look at a page: a screenshot and the
DOM after the page's scripts ran. Absent locally, those tests skip; under CI (CI=true, where
.ci/run installs it) they fail instead, so they cannot silently not run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from helpers import REPO

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]

SCREENSHOTS = REPO / "build" / "screenshots"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def _run(url: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args, url],
                              capture_output=True, text=True, timeout=timeout, check=True)


def dump_dom(url: str, budget_ms: int = 10_000) -> str:
    """The DOM after the page loaded and its scripts ran for budget_ms of virtual time."""
    return _run(url, f"--virtual-time-budget={budget_ms}", "--dump-dom").stdout


def screenshot(url: str, png: Path, width: int = 1280, height: int = 1600, budget_ms: int = 5_000) -> Path:
    """A PNG of the page; a copy goes to build/screenshots/ for a person to look at."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(url, f"--window-size={width},{height}", f"--virtual-time-budget={budget_ms}",
         f"--screenshot={png}")
    assert png.exists() and png.stat().st_size > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SCREENSHOTS / png.name)
    return png


def colours(png: Path) -> int:
    """Number of distinct colours in the image (a blank page has one or two)."""
    from PIL import Image

    with Image.open(png) as image:
        found = image.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(found) if found is not None else 1 << 20


def pixel(png: Path, x: int, y: int) -> tuple[int, int, int]:
    from PIL import Image

    with Image.open(png) as image:
        return image.convert("RGB").getpixel((x, y))
