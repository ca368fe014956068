"""Smaller end-to-end checks: banner screenshots for the HTML report, autoconsent's eval
round trip (isMainWorld off: every rule snippet is evaluated by tagaudit in the frame)."""

from __future__ import annotations

import asyncio

import pytest

import tagaudit
from tagaudit.browser.page import PageEngine
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import SessionSettings
from tagaudit.consent.scenarios import run_scenarios
from tagaudit.consent.settings import ConsentSettings
from tagaudit.model import PageVisit
from tests.consent.scenario_runs import TEST_ARGS, require_npm_banners
from tests.support.consent_sites import NODE_MODULES, ConsentSites

pytestmark = pytest.mark.e2e


async def _play(chromium: str, path: str, scenario: str, consent: ConsentSettings) -> PageVisit:
    with ConsentSites() as sites:
        settings = SessionSettings(path=chromium, args=list(TEST_ARGS))
        async with BrowserSession(settings) as session:
            engine = PageEngine(session)
            (visit,) = await run_scenarios(engine, sites.url(path), [scenario], consent)
            return visit


def test_banner_screenshots_before_and_after_the_action(chromium_path: str) -> None:
    """Through the library API: `consent=["accept"]` runs that scenario alone."""
    consent = ConsentSettings(engine="builtin", screenshots="base64")
    with ConsentSites() as sites:
        report = tagaudit.audit(
            [sites.url("/didomi/")],
            consent=["accept"],
            consent_settings=consent,
            browser=chromium_path,
            browser_args=list(TEST_ARGS),
        )
    assert [v.scenario for v in report.pages] == ["accept"]
    page = report.pages[0]
    shots = page.consent.screenshots
    assert shots["before"].startswith("data:image/jpeg;base64,")
    assert shots["after"].startswith("data:image/jpeg;base64,")
    assert shots["before"] != shots["after"]


def test_autoconsent_eval_requests_are_answered(chromium_path: str) -> None:
    require_npm_banners()
    consent = ConsentSettings(
        engine="autoconsent", node_modules=NODE_MODULES, screenshots="none", main_world=False
    )
    page = asyncio.run(_play(chromium_path, "/cookiebot/", "reject", consent))
    kinds = [event["type"] for event in page.consent.events]
    assert "eval" in kinds  # Cookiebot detection runs EVAL_COOKIEBOT_1 through tagaudit
    assert page.consent.rule == "Cybotcookiebot" and page.consent.action["result"]
    assert page.consent.verified is True


def test_a_ping_held_by_a_late_tag_library_leaves_before_the_choice(chromium_path: str) -> None:
    """gtag.js starts its `wait_for_update` when it runs the default, not when the page
    pushed it: here 1 s late. The scenario waits for that timeout, so the held page_view is
    seen before any action, denied (and a `none` run does not reload it away)."""
    consent = ConsentSettings(engine="builtin", screenshots="none", reappear_timeout=1.0)
    page = asyncio.run(_play(chromium_path, "/cookiebot/late-tag.html", "none", consent))
    pings = [(h.event, h.phase, h.consent["gcs"]["raw"]) for h in page.hits if h.kind == "hit"]
    assert ("page_view", "before-action", "G100") in pings, pings
