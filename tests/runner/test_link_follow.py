"""The runner with stand-in navigators (the LinkNavigator Protocol, no Chromium)."""

from __future__ import annotations

import asyncio

import pytest

from tagaudit.links.inputs import LinkTarget
from tagaudit.model import Cookie, Hop, PageVisit, TagHit
from tagaudit.runner.links import follow_and_look as check_links
from tests.support.redirect_server import CAMPAIGN


class ScriptedNavigator:
    """Answers every visit with the same landing, as a browser would have seen it."""

    def __init__(self, landing: str) -> None:
        self.landing = landing
        self.visited: list[str] = []

    async def visit(self, url: str, *, timeout: float, settle: float) -> PageVisit:
        self.visited.append(url)
        hit = TagHit(provider="ga4", event="page_view", params={"page_url": self.landing})
        hops = [Hop(url, 200, self.landing, via="js"), Hop(self.landing, 200)]
        return PageVisit(
            url=url,
            final_url=self.landing,
            hops=hops,
            hits=[hit],
            cookies=[Cookie(name="_gcl_aw", domain="127.0.0.1")],
        )


class CrashingNavigator:
    async def visit(self, url: str, *, timeout: float, settle: float) -> PageVisit:
        raise RuntimeError("Target page, context or browser has been closed")


def test_browser_hops_extend_the_chain_and_the_ledger(routes, quick):
    start = routes.url(f"/landing?{CAMPAIGN}")
    nav = ScriptedNavigator(routes.url("/promo?utm_source=Google"))
    (link,) = asyncio.run(check_links([LinkTarget(start)], quick, nav))
    assert [h.via for h in link.hops] == ["js", "http"]
    assert link.ledger[0].kept == ["utm_source"]
    assert link.ledger[0].dropped == ["utm_medium", "utm_campaign", "gclid"]
    assert link.landing["stored_in_cookies"] == {"gclid": ["_gcl_aw"]}
    assert link.landing["arrived"] == ["utm_source"]
    assert link.landing["reached_analytics"] == ["utm_source"]


def test_only_links_that_landed_are_visited(routes, quick):
    nav = ScriptedNavigator(routes.url("/landing"))
    targets = [LinkTarget(routes.url("/gone")), LinkTarget(routes.url("/s/301?x=1"))]
    asyncio.run(check_links(targets, quick, nav))
    assert nav.visited == [routes.url("/s/301?x=1")]


def test_a_crashed_visit_is_a_value(routes, quick):
    (link,) = asyncio.run(
        check_links([LinkTarget(routes.url("/landing"))], quick, CrashingNavigator())
    )
    assert link.verdict == "ok"
    assert link.landing == {
        "browser_error": "RuntimeError: Target page, context or browser has been closed"
    }


def test_finished_links_survive_an_interrupted_run(routes, quick):
    from tagaudit.runner.links import per_target

    quick.timeout = 5
    targets = [LinkTarget(routes.url("/slower?i=1")), LinkTarget(routes.url("/s/302?i=1"))]
    done: dict = {}

    async def interrupted() -> None:
        await asyncio.wait_for(check_links(targets, quick, done=done), 2.0)

    with pytest.raises(TimeoutError):
        asyncio.run(interrupted())
    (kept,) = per_target(targets, done)
    assert kept.url == routes.url("/s/302?i=1") and kept.verdict == "ok"
    assert kept.expected == {"source": "argument"}


def test_one_url_given_twice_is_followed_once_but_keeps_both_expectations(routes, quick):
    url = routes.url("/landing?twice=1")
    targets = [
        LinkTarget(url, source="a.csv:2", expected_landing="/landing"),
        LinkTarget(url, source="a.csv:3", expected_landing="/elsewhere"),
    ]
    first, second = asyncio.run(check_links(targets, quick))
    assert first.expected == {"source": "a.csv:2", "landing": "/landing"}
    assert second.expected == {"source": "a.csv:3", "landing": "/elsewhere"}
    assert first is not second and first.hops is not second.hops
    assert routes.hits["/landing?twice=1"] == 1
