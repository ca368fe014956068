"""Reporter test fixtures; the sample Report itself is built in report_sample.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from report_sample import build_sample  # noqa: E402

from tagaudit.model import Report  # noqa: E402


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
