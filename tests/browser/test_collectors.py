"""The site's own collector, probed harmlessly (browser/collectors.py): real Chromium asks a
real loopback server, and the answer decides whether the hits bound there were delivered."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tagaudit.browser.collectors import check_own_collectors, own_collector_requests, site_of
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import SessionSettings
from tagaudit.model import PageVisit, Request, TagHit
from tagaudit.runner.sitesrv import SiteServer
from tests.support.reach_site import serve_reach_site
from tests.support.servers import refused_url


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    with serve_reach_site() as served:
        yield served


def _visit(page: str, *hit_urls: str) -> PageVisit:
    visit = PageVisit(url=page, final_url=page)
    for index, url in enumerate(hit_urls):
        visit.requests.append(Request(url=url, method="POST", answered_locally=True))
        visit.hits.append(TagHit("ga4", account="G-1", event="page_view", request_index=index))
    return visit


def test_the_site_of_a_host() -> None:
    assert site_of("sgtm.shop.example") == site_of("www.shop.example") == "shop.example"
    assert site_of("www.google-analytics.com") == "google-analytics.com"
    assert site_of("127.0.0.1") == "127.0.0.1" and site_of("localhost") == "localhost"


def test_only_hits_bound_for_the_site_itself_are_its_own_collector() -> None:
    visit = _visit(
        "https://shop.example/stories/",
        "https://sgtm.shop.example/g/collect?v=2&en=page_view",
        "https://www.google-analytics.com/g/collect?v=2&en=page_view",
    )
    visit.requests.append(Request(url="https://shop.example/metrics/g/collect", status=204))
    visit.hits.append(TagHit("ga4", account="G-1", event="scroll", request_index=2))
    assert [r.url for r in own_collector_requests(visit)] == [
        "https://sgtm.shop.example/g/collect?v=2&en=page_view"  # (the last was let through)
    ]


@pytest.mark.e2e
def test_a_down_collector_is_known_from_a_probe_that_delivers_nothing(
    site: SiteServer, chromium_path: str
) -> None:
    down = _visit(site.url("/stories/"), site.url("/metrics/g/collect?v=2&en=page_view"))
    up = _visit(site.url("/about/"), site.url("/collect/g/collect?v=2&en=page_view"))
    gone = _visit("http://127.0.0.1/x/", refused_url("/g/collect?v=2&en=page_view"))
    vendor = _visit(site.url("/"), "https://www.google-analytics.com/g/collect?v=2")
    visits = [down, up, gone, vendor]

    async def run() -> None:
        async with BrowserSession(SessionSettings(path=chromium_path)) as session:
            await check_own_collectors(session, visits)

    asyncio.run(run())
    assert down.requests[0].collector == "HTTP 502"
    assert down.requests[0].delivery_problem() == "HTTP 502"  # the hit would have been lost
    assert up.requests[0].collector == "HTTP 204" and up.requests[0].delivery_problem() is None
    assert gone.requests[0].collector == "ECONNREFUSED"
    assert gone.requests[0].delivery_problem() == "ECONNREFUSED"
    assert vendor.requests[0].collector is None  # a vendor's endpoint is not the site's
    # Each endpoint was asked once, with a preflight: no event reached the collectors.
    asked = [p for p in site.served if "collect" in p]
    assert sorted(asked) == ["OPTIONS /collect/g/collect", "OPTIONS /metrics/g/collect"]


def test_no_context_is_opened_when_no_hit_went_to_the_site_itself() -> None:
    class Session:  # a run whose hits all went to vendors never needs the browser here
        lost = None

        async def new_context(self) -> None:
            raise AssertionError("no context needed")

    vendor = _visit("https://shop.example/", "https://www.google-analytics.com/g/collect")
    asyncio.run(check_own_collectors(Session(), [vendor]))  # type: ignore[arg-type]
