"""Consent scenarios end to end with the built-in CMP catalog (no autoconsent).

Same fixture sites and the same expected findings as with autoconsent; the catalog's
selectors and JS APIs drive the banners.
"""

from __future__ import annotations

import pytest

from tagaudit.model import Report
from tests.consent.scenario_assertions import *  # noqa: F403  (the shared tests are collected here)
from tests.consent.scenario_runs import run_all, visit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report(chromium_path: str) -> Report:
    return run_all(chromium_path, "builtin")


def test_builtin_catalog_acted(report: Report) -> None:
    onetrust = visit(report, "/onetrust/", "reject").consent
    assert onetrust.method == "builtin"
    assert onetrust.action["via"] == "second-layer" and onetrust.clicks == 2
    assert visit(report, "/onetrust/", "accept").consent.action["via"] == "first-layer"
    assert visit(report, "/didomi/", "accept").consent.cmp == "didomi"
