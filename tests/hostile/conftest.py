"""The hostile site (tests/hostile/site) and what the tests need to attack tagaudit with it.

Each page under site/ misbehaves one way (its comment says how); healthy/ pages send one GA4
page_view and nothing else, so a test can tell whether a hostile page poisoned the next one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tagaudit.runner.sitesrv import SiteServer
from tests.hostile.hostile_kit import SITE
from tests.support.servers import serve_folder


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[SiteServer]:
    with serve_folder(SITE) as site:
        yield site
