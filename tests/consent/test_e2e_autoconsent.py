"""Consent scenarios end to end with DuckDuckGo autoconsent driving the banners.

Real headless Chromium, the fixture sites on 127.0.0.1 (real klaro and vanilla-cookieconsent
from npm, hand-written OneTrust/Cookiebot/Didomi/TCF stand-ins). Needs node_modules: a
missing package fails with the command that installs it.
"""

from __future__ import annotations

import pytest

from tagaudit.model import Report
from tests.consent.scenario_assertions import *  # noqa: F403  (the shared tests are collected here)
from tests.consent.scenario_runs import run_all, visit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report(chromium_path: str) -> Report:
    return run_all(chromium_path, "autoconsent")


def test_autoconsent_rules_acted(report: Report) -> None:
    consent = visit(report, "/klaro/", "accept").consent
    assert consent.method == "autoconsent" and consent.rule == "Klaro"
    assert consent.engine["version"] == "16.23.0"
    kinds = [e["type"] for e in consent.events]
    assert kinds.index("popupFound") < kinds.index("optInResult") < kinds.index("autoconsentDone")
    assert visit(report, "/cc3/", "reject").consent.rule == "cookieconsent3"
