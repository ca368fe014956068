"""Playwright side of the link checker: load a campaign link in Chromium, see where it lands.

Implements `tagaudit.links.navigator.LinkNavigator` structurally (it does not import links).
It runs on the page engine (browser/page.py) of the run's one browser: tracking hits are
answered locally (nothing leaves the machine, unload beacons included), requests and cookies
are recorded and decoded with the run's catalog. What is particular to links lives here:
main-frame navigations become hops (`http` when Chromium followed a redirect, `meta` when
the page carried a refresh tag, `js` otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PwRequest

from tagaudit.browser.page import PageEngine
from tagaudit.model import Hop, PageVisit

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
    """Loads links on the run's page engine: `await navigator.visit(url, timeout=…, settle=…)`."""

    def __init__(self, engine: PageEngine) -> None:
        self.engine = engine

    async def visit(self, url: str, *, timeout: float = 15.0, settle: float = 1.0) -> PageVisit:
        """Load `url`, wait until navigations settle, and report hops, hits and cookies."""
        navigations = Navigations()

        async def prepare(context: BrowserContext) -> None:
            await context.expose_binding("__tagauditRefresh", navigations.saw_refresh)
            await context.add_init_script(REFRESH_SPY)

        tab = await self.engine.open_tab(prepare=prepare)
        try:
            navigations.watch(tab.page)
            loaded = await tab.load(url, timeout=timeout)
            error = loaded.error
            if error is None:
                await navigations.settle(settle, timeout)
                settings = self.engine.settings
                await tab.settle(settings.landing_quiet_ms, settings.landing_max_wait_ms)
            visit = await tab.snapshot(patience=3.0 if error is None else 0.5)
            tab.stop_recording()
            visit.url, visit.error = url, error
            visit.hops = await navigations.hops()
            visit.final_url = tab.page.url if tab.page.url != "about:blank" else None
            visit.status = visit.hops[-1].status if visit.hops else None
            tab.decode(visit)
        finally:
            await tab.close()
        return visit


class Navigations:
    """Collects one page's main-frame navigations (the hops a browser sees)."""

    def __init__(self) -> None:
        self.page: Page | None = None
        self.navigations: list[PwRequest] = []
        self.last_navigation = time.monotonic()
        # Documents that carried a meta refresh, reported by REFRESH_SPY as the parser
        # inserts the tag (a response body may be gone once the page has moved on).
        self.refreshing: set[str] = set()

    def watch(self, page: Page) -> None:
        self.page = page
        page.on("request", self._on_request)

    def stop(self) -> None:
        if self.page is not None:
            self.page.remove_listener("request", self._on_request)

    def _on_request(self, request: PwRequest) -> None:
        assert self.page is not None
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigations.append(request)
            self.last_navigation = time.monotonic()

    def saw_refresh(self, source: Any, url: str) -> None:
        self.refreshing.add(url.split("#", 1)[0])

    async def settle(self, quiet: float, timeout: float) -> None:
        """Wait until no main-frame navigation started for `quiet` seconds (or timeout)."""
        assert self.page is not None
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
