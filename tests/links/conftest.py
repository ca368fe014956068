"""Fixtures of the link checker's tests: the route server on 127.0.0.1, quick settings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from redirect_server import RouteServer

from tagaudit.links.settings import LinkSettings


@pytest.fixture(scope="session")
def routes() -> Iterator[RouteServer]:
    with RouteServer() as server:
        yield server


@pytest.fixture()
def quick() -> LinkSettings:
    """Tiny timeouts and waits so failure paths stay fast."""
    return LinkSettings(timeout=3.0, backoff=0.01, retry_wait_cap=0.2, retries=2)
