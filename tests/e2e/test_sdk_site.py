"""Vendors' own SDKs (fixtures/sdk-site, unmodified from npm) decode to exactly what they send.

A plain Playwright script of its own (not tagaudit's crawler): each SDK page is loaded in real
headless Chromium, every request to the vendor's hosts is collected with its bytes
(`post_data_buffer`), read with `read_body` and decoded with `decode_request` + `link_aux`, and
the decoded (provider, account, event) set must equal what the page sends — strict both ways —
with no `_undecoded` marker and no unreadable body.

How the queued events are flushed (measured, fixtures/sdk-site/MEASUREMENTS.md): after the
load-time requests have gone quiet, the page is left by a real navigation. Whatever an SDK
sends while unloading (a batch still queued) bypasses
`context.route()`; it is caught by the loopback sink (fixtures/sdk-site/sink.py), which
Chromium reaches through a PAC script for every non-loopback host. So nothing leaves the
machine: vendor requests are answered either by the route or by the sink, both on 127.0.0.1.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tagaudit.model import Request, TagHit
from tagaudit.providers import decode_request, link_aux, read_body
from tests.e2e.sdk_expected import EXPECTED, NODE_MODULES, _answer, _load, may_send_on_leave

pytestmark = pytest.mark.e2e
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-blink-features=AutomationControlled",  # else PostHog drops a "bot"'s events
]
VENDOR_HOSTS = (
    "posthog.com",
    "mixpanel.com",
    "amplitude.com",
    "segment.io",
    "segment.com",
    "rudderstack.com",
    "rudderlabs.com",
    "snplow.net",
    "adobedc.net",
    "demdex.net",
    "datadoghq.com",
    "browser-intake-datadoghq.com",
    "shop.example",
    "prodregistryv2.org",
    "featureassets.org",
    "launchdarkly.com",
    "grafana.net",
    "clarity.ms",
)


@pytest.fixture(scope="module")
def sdk_site() -> Iterator[Any]:
    assert (NODE_MODULES / "posthog-js").is_dir(), (
        "node_modules missing: run scripts/ensure-node-helpers (make does; it needs npm)"
    )
    with _load("serve").SdkSite() as site:
        yield site


def _is_vendor(url: str) -> bool:
    host = url.split("/")[2] if "://" in url else ""
    return any(host == h or host.endswith("." + h) for h in VENDOR_HOSTS)


class Recorder:
    """Vendor requests seen by the route, as model Requests read with read_body."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.last = time.monotonic()

    def add(self, url: str, method: str, headers: dict[str, str], raw: bytes | None) -> None:
        body = read_body(raw, headers, url)
        fields = body.request_fields() if raw else {}
        self.requests.append(Request(url=url, method=method, headers=headers, **fields))
        self.last = time.monotonic()

    def on_route(self, route: Any) -> None:
        request = route.request
        if not _is_vendor(request.url):
            route.continue_()
            return
        self.add(request.url, request.method, dict(request.headers), request.post_data_buffer)
        status, text, ctype = _answer(request.url)
        origin = request.headers.get("origin") or "*"
        cors = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"}
        route.fulfill(status=status, body=text, content_type=ctype, headers=cors)


class Lab:
    """One headless Chromium behind the loopback sink, shared by the module's tests."""

    def __init__(self, chromium_path: str) -> None:
        from playwright.sync_api import sync_playwright

        self.sink = _load("sink").Sink(_answer)
        self._pw = sync_playwright().start()
        # Every non-loopback host goes to the sink, not only the vendors': Chromium itself
        # calls Google at start-up (MEASUREMENTS.md), and a test never reaches the network.
        args = [*LAUNCH_ARGS, *self.sink.launch_args(None)]
        self.browser = self._pw.chromium.launch(executable_path=chromium_path, args=args)
        self.keeper = self.browser.new_page()  # waiting on it pumps Playwright's events
        agent = self.keeper.evaluate("navigator.userAgent")
        self.agent = agent.replace("HeadlessChrome", "Chrome")

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()
        self.sink.close()


@pytest.fixture(scope="module")
def lab(chromium_path: str) -> Iterator[Lab]:
    shared = Lab(chromium_path)
    yield shared
    shared.close()


# How long each page must stay quiet before it is left: longer than the SDK's flush timer
# for what it does not flush on leaving (Amplitude 1 s, Mixpanel's /engage 5 s), measured.
QUIET = {"mixpanel": 6.5, "posthog": 4.5, "amplitude": 3.5, "launchdarkly": 3.5}


def _visit(lab: Lab, site: Any, sdk: str) -> list[Request]:
    recorder = Recorder()
    lab.sink.requests.clear()
    context = lab.browser.new_context(user_agent=lab.agent)
    try:
        context.route("**/*", recorder.on_route)
        page = context.new_page()
        page.goto(site.url(f"/{sdk}/"))
        page.wait_for_function("window.fixtureReady === true")
        _wait_quiet(lab.keeper, recorder, QUIET.get(sdk, 2.5))
        page.goto(site.url("/"))  # a real leave: the SDK's unload flush goes to the sink
        lab.keeper.wait_for_timeout(1500)
    finally:
        context.close()
    for sunk in list(lab.sink.requests):
        if _is_vendor(sunk.url):
            recorder.add(sunk.url, sunk.method, sunk.headers, sunk.body)
    return recorder.requests


def _wait_quiet(keeper: Any, recorder: Recorder, quiet: float, limit: float = 25) -> None:
    """Until no vendor request for `quiet` seconds, or `limit` seconds in all."""
    start = time.monotonic()
    recorder.last = start
    while time.monotonic() - start < limit and time.monotonic() - recorder.last < quiet:
        keeper.wait_for_timeout(250)  # pumps Playwright's events (the sync API needs a call)


def _decoded(requests: list[Request]) -> list[TagHit]:
    hits: list[TagHit] = []
    for index, request in enumerate(requests):
        for hit in decode_request(request):
            hit.request_index = index
            hits.append(hit)
    return link_aux(hits)


@pytest.mark.parametrize("sdk", sorted(EXPECTED))
def test_every_event_the_sdk_sends_is_decoded(sdk_site: Any, lab: Lab, sdk: str) -> None:
    requests = _visit(lab, sdk_site, sdk)
    hits = [h for h in _decoded(requests) if h.kind == "hit"]
    decoded = {(h.provider, h.account, h.event) for h in hits}
    wanted = EXPECTED[sdk]
    assert wanted <= decoded <= wanted | may_send_on_leave(sdk), (
        f"{sdk} sent {sorted(map(str, decoded))}"
    )
    undecoded = [(h.event, h.params["_undecoded"]) for h in hits if "_undecoded" in h.params]
    assert not undecoded
    unread = [r.url for r in requests if (r.body_encoding or "").startswith("unreadable")]
    assert not unread
