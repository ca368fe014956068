"""Playwright side of the link checker: load a campaign link in Chromium, see where it lands.

Implements `tagaudit.links.navigator.LinkNavigator` structurally (it does not import links).
It runs on the page engine (browser/page.py) of the run's one browser: tracking hits are
answered locally (nothing leaves the machine, unload beacons included), requests and cookies
are recorded and decoded with the run's catalog. What is particular to links lives here:
main-frame navigations become hops (`http` when Chromium followed a redirect, `meta` when
the page carried a refresh tag, `js` otherwise), and the landing meets its consent banner
as an audited page does (a choice made by the caller's LandingChoice), so tags that wait
for consent are seen after it, and a visit that made no choice says so.

Every wait is bounded: a landing that redirects itself without end (JavaScript) stops being
watched after `MAX_NAVIGATIONS` navigations, and a whole visit gives up after its timeout
plus the settle time, keeping what it saw (tests/hostile: before, a JavaScript loop once
held a run for ten minutes and 9,190 navigations).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any, Protocol

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PwRequest

from tagaudit.browser.page import HARD_LIMIT_GRACE, PageEngine, Tab
from tagaudit.browser.session import BrowserLost
from tagaudit.model import KEPT_NAVIGATING, ConsentRecord, Hop, PageVisit

# Main-frame navigations watched per landing: far past any honest redirect chain.
MAX_NAVIGATIONS = 50
# A landing is quiet when no navigation started for its settle time, and for this many times
# the longest gap between two of its navigations so far: a busy machine stretches a redirect
# loop's gaps past the settle time (3 of 4 loops were `ok` beside two busy processes), and
# stretches them all alike.
LOOP_GAPS = 3.0
# Network quiet after the choice on a landing's banner: longer than Consent Mode's usual
# wait_for_update (500 ms), as a consent scenario waits (ConsentSettings.min_quiet_ms).
AFTER_CHOICE_QUIET_MS = 800
AFTER_CHOICE_FIRST_S = 5.0  # at most, for the first request of the tags that waited

# Runs first in every document: report a <meta http-equiv=refresh> as soon as it is parsed.
REFRESH_SPY = """
new MutationObserver((changes, observer) => {
  if (document.querySelector('meta[http-equiv="refresh" i]')) {
    observer.disconnect();
    window.__tagauditRefresh(location.href);
  }
}).observe(document, {childList: true, subtree: true});
"""
# Runs first in every document: note when it asked to go to another document (Navigation
# API `navigate`: a script's location.replace, a form, a link), so a document that asked
# to leave is not taken for the landing while the browser has not yet started that request.
LEAVE_SPY = """
if (window.navigation) {
  navigation.addEventListener('navigate', (event) => {
    if (!event.destination.sameDocument) window.__tagauditAskedToLeave = Date.now();
  });
}
"""
# The page's document now: still parsing? And how long ago it asked to leave (0: never).
LANDED_STATE = """() => [document.readyState,
  window.__tagauditAskedToLeave ? Date.now() - window.__tagauditAskedToLeave : 0]"""
# Seconds before a landing's deadline from which a page that does not answer, or is still
# parsing, is taken as landed all the same (a landing that is merely busy).
LAST_LOOK_S = 2.5


class LandingChoice(Protocol):
    """What a landing needs of a consent engine, given by the caller (the runner passes
    tagaudit.consent.engines.LandingConsent): the browser side chooses no engine itself."""

    choice: str

    async def prepare(self, context: BrowserContext) -> None:
        """Get the landing's context ready before its page opens."""

    async def choose(self, page: Page) -> ConsentRecord:
        """Look for the banner on `page` and make the choice on it; what was seen and done."""


class PlaywrightLinkNavigator:
    """Loads links on the run's page engine: `await navigator.visit(url, timeout=…, settle=…)`.

    `consent` makes one LandingChoice per landing: the landing meets its consent banner as
    an audited page does (the choice is made, the tags that waited for it get their time),
    and the visit records the state it reached (`visit.reached.consent`).
    """

    def __init__(
        self, engine: PageEngine, consent: Callable[[], LandingChoice] | None = None
    ) -> None:
        self.engine = engine
        self.consent = consent

    async def visit(self, url: str, *, timeout: float = 15.0, settle: float = 1.0) -> PageVisit:
        """Load `url`, wait until navigations settle, and report hops, hits and cookies.

        Raises BrowserLost when the run's browser is gone (the run stops, DESIGN.md exit 3).
        """
        lost = self.engine.session.lost
        if lost:
            raise BrowserLost(lost)
        navigations = Navigations()
        landing = self.consent() if self.consent is not None else None

        async def prepare(context: BrowserContext) -> None:
            await context.expose_binding("__tagauditRefresh", navigations.saw_refresh)
            await context.add_init_script(REFRESH_SPY + LEAVE_SPY)
            if landing is not None:
                await landing.prepare(context)

        tab = await self.engine.open_tab(prepare=prepare)
        # A landing's client-side redirects are hops to report, up to our own bound.
        tab.loop_limit = MAX_NAVIGATIONS
        limit = timeout + settle + HARD_LIMIT_GRACE + 5.0  # the load, the settle, the reads
        try:
            navigations.watch(tab.page)
            try:
                visit = await asyncio.wait_for(
                    self._look(tab, navigations, url, timeout, settle, landing), limit
                )
            except asyncio.TimeoutError:
                visit = await tab.salvage(url, limit, "the link's --timeout and settle time")
                visit.error = navigations.overflow() or visit.error
            tab.stop_recording()
            visit.hops = await _bounded(navigations.hops(), [])
            visit.final_url = tab.page.url if tab.page.url != "about:blank" else None
            visit.status = visit.hops[-1].status if visit.hops else None
            tab.decode(visit)
        finally:
            navigations.stop()
            await tab.close()
        if self.engine.session.lost:
            raise BrowserLost(self.engine.session.lost)
        return visit

    async def _look(
        self,
        tab: Tab,
        navigations: Navigations,
        url: str,
        timeout: float,
        settle: float,
        landing: LandingChoice | None = None,
    ) -> PageVisit:
        loading = asyncio.ensure_future(tab.load(url, timeout=timeout))
        looping = asyncio.ensure_future(navigations.until_overflow())
        await asyncio.wait({loading, looping}, return_when=asyncio.FIRST_COMPLETED)
        looping.cancel()
        if not loading.done():  # a loop never reaches `load`: no need to wait for the timeout
            loading.cancel()
            await asyncio.wait({loading})  # let it finish cancelling, without raising here
        loaded = None if loading.cancelled() else loading.result()
        error = navigations.overflow() or (loaded.error if loaded else None)
        if loaded is not None and loaded.error and navigations.moving(settle):
            error = navigations.restless(timeout)  # its `load` never came: it kept moving on
        record = None
        if error is None:
            settled = await navigations.settle(settle, timeout)
            settings = self.engine.settings
            await tab.settle(settings.landing_quiet_ms, settings.landing_max_wait_ms)
            error = navigations.overflow() or (None if settled else navigations.restless(timeout))
            if error is None and landing is not None:
                record = await self._meet_banner(tab, navigations, landing)
        visit = await tab.snapshot(patience=3.0 if error is None else 0.5)
        visit.url, visit.error = url, error
        if record is not None:
            visit.consent = record
            visit.scenario = landing.choice if record.is_scenario() else "none"
        return visit

    async def _meet_banner(
        self, tab: Tab, navigations: Navigations, landing: LandingChoice
    ) -> ConsentRecord:
        """The landing's banner and the choice made on it; the tags that waited for it get
        the landing's settle time. Navigations after the choice (a CMP that reloads) are
        the choice's doing, not the link's: they are not hops."""
        navigations.stop()
        before = len(tab.recorder.requests)
        record = await landing.choose(tab.page)
        if record.action:
            # The tags that waited for the choice load now: the first of their requests is
            # waited for (bounded: a landing whose tags did not wait sends none), then as
            # long a quiet period as a consent scenario gives them, bounded.
            settings = self.engine.settings
            with contextlib.suppress(PlaywrightError):
                await tab.page.wait_for_load_state("load", timeout=5000)
            await _until(lambda: len(tab.recorder.requests) > before, AFTER_CHOICE_FIRST_S)
            quiet = max(settings.landing_quiet_ms, AFTER_CHOICE_QUIET_MS)
            await tab.settle(quiet, max(settings.landing_max_wait_ms, settings.max_wait_ms))
        return record


async def _until(done: Callable[[], bool], seconds: float) -> None:
    """Return as soon as `done()` holds, or after `seconds`."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def _bounded(awaitable: Any, fallback: Any, seconds: float = 10.0) -> Any:
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except (asyncio.TimeoutError, PlaywrightError):
        return fallback


class Navigations:
    """Collects one page's main-frame navigations (the hops a browser sees)."""

    def __init__(self) -> None:
        self.page: Page | None = None
        self.navigations: list[PwRequest] = []
        self.seen = 0  # navigations seen, kept or not
        self.last_navigation = time.monotonic()
        self.longest_gap = 0.0  # between two navigations of this landing, seconds
        # Documents that carried a meta refresh, reported by REFRESH_SPY as the parser
        # inserts the tag (a response body may be gone once the page has moved on).
        self.refreshing: set[str] = set()

    def watch(self, page: Page) -> None:
        self.page = page
        page.on("request", self._on_request)

    def stop(self) -> None:
        if self.page is not None:
            self.page.remove_listener("request", self._on_request)
            self.page = None

    def _on_request(self, request: PwRequest) -> None:
        assert self.page is not None
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.seen += 1
            if len(self.navigations) < MAX_NAVIGATIONS:
                self.navigations.append(request)
            now = time.monotonic()
            if self.seen > 1:
                self.longest_gap = max(self.longest_gap, now - self.last_navigation)
            self.last_navigation = now

    async def until_overflow(self) -> None:
        while not self.overflow():
            await asyncio.sleep(0.05)

    def overflow(self) -> str | None:
        """Why the landing is not watched any further: it would not stop navigating."""
        if self.seen <= MAX_NAVIGATIONS:
            return None
        return (
            f"the page {KEPT_NAVIGATING} ({self.seen} navigations, the first "
            f"{MAX_NAVIGATIONS} kept): a client-side redirect loop"
        )

    def moving(self, quiet: float) -> bool:
        """Has the page navigated by itself, and lately (within `quiet` seconds)?"""
        return self.seen > 1 and time.monotonic() - self.last_navigation < quiet

    def restless(self, seconds: float) -> str:
        """Why a landing that never went quiet is not a landing: on a slow machine a loop may
        not reach MAX_NAVIGATIONS before the time is up, and it still never landed."""
        return (
            f"the page {KEPT_NAVIGATING} for {seconds:g} s ({self.seen} navigations, never "
            "quiet long enough to count as landed): a client-side redirect loop"
        )

    def saw_refresh(self, source: Any, url: str) -> None:
        self.refreshing.add(url.split("#", 1)[0])

    async def settle(self, quiet: float, timeout: float) -> bool:
        """Wait until no main-frame navigation started for `quiet` seconds: True, or False
        when `timeout` ran out (or the loop bound was passed) before it went quiet."""
        assert self.page is not None
        deadline = time.monotonic() + timeout
        settled = False
        while time.monotonic() < deadline and not self.overflow():
            # A page that announced a meta refresh gets longer to act on it (slow machines).
            pending = self.page.url.split("#", 1)[0] in self.refreshing
            needed = max(quiet, 3.0) if pending else quiet
            # (at most half the timeout: one deliberate pause, a 5 s meta refresh, still lands)
            needed = max(needed, min(LOOP_GAPS * self.longest_gap, timeout / 2))
            quiet_for = time.monotonic() - self.last_navigation
            if quiet_for >= needed and await self._landed(deadline, timeout / 2):
                settled = True
                break
            await asyncio.sleep(0.05)
        with contextlib.suppress(PlaywrightError):
            await self.page.wait_for_load_state("load", timeout=max(0.1, quiet) * 1000)
        return settled

    async def _landed(self, deadline: float, patience: float) -> bool:
        """Quiet is no proof on a starved machine: a loop's document may have fired `load`
        and not yet run the script that goes on (seen: a JavaScript loop judged "ok"
        beside two busy processes; tests/hostile `/js-redirect-stall/`). Not landed while
        the page's main thread does not answer, while its document is still parsing, or
        for `patience` s after it asked to leave (a navigation that never starts, a 204,
        lets it land); within LAST_LOOK_S of the deadline, a busy page lands."""
        assert self.page is not None
        seen, left = self.seen, deadline - time.monotonic()
        try:
            look = self.page.evaluate(LANDED_STATE)
            state, asked_ms = await asyncio.wait_for(look, max(0.1, min(2.0, left)))
        except asyncio.TimeoutError:
            return left < LAST_LOOK_S and self.seen == seen
        except PlaywrightError:  # its document went away: a navigation is under way
            return False
        if self.seen != seen or (state == "loading" and left >= LAST_LOOK_S):
            return False
        return not (asked_ms and asked_ms / 1000 < patience)

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
