"""Capture in real headless Chromium against fixtures/capture-site served on 127.0.0.1.

One behaviour per page (see fixtures/capture-site/README.md). The pages fire hits at real
vendor hosts; tagaudit must answer every one of them itself, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import tagaudit
from tagaudit.browser import visitor
from tagaudit.browser.page import PageEngine, Tab
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import PageSettings, SessionSettings
from tagaudit.model import PageVisit
from tagaudit.runner.sitesrv import SiteServer
from tests.support.servers import LoopbackServer, refused_url, serve_folder, silent_socket

pytestmark = pytest.mark.e2e
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def run(urls: list[str], chromium: str, **options: object) -> list[PageVisit]:
    """The pages of one audit through the library API (the rules ran too; not looked at)."""
    options.setdefault("concurrency", 2)
    return tagaudit.audit(urls, browser=chromium, max_pages=len(urls), **options).pages


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    with serve_folder(FIXTURES / "capture-site") as server:
        yield server


@pytest.fixture(scope="module")
def visits(site: SiteServer, chromium_path: str) -> dict[str, PageVisit]:
    paths = ["/transports/", "/csp/", "/go/start", "/late/", "/busy/", "/missing/", "/unload/"]
    paths += ["/stalled/", "/preflight/", "/timer-batch/"]
    done = run([site.url(p) for p in paths], chromium_path, quiet_ms=800, max_wait_ms=2500)
    return {urlsplit(v.url).path: v for v in done}


def by_host(visit: PageVisit) -> dict[str, list]:
    hosts: dict[str, list] = {}
    for request in visit.requests:
        hosts.setdefault(urlsplit(request.url).hostname or "", []).append(request)
    return hosts


def test_every_transport_is_recorded_with_its_body_and_frame(visits: dict[str, PageVisit]) -> None:
    hosts = by_host(visits["/transports/"])
    (meta,) = hosts["www.facebook.com"]
    (ga4,) = hosts["www.google-analytics.com"]
    (tiktok,) = hosts["analytics.tiktok.com"]
    (segment,) = hosts["api.segment.io"]
    (linkedin,) = hosts["px.ads.linkedin.com"]
    assert (meta.resource_type, meta.method) == ("image", "GET")
    assert (ga4.resource_type, ga4.method) == ("ping", "POST")
    assert ga4.post_data == "en=page_view&_et=1\nen=view_item&ep.item_id=W-1&epn.value=19.9"
    assert (tiktok.resource_type, tiktok.method) == ("fetch", "POST")
    assert '"code":"CCAPTURE01"' in (tiktok.post_data or "")
    assert (segment.resource_type, segment.method) == ("xhr", "POST")
    assert linkedin.frame_url and linkedin.frame_url.endswith("/frame/")


def test_worker_and_service_worker_requests_are_recorded(visits: dict[str, PageVisit]) -> None:
    hosts = by_host(visits["/transports/"])
    assert len(hosts["bat.bing.com"]) == 1, "dedicated worker fetch"
    assert len(hosts["ct.pinterest.com"]) == 1, "service worker fetch"


def test_no_hit_left_the_machine(visits: dict[str, PageVisit]) -> None:
    for visit in visits.values():
        for request in visit.requests:
            host = urlsplit(request.url).hostname
            if host == "127.0.0.1" or request.failure == "csp":
                continue
            assert request.answered_locally, f"{request.url} was not answered locally"
            assert request.status in (200, 204)
            assert request.failure is None


def test_an_iframe_hit_is_placed_while_another_page_never_answers(
    site: SiteServer, chromium_path: str
) -> None:
    """A hit from an iframe in its page's process names a frame the edge must look up in
    the pages' frame trees. A page whose main thread never yields answers that never: the
    other pages are asked beside it, so the hit is still its own page's, answered here."""

    async def play() -> PageVisit:
        async with BrowserSession(SessionSettings(path=chromium_path)) as session:
            engine = PageEngine(session, PageSettings(quiet_ms=300))
            spinning = await engine.open_tab()  # attached first: asked first
            try:
                await spinning.load(site.url("/spin/"))
                tab = await engine.open_tab()
                try:
                    return await tab.visit(site.url("/transports/"))
                finally:
                    await tab.close()
            finally:
                await spinning.close()

    visit = asyncio.run(play())
    (pixel,) = [r for r in visit.requests if urlsplit(r.url).hostname == "px.ads.linkedin.com"]
    assert pixel.answered_locally and pixel.frame_url and "/frame/" in pixel.frame_url


def test_batched_ga4_events_decode_to_one_hit_each(visits: dict[str, PageVisit]) -> None:
    hits = {(h.provider, h.account, h.event) for h in visits["/transports/"].hits}
    assert ("ga4", "G-CAPTURE1", "page_view") in hits
    assert ("ga4", "G-CAPTURE1", "view_item") in hits
    assert ("meta_pixel", "1234567890123456", "PageView") in hits
    assert ("tiktok", "CCAPTURE01", "ViewContent") in hits
    view_item = next(h for h in visits["/transports/"].hits if h.event == "view_item")
    assert view_item.params["value"] == 19.9
    assert (
        visits["/transports/"]
        .requests[view_item.request_index]
        .url.startswith("https://www.google-analytics.com/g/collect")
    )


def test_cookies_data_layer_and_console_errors(visits: dict[str, PageVisit]) -> None:
    visit = visits["/transports/"]
    cookies = {c.name: c for c in visit.cookies}
    assert cookies["_ga"].value == "GA1.1.1111.2222", "identifier cookie values are kept"
    assert cookies["session_pref"].value is None, "other cookie values are not stored"
    assert ["consent", "default", {"ad_storage": "denied", "analytics_storage": "granted"}] in (
        visit.data_layer
    )
    assert any(e.get("event") == "view_item" for e in visit.data_layer if isinstance(e, dict))
    assert "capture-site: deliberate console error" in visit.console_errors


def test_csp_blocked_requests_are_decoded_and_marked_never_sent(
    visits: dict[str, PageVisit],
) -> None:
    visit = visits["/csp/"]
    blocked = [r for r in visit.requests if r.failure == "csp"]
    assert {urlsplit(r.url).hostname for r in blocked} == {
        "www.google-analytics.com",
        "www.facebook.com",
    }
    assert {v["directive"] for v in visit.csp_violations} == {"connect-src", "img-src"}
    assert {(h.provider, h.blocked) for h in visit.hits} == {("ga4", "csp"), ("meta_pixel", "csp")}
    assert not any(h.left_page() for h in visit.hits)


def test_main_document_redirect_chain(visits: dict[str, PageVisit], site: SiteServer) -> None:
    visit = visits["/go/start"]
    assert [(urlsplit(h.url).path, h.status) for h in visit.hops] == [
        ("/go/start", 301),
        ("/go/mid", 302),
        ("/landing/", 200),
    ]
    assert visit.hops[0].location == "/go/mid"
    assert visit.final_url == site.url("/landing/")


def test_late_beacon_is_caught_by_the_quiet_period(visits: dict[str, PageVisit]) -> None:
    events = [(h.event, h.params.get("transaction_id")) for h in visits["/late/"].hits]
    assert ("purchase", "T-1") in events


def test_a_tag_delayed_by_a_blocked_main_thread_is_waited_for(visits) -> None:
    """The network is quiet for longer than the quiet period only because the page has not
    had its turn: settling asks the page to run its overdue timers before it counts."""
    visit = visits["/stalled/"]
    assert [(h.provider, h.event) for h in visit.hits] == [("ga4", "sign_up")]


def test_beacons_sent_while_leaving_the_page_belong_to_it(visits: dict[str, PageVisit]) -> None:
    events = [(h.provider, h.event) for h in visits["/unload/"].hits]
    assert events == [("ga4", "user_engagement")]


def test_preflighted_credentialed_hits_are_granted_and_recorded(
    visits: dict[str, PageVisit],
) -> None:
    """A JSON fetch with credentials and a custom header, and a JSON Blob beacon on page hide
    (Optimizely's last batch): each needs a preflight whose answer grants the headers it
    asked for, or its POST never follows and the hit is lost without a word."""
    visit = visits["/preflight/"]
    host = "collect.nobody-catalogued.example"
    posts = [r for r in visit.requests if r.method == "POST" and urlsplit(r.url).hostname == host]
    events = sorted(json.loads(r.post_data or "{}")["events"][0]["event"] for r in posts)
    assert events == ["page_view", "purchase"]
    assert all(r.answered_locally for r in posts)
    answered = [e for e in visit.data_layer if e.get("event") == "answered"]
    assert answered == [{"event": "answered", "ok": True}]


def test_a_batch_held_for_a_short_timer_is_waited_for(visits: dict[str, PageVisit]) -> None:
    """The page's quiet period (800 ms here) ends before the SDK's 1.2 s timer: leaving waits
    for the timeouts due soon (`timings.timers_ms`; none on a machine so slow that the
    timer had fired by then)."""
    visit = visits["/timer-batch/"]
    host = "collect.nobody-catalogued.example"
    posts = [r for r in visit.requests if r.method == "POST" and urlsplit(r.url).hostname == host]
    assert [json.loads(r.post_data or "{}")["batch"][0]["event"] for r in posts] == ["purchase"]


class CountingSink(BaseHTTPRequestHandler):
    """A collector on 127.0.0.1 that counts every request reaching it (`server.served`)."""

    def do_POST(self) -> None:
        self.server.served.append(self.path)  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_real_unload_does_not_deliver_tracking_beacons(
    site: SiteServer, chromium_path: str
) -> None:
    """Unload beacons bypass Playwright's routes; tagaudit records them on a simulated
    leave and mutes the real unload, so the collector never hears from the page."""
    sink = LoopbackServer(CountingSink).start()
    collector = {
        "id": "local_collector",
        "name": "Local collector",
        "endpoints": [{"kind": "hit", "hosts": ["127.0.0.1"], "paths": ["^/sink$"]}],
    }
    sink_url = sink.url("/sink")
    urls = [site.url(f"/unload-sink/?sink={sink_url}"), site.url("/landing/")]
    try:
        config = {"providers": [collector]}
        visit = run(urls, chromium_path, config=config, concurrency=1, quiet_ms=300)[0]
    finally:
        sink.close()
    recorded = sorted(h.params.get("e") for h in visit.hits)
    assert recorded == ["hidden", "pagehide"]
    assert sink.served == []


def test_a_page_that_never_goes_quiet_is_bounded(visits: dict[str, PageVisit]) -> None:
    visit = visits["/busy/"]
    assert visit.error is None
    assert visit.timings["total_ms"] < 2500 + 1500


def test_http_errors_are_statuses_not_crashes(visits: dict[str, PageVisit]) -> None:
    assert visits["/missing/"].status == 404
    assert visits["/missing/"].error is None


def test_unreachable_and_hanging_pages_become_page_errors(chromium_path: str) -> None:
    """A 5 s page timeout: with 2 s, a loaded machine spent it all on a refused page."""
    refused_at = refused_url()  # a port nobody listens on
    with silent_socket() as silent:  # accepts connections, never answers
        hanging = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        done = run([refused_at, hanging], chromium_path, page_timeout=5.0)
    refused, hung = done
    assert refused.error == f"net::ERR_CONNECTION_REFUSED at {refused_at}"
    # Playwright's load timeout, or the visit's own limit when a loaded machine reaches it first
    assert hung.error and ("Timeout" in hung.error or "did not finish within 5 s" in hung.error)
    assert hung.timings["total_ms"] < 10_000  # its page timeout, not the default 30 s


@pytest.mark.parametrize("isolation", ["reuse", "context"])
def test_each_target_starts_with_clean_state(
    site: SiteServer, chromium_path: str, isolation: str
) -> None:
    urls = [site.url("/isolation/?first"), site.url("/isolation/?second")]
    done = run(urls, chromium_path, concurrency=1, quiet_ms=300, isolation=isolation)
    for visit in done:
        (found,) = [e["found"] for e in visit.data_layer if e.get("event") == "found"]
        assert found == {"cookie": "", "local": None, "session": None, "idb": None}, visit.url


def test_a_reused_tab_is_replaced_after_its_share_of_targets(
    site: SiteServer, chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Playwright keeps every request of a page until it closes: a tab serves a bounded
    number of targets (browser/visitor.py), and the next one still starts clean."""
    monkeypatch.setattr(visitor, "TARGETS_PER_TAB", 2)
    opened: list[Tab] = []
    open_tab = PageEngine.open_tab

    async def counted(self: PageEngine, *args: object, **kwargs: object) -> Tab:
        opened.append(await open_tab(self, *args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(PageEngine, "open_tab", counted)
    urls = [site.url(f"/isolation/?{n}") for n in range(5)]
    done = run(urls, chromium_path, concurrency=1, quiet_ms=300)
    assert len(opened) == 3  # targets 1-2, 3-4, 5
    assert len(done) == 5
    for visit in done:
        (found,) = [e["found"] for e in visit.data_layer if e.get("event") == "found"]
        assert found == {"cookie": "", "local": None, "session": None, "idb": None}, visit.url
