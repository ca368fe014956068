"""JS redirects and landing analytics in real headless Chromium (PlaywrightLinkNavigator)."""

from __future__ import annotations

import asyncio

import pytest

from tagaudit.browser.link_navigator import PlaywrightLinkNavigator
from tagaudit.browser.page import PageEngine
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import SessionSettings
from tagaudit.links.inputs import LinkTarget
from tagaudit.model import Finding, LinkResult
from tagaudit.rules import links_assess as assess
from tagaudit.runner.links import follow_and_look as check_links
from tests.support.redirect_server import CAMPAIGN

pytestmark = pytest.mark.e2e


def make(message, evidence, location):
    return Finding(rule_id="t", category="x", severity="warning", message=message)


@pytest.fixture(scope="module")
def browsed(routes, chromium_path) -> dict[str, LinkResult]:
    """Every browser case in one Chromium session (keeps the module fast)."""
    paths = {
        "js": f"/js?{CAMPAIGN}",
        "stores": f"/ga/stores?{CAMPAIGN}",
        "drops": f"/ga/go?{CAMPAIGN}",
        "meta": f"/meta?{CAMPAIGN}",
    }
    from tagaudit.links.settings import LinkSettings

    settings = LinkSettings(timeout=10, browser_settle=0.4)

    async def run() -> list[LinkResult]:
        async with BrowserSession(SessionSettings(path=chromium_path)) as session:
            nav = PlaywrightLinkNavigator(PageEngine(session))
            targets = [LinkTarget(routes.url(p)) for p in paths.values()]
            return await check_links(targets, settings, nav)

    return dict(zip(paths, asyncio.run(run()), strict=True))


def test_js_redirect_becomes_a_hop_and_keeping_every_parameter_is_no_finding(browsed, routes):
    link = browsed["js"]
    assert [h.via for h in link.hops] == ["js", "http"]
    assert link.final_url == routes.url(f"/landing?{CAMPAIGN}")
    assert link.landing["http_final_url"] == routes.url(f"/js?{CAMPAIGN}")
    assert link.landing["differs"] is True
    assert assess.browser_differs(link, {}, make) == []  # nothing lost: nothing wrong
    assert [c.kept for c in link.ledger] == [["utm_source", "utm_medium", "utm_campaign", "gclid"]]


def test_meta_refresh_lands_the_same_in_both(browsed):
    link = browsed["meta"]
    assert link.landing["differs"] is False
    assert [h["via"] for h in link.landing["browser_hops"]] == ["meta", "http"]


def test_click_id_stored_in_cookie_is_not_flagged(browsed):
    link = browsed["stores"]
    assert link.landing["stored_in_cookies"] == {"gclid": ["_gcl_aw"]}
    assert assess.not_stored(link, {}, make) == []


def test_click_id_that_no_tag_stored_is_flagged(browsed):
    link = browsed["drops"]
    assert "gclid" in link.landing["arrived"]
    assert "_gcl_aw" not in link.landing["cookies"]
    (found,) = assess.not_stored(link, {}, make)
    assert found.message.startswith("gclid arrived in the URL but no tag stored it")


def test_landing_analytics_are_decoded_and_answered_locally(browsed, routes):
    """The GA4 page_view was answered by the navigator (nothing left 127.0.0.1), decoded by
    tagaudit.providers, and its `dl` carried the link's UTMs and gclid."""
    link = browsed["stores"]
    assert link.landing["providers"] == ["ga4"]
    assert link.landing["analytics_page_urls"] == [routes.url(f"/ga/stores?{CAMPAIGN}")]
    assert link.landing["reached_analytics"] == [
        "gclid",
        "utm_campaign",
        "utm_medium",
        "utm_source",
    ]
    dropped = browsed["drops"]
    assert dropped.landing["analytics_page_urls"] == [routes.url("/ga/drops")]
    assert dropped.landing["reached_analytics"] == []


def test_cli_with_the_browser(routes, chromium_path, tmp_path):
    import json

    from tagaudit.cli import main

    out = tmp_path / "r.json"
    args = ["links", routes.url(f"/js?{CAMPAIGN}"), "--browser", chromium_path]
    assert main([*args, "--json", str(out), "--quiet"]) == 0
    data = json.loads(out.read_text())
    assert data["config"]["browser"] is True
    assert [f["rule_id"] for f in data["findings"] if f["severity"] == "warning"] == [
        "link-param-not-stored",
    ]
