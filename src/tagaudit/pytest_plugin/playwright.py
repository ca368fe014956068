"""pytest-playwright's browser where tagaudit finds one, with no conftest.

pytest-playwright launches Playwright's own downloaded build; where none was downloaded
(offline CI, Debian's chromium package) its `page` fails with "Executable doesn't exist"
until a conftest points `browser_type_launch_args` at a Chromium. This module is that
conftest: registered as a plugin after pytest-playwright (pytest_configure), its
`browser_type_launch_args` overrides that plugin's and adds `executable_path`, the Chromium
tagaudit's discovery finds (`TAGAUDIT_BROWSER`, Playwright's cache, the system's), only when
all of these hold: the browser is chromium, no channel and
no executable path were chosen, no remote browser is used (`connect_options`), and
Playwright's own build for that browser is missing. A user's conftest fixture of the same
name still wins (conftest fixtures override plugins').
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def system_chromium(browser_type: Any) -> str | None:
    """The Chromium to hand pytest-playwright, or None when Playwright has its own."""
    from tagaudit.browser.discovery import search_browser

    try:
        own = Path(browser_type.executable_path)
    except Exception:  # an unknown browser type, a broken driver: leave it to Playwright
        return None
    if own.exists():
        return None
    found = search_browser().found
    return found.path if found is not None else None


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
    browser_name: str | None,
    browser_type: Any,
    connect_options: dict[str, Any] | None,
) -> dict[str, Any]:
    """pytest-playwright's launch arguments, with the Chromium tagaudit finds when
    Playwright has none of its own (see the module docstring)."""
    args = dict(browser_type_launch_args)
    if browser_name not in (None, "chromium") or connect_options:
        return args
    if args.get("channel") or args.get("executable_path"):
        return args
    path = system_chromium(browser_type)
    if path is not None:
        args["executable_path"] = path
    return args
