"""Shared test fixtures: the demo site served on 127.0.0.1 and the Chromium to drive.

Every end-to-end test talks only to servers on loopback; tracking hits aimed at vendor hosts
are answered by tagaudit itself, so the suite passes offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tagaudit.browser.discovery import find_browser
from tagaudit.sitesrv import SiteServer

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The browser every e2e test drives (Makefile's ensure-browser made sure one exists)."""
    return find_browser().path


@pytest.fixture(scope="session")
def demo_site() -> Iterator[SiteServer]:
    """The bundled demo site, served once per test session on a free port."""
    with SiteServer(FIXTURES / "demo-site") as site:
        yield site
