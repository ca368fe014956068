"""Finding a Chromium to drive, and saying clearly why when there is none.

Order (DESIGN.md, "Browser discovery"): an explicit path (`--browser` / `TAGAUDIT_BROWSER`),
then Playwright's own downloaded Chromium, then a system Chromium or Chrome on PATH.
Does not import Playwright: `tagaudit doctor` must work even when the driver is broken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tagaudit.errors import EnvironmentProblem

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = (
    "install one: `apt-get install -y chromium` (Debian/Ubuntu), or `playwright install chromium` "
    "where downloads are allowed, or pass --browser PATH / set TAGAUDIT_BROWSER"
)


@dataclass
class BrowserInfo:
    """A browser executable we found, where we found it, and its version string."""

    path: str
    source: str
    version: str = ""


@dataclass
class Search:
    """The outcome of looking for a browser: the one found, and every place we looked."""

    found: BrowserInfo | None = None
    tried: list[str] = field(default_factory=list)


def _playwright_chromiums() -> list[Path]:
    """Chromium builds that `playwright install` left in its cache, newest first."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache/ms-playwright")
    if not root.is_dir():
        return []
    found = []
    for build in sorted(root.glob("chromium-*"), reverse=True):
        for rel in ("chrome-linux64/chrome", "chrome-linux/chrome", "chrome-mac/Chromium.app"):
            if (build / rel).exists():
                found.append(build / rel)
    return found


def browser_version(path: str) -> str:
    """`chromium --version`, or '' when it cannot be asked (a wrapper script may be slow)."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def search_browser(explicit: str | None = None) -> Search:
    """Look in the documented order and record each place tried, for `doctor`."""
    search = Search()
    explicit = explicit or os.environ.get("TAGAUDIT_BROWSER")
    if explicit:
        path = shutil.which(explicit) or explicit
        if Path(path).is_file() and os.access(path, os.X_OK):
            search.found = BrowserInfo(path, "explicit")
            return search
        search.tried.append(f"explicit {explicit!r}: not an executable file")
        return search
    for candidate in _playwright_chromiums():
        search.found = BrowserInfo(str(candidate), "playwright")
        return search
    search.tried.append("Playwright's browser cache: no chromium build")
    for name in SYSTEM_NAMES:
        path = shutil.which(name)
        if path:
            search.found = BrowserInfo(path, "system")
            return search
    search.tried.append(f"PATH: none of {', '.join(SYSTEM_NAMES)}")
    return search


def find_browser(explicit: str | None = None) -> BrowserInfo:
    """The browser to launch, or EnvironmentProblem naming what was tried and how to fix it."""
    search = search_browser(explicit)
    if search.found is None:
        tried = "; ".join(search.tried)
        raise EnvironmentProblem(f"no Chromium found ({tried})", INSTALL_HINT)
    return search.found
