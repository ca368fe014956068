"""Playwright side of the link checker: load a campaign link in Chromium, see where it lands.

Implements `tagaudit.links.navigator.LinkNavigator` structurally (it does not import links).
Each visit gets a fresh context; main-frame navigations become hops (`http` when Chromium
followed a redirect, `meta` when the page carried a refresh tag, `js` otherwise); requests to
vendor collection endpoints are answered locally with 204 (nothing leaves the machine) and
decoded into TagHits by `tagaudit.providers`; cookie names (never values) are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from playwright.async_api import Browser, Page, Route, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PwRequest

from tagaudit.errors import EnvironmentProblem
from tagaudit.model import Cookie, Hop, PageVisit, Request, TagHit

LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-blink-features=AutomationControlled",
)
# Runs first in every document: report a <meta http-equiv=refresh> as soon as it is parsed.
REFRESH_SPY = """
new MutationObserver((changes, observer) => {
  if (document.querySelector('meta[http-equiv="refresh" i]')) {
    observer.disconnect();
    window.__tagauditRefresh(location.href);
  }
}).observe(document, {childList: true, subtree: true});
"""


def _is_collection(url: str) -> bool:
    try:
        from tagaudit.providers import is_collection_endpoint
    except ImportError:  # providers not installed: answer GA4-style endpoints at least
        return "/g/collect" in url or "/collect?" in url or "facebook.com/tr" in url
    return bool(is_collection_endpoint(url))


def _decode(request: Request) -> list[TagHit]:
    try:
        from tagaudit.providers import decode_request
    except ImportError:
        return []
    try:
        return list(decode_request(request))
    except Exception:  # one undecodable hit must not lose the visit (guarded collector)
        return []


class PlaywrightLinkNavigator:
    """`async with PlaywrightLinkNavigator(path) as nav: visit = await nav.visit(url, …)`."""

    def __init__(self, executable_path: str | None = None, headless: bool = True) -> None:
        self.executable_path = executable_path
        self.headless = headless
        self._pw: Any = None
        self._browser: Browser | None = None

    async def __aenter__(self) -> PlaywrightLinkNavigator:
        try:
            self._pw = await async_playwright().start()
            self._browser = await self._pw.chromium.launch(
                executable_path=self.executable_path, headless=self.headless, args=LAUNCH_ARGS
            )
        except PlaywrightError as problem:
            await self.__aexit__()
            first = str(problem).strip().splitlines()[0] if str(problem).strip() else "unknown"
            raise EnvironmentProblem(f"cannot start Chromium for link checks: {first}") from None
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            await self._browser.close()
            self._browser = None
        if self._pw is not None:
            await self._pw.stop()
            self._pw = None

    async def visit(self, url: str, *, timeout: float = 15.0, settle: float = 1.0) -> PageVisit:
        """Load `url`, wait until navigations settle, and report hops, hits and cookies."""
        assert self._browser is not None, "use PlaywrightLinkNavigator as an async context"
        visit = PageVisit(url=url)
        context = await self._browser.new_context()
        try:
            page = await context.new_page()
            recorder = _Recorder(page)
            await context.expose_binding("__tagauditRefresh", recorder.saw_refresh)
            await context.add_init_script(REFRESH_SPY)
            await context.route("**/*", recorder.route)
            try:
                await page.goto(url, wait_until="load", timeout=timeout * 1000)
                await recorder.settle(settle, timeout)
            except PlaywrightError as problem:
                visit.error = str(problem).strip().splitlines()[0]
            visit.hops = await recorder.hops()
            visit.final_url = page.url if page.url != "about:blank" else None
            visit.status = visit.hops[-1].status if visit.hops else None
            visit.requests, visit.hits = recorder.requests, recorder.hits
            visit.cookies = [
                Cookie(name=c["name"], domain=c["domain"], path=c["path"])
                for c in await context.cookies()
            ]
        finally:
            await context.close()
        return visit


class _Recorder:
    """Collects one page's main-frame navigations and tracking hits."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.navigations: list[PwRequest] = []
        self.requests: list[Request] = []
        self.hits: list[TagHit] = []
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

    async def route(self, route: Route) -> None:
        request = route.request
        if not _is_collection(request.url):
            await route.fallback()
            return
        recorded = Request(
            url=request.url,
            method=request.method,
            resource_type=request.resource_type,
            post_data=request.post_data,
            status=204,
            answered_locally=True,
        )
        self.requests.append(recorded)
        for hit in _decode(recorded):
            hit.request_index = len(self.requests) - 1
            self.hits.append(hit)
        await route.fulfill(status=204, body=b"", headers={"Access-Control-Allow-Origin": "*"})

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
