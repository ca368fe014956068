"""Loading one target page and turning what it did into a PageVisit with decoded hits.

Isolation: every target must start with no cookies, storage or cache from the previous one.
A fresh context per target is the obvious way but costs a new renderer each time; the
default `reuse` mode keeps one context and page per worker and wipes its state between
targets instead (cookies, every origin's storage, the HTTP cache, sessionStorage of the tab),
which the benchmark shows is several times cheaper. `context` mode is kept for comparison
and for scenarios that need a pristine context (consent).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, CDPSession, Page, Response
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.capture import Recorder, decode_hits
from tagaudit.browser.leaving import simulate_leave
from tagaudit.browser.session import BrowserSession
from tagaudit.consent.builtin import DETECT_ALL
from tagaudit.model import Hop, PageVisit

ISOLATION_MODES = ("reuse", "context")
LEAVE_QUIET_MS, LEAVE_MAX_WAIT_MS = 30, 300
READ_LINKS = "() => Array.from(document.links, (a) => a.href)"


@dataclass
class VisitSettings:
    """Per-page waits: load timeout, the quiet period for late beacons, a hard cap."""

    page_timeout: float = 30.0
    quiet_ms: int = 800
    max_wait_ms: int = 5000
    isolation: str = "reuse"
    collect_links: bool = False
    detect_banner: bool = True


async def redirect_hops(response: Response | None) -> list[Hop]:
    """The main document's HTTP redirect chain, first hop first, ending at the final URL."""
    if response is None:
        return []
    chain = []
    request = response.request.redirected_from
    while request is not None:
        chain.append(request)
        request = request.redirected_from
    hops = []
    for earlier in reversed(chain):
        hop_response = await earlier.response()
        hops.append(
            Hop(
                url=earlier.url,
                status=hop_response.status if hop_response else None,
                location=(await hop_response.header_value("location")) if hop_response else None,
            )
        )
    hops.append(Hop(url=response.url, status=response.status))
    return hops


class Worker:
    """Loads targets one after another in its own isolated page."""

    def __init__(self, session: BrowserSession, settings: VisitSettings) -> None:
        self.session, self.settings = session, settings
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._origins: set[str] = set()
        self._cdp: CDPSession | None = None

    async def close(self) -> None:
        if self._context is not None:
            await _quietly(self._context.close())
            self._context = self._page = self._cdp = None

    async def visit(self, url: str) -> tuple[PageVisit, list[str]]:
        """Load `url` and capture it; returns the PageVisit and the page's links (if asked)."""
        context, page = await self._fresh_page()
        recorder = await Recorder(context, page).start()
        links: list[str] = []
        try:
            visit = await self._load(page, recorder, url)
            if self.settings.collect_links and not visit.error:
                links = await _quietly(page.evaluate(READ_LINKS), [])
            if self.settings.detect_banner and not visit.error:
                visit.consent = await detect_banner(page)
            await self._leave(page, recorder, visit)
        finally:
            recorder.stop()
            self._origins.update(
                _origin(r.url) for r in recorder.requests if r.resource_type == "document"
            )
        visit.hits = decode_hits(visit, self.session.settings.catalog)
        return visit, links

    async def _leave(self, page: Page, recorder: Recorder, visit: PageVisit) -> None:
        """Play the visitor leaving while still recording: page-hide beacons (GA4's
        user_engagement, many unload pings) belong to this target (browser/leaving.py).

        A short quiet period lets their requests show up, and `settle` also waits until
        those in flight are answered: navigating away first would abort them.
        """
        seen = len(recorder.requests)
        if visit.error is None:
            await simulate_leave(page)
            recorder.touch()
            await recorder.settle(LEAVE_QUIET_MS, LEAVE_MAX_WAIT_MS, catch_up=False)
        await _quietly(page.goto("about:blank", timeout=5000))
        visit.requests.extend(recorder.requests[seen:])

    async def _load(self, page: Page, recorder: Recorder, url: str) -> PageVisit:
        settings = self.settings
        error, response = None, None
        began = time.monotonic()
        try:
            response = await asyncio.wait_for(
                page.goto(url, wait_until="load", timeout=settings.page_timeout * 1000),
                timeout=settings.page_timeout + 5,
            )
        except (PlaywrightError, asyncio.TimeoutError) as problem:
            error = _first_line(problem) or f"page did not load within {settings.page_timeout:g} s"
        loaded = time.monotonic()
        if error is None:
            await recorder.settle(settings.quiet_ms, settings.max_wait_ms)
        visit = await recorder.snapshot(page, patience=3.0 if error is None else 0.5)
        visit.url, visit.final_url, visit.error = url, page.url, error
        visit.status = response.status if response else None
        visit.hops = await _quietly(redirect_hops(response), [])
        visit.timings = {
            "load_ms": round((loaded - began) * 1000, 1),
            "total_ms": round((time.monotonic() - began) * 1000, 1),
        }
        return visit

    async def _fresh_page(self) -> tuple[BrowserContext, Page]:
        if self.settings.isolation == "context" or self._page is None:
            await self.close()
            self._context = await self.session.new_context()
            self._page = await self._context.new_page()
            self._origins.clear()
        else:
            await self._wipe(self._context, self._page)
        assert self._context is not None and self._page is not None
        return self._context, self._page

    async def _wipe(self, context: BrowserContext, page: Page) -> None:
        """Forget everything the previous target left: as if this were a new context.

        The tab is already on about:blank (see `_leave`). Storage (local, session,
        IndexedDB, cache storage, service workers) only exists for origins that had a
        document, so only those are cleared; `storageTypes: all` covers the tab's
        sessionStorage too (tests/e2e/test_capture.py fails without it). Cookies go at once.
        """
        await context.clear_cookies()
        if self._cdp is None:
            self._cdp = await context.new_cdp_session(page)
        for origin in sorted(o for o in self._origins if o):
            params = {"origin": origin, "storageTypes": "all"}
            await _quietly(self._cdp.send("Storage.clearDataForOrigin", params))
        await _quietly(self._cdp.send("Network.clearBrowserCache"))
        self._origins.clear()


async def detect_banner(page: Page) -> dict[str, object]:
    """Which known consent banner (CMP) the page shows, from the built-in CMP catalog.

    One evaluate, so every plain visit can afford it: the audit command runs the consent
    scenarios for pages where a visible banner was found (DESIGN.md, `--consent` default).
    """
    found = await _quietly(asyncio.wait_for(page.evaluate(DETECT_ALL), 3.0), []) or []
    visible = [f for f in found if f.get("visible")]
    if not found:
        return {}
    first = (visible or found)[0]
    return {"banner": {"cmp": first.get("id"), "visible": bool(visible)}}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def _first_line(problem: BaseException) -> str:
    """The browser's one-line reason, without Playwright's `Page.goto: ` prefix."""
    text = str(problem).strip()
    line = text.splitlines()[0][:300] if text else ""
    return line.removeprefix("Page.goto: ")


async def _quietly(awaitable, fallback=None):  # type: ignore[no-untyped-def]
    """Await and swallow browser errors: used for best-effort clean-up and optional reads."""
    try:
        return await awaitable
    except (PlaywrightError, asyncio.TimeoutError):
        return fallback
