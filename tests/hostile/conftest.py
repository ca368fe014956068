"""The hostile site (tests/hostile/site) and what the tests need to attack tagaudit with it.

Each page under site/ misbehaves one way (its comment says how); healthy/ pages send one GA4
page_view and nothing else, so a test can tell whether a hostile page poisoned the next one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagaudit.runner.sitesrv import SiteServer

# The tests import hostile_kit.py from here.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_kit import SITE


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[SiteServer]:
    with SiteServer(SITE) as site:
        yield site
