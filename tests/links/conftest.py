"""Fixtures of the link checker's tests: the route server on 127.0.0.1, quick settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tagaudit.links.settings import LinkSettings
from tests.support.redirect_server import RouteServer


@pytest.fixture(scope="session")
def routes() -> Iterator[RouteServer]:
    with RouteServer() as server:
        yield server


@pytest.fixture()
def quick() -> LinkSettings:
    """Tiny timeouts and waits so failure paths stay fast."""
    return LinkSettings(timeout=3.0, backoff=0.01, retry_wait_cap=0.2, retries=2)
