"""Playwright side of the link checker: load a campaign link in Chromium, see where it lands.

Implements `tagaudit.links.navigator.LinkNavigator` structurally (it does not import links).
It is built on the audit's own parts: `BrowserSession` finds and launches Chromium and
answers tracking hits locally (nothing leaves the machine, unload beacons included), and the
capture `Recorder` records requests and cookies, decoded by `decode_hits`. What is particular
to links lives here: main-frame navigations become hops (`http` when Chromium followed a
redirect, `meta` when the page carried a refresh tag, `js` otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Request as PwRequest

from tagaudit.browser.capture import Recorder, decode_hits
from tagaudit.browser.session import BrowserSession, SessionSettings
from tagaudit.model import Hop, PageVisit

# After the last navigation: a short network quiet period, and hits still in flight answered.
HIT_QUIET_MS, HIT_MAX_WAIT_MS = 200, 2000
# Runs first in every document: report a <meta http-equiv=refresh> as soon as it is parsed.
REFRESH_SPY = """
new MutationObserver((changes, observer) => {
  if (document.querySelector('meta[http-equiv="refresh" i]')) {
    observer.disconnect();
    window.__tagauditRefresh(location.href);
  }
}).observe(document, {childList: true, subtree: true});
"""


class PlaywrightLinkNavigator:
    """`async with PlaywrightLinkNavigator(path) as nav: visit = await nav.visit(url, …)`."""

    def __init__(self, executable_path: str | None = None, headless: bool = True) -> None:
        settings = SessionSettings(browser_path=executable_path, headless=headless)
        self._session = BrowserSession(settings)

    async def __aenter__(self) -> PlaywrightLinkNavigator:
        await self._session.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._session.__aexit__(*exc)

    async def visit(self, url: str, *, timeout: float = 15.0, settle: float = 1.0) -> PageVisit:
        """Load `url`, wait until navigations settle, and report hops, hits and cookies."""
        context = await self._session.new_context()
        try:
            page = await context.new_page()
            navigations = _Navigations(page)
            await context.expose_binding("__tagauditRefresh", navigations.saw_refresh)
            await context.add_init_script(REFRESH_SPY)
            recorder = await Recorder(context, page).start()
            error = None
            try:
                await page.goto(url, wait_until="load", timeout=timeout * 1000)
                await navigations.settle(settle, timeout)
                await recorder.settle(quiet_ms=HIT_QUIET_MS, max_wait_ms=HIT_MAX_WAIT_MS)
            except PlaywrightError as problem:
                error = str(problem).strip().splitlines()[0]
            visit = await recorder.snapshot(page, patience=3.0 if error is None else 0.5)
            recorder.stop()
            visit.url, visit.error = url, error
            visit.hops = await navigations.hops()
            visit.final_url = page.url if page.url != "about:blank" else None
            visit.status = visit.hops[-1].status if visit.hops else None
            visit.hits = decode_hits(visit)
        finally:
            await context.close()
        return visit


class _Navigations:
    """Collects one page's main-frame navigations (the hops a browser sees)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.navigations: list[PwRequest] = []
        self.last_navigation = time.monotonic()
        # Documents that carried a meta refresh, reported by REFRESH_SPY as the parser
        # inserts the tag (a response body may be gone once the page has moved on).
        self.refreshing: set[str] = set()
        page.on("request", self._on_request)

    def _on_request(self, request: PwRequest) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigations.append(request)
            self.last_navigation = time.monotonic()

    def saw_refresh(self, source: Any, url: str) -> None:
        self.refreshing.add(url.split("#", 1)[0])

    async def settle(self, quiet: float, timeout: float) -> None:
        """Wait until no main-frame navigation started for `quiet` seconds (or timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # A page that announced a meta refresh gets longer to act on it (slow machines).
            pending = self.page.url.split("#", 1)[0] in self.refreshing
            if time.monotonic() - self.last_navigation >= (max(quiet, 3.0) if pending else quiet):
                break
            await asyncio.sleep(0.05)
        with contextlib.suppress(PlaywrightError):
            await self.page.wait_for_load_state("load", timeout=max(0.1, quiet) * 1000)

    async def hops(self) -> list[Hop]:
        """Navigations → hops: redirected ones are `http`, the others client-side."""
        hops: list[Hop] = []
        for index, request in enumerate(self.navigations):
            response = await _response(request)
            hop = Hop(url=request.url, status=response.status if response else None)
            following = self.navigations[index + 1] if index + 1 < len(self.navigations) else None
            if following is not None:
                hop.location = following.url
                if following.redirected_from == request:
                    hop.via = "http"
                else:
                    seen = request.url.split("#", 1)[0] in self.refreshing
                    hop.via = "meta" if seen else "js"
            hops.append(hop)
        return hops


async def _response(request: PwRequest) -> Any:
    try:
        return await request.response()
    except PlaywrightError:
        return None
