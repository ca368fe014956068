"""Reporter test fixtures; the sample Report itself is built in report_sample.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from tagaudit.model import Report
from tests.report.report_sample import build_sample


@pytest.fixture
def sample_report() -> Report:
    return build_sample()


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """A headless Chromium for looking at HTML reports (one per test module)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        yield launched
        launched.close()
