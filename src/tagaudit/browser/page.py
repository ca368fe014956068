"""The page engine: open a page in a context, record, load, settle, snapshot, leave, decode.

Every caller that loads a page goes through a `Tab`: plain visits (browser/visitor.py),
consent scenarios (tagaudit.consent.scenarios), link landings (browser/link_navigator.py)
and journey steps. So they share one way of loading (bounded `goto`, errors as values), of
waiting for late beacons (`Recorder.settle`), of leaving (a real navigation away, its beacons
recorded at the edge: browser/leaving.py) and of decoding (the run's catalog, the user's
providers included), and one `PageSettings` reaches all of them. Every tab's page is attached
to the run's edge (browser/edge.py), which answers and records below the page what Playwright
cannot see.

    engine = PageEngine(session, PageSettings(quiet_ms=500))
    tab = await engine.open_tab()
    loaded = await tab.load("https://shop.example/")
    await tab.settle()
    visit = await tab.snapshot()
    await tab.leave(visit)
    tab.decode(visit)          # visit.hits, with CSP-blocked and failed hits marked
    await tab.close()

A journey cuts its recording into steps (browser/steps.py): `tab.step("cart")` labels what
follows, `tab.end_step()` and `await tab.read_step(state)` keep the page's state at the
step's end (cookies labelled with the step they were first seen in), `tab.step_visits()`
gives one decoded PageVisit per step; `tab.hits()` are the hits so far (cheap to poll) and
`await tab.screenshot()` pictures the page.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from playwright.async_api import BrowserContext, CDPSession, Page, Response
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.capture import PENDING_TIMERS, TIMER_HORIZON_MS, Recorder, keep_headers
from tagaudit.browser.leaving import leave_page, mark_let_through
from tagaudit.browser.queues import drained, queue_patterns
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import PageSettings
from tagaudit.browser.steps import Steps, StepState, screenshot
from tagaudit.browser.views import ViewTracker
from tagaudit.errors import first_line
from tagaudit.model import KEPT_NAVIGATING, HeldEvents, Hop, PageVisit, Request, TagHit
from tagaudit.providers import decode_requests

Prepare = Callable[[BrowserContext], Awaitable[None]]
# Documents a page may load by itself in one visit (meta refresh, `location`), HTTP redirect
# hops not counted, before it counts as a refresh or redirect loop.
NAVIGATION_LOOP = 8
# Seconds past `--page-timeout` for giving up on a target: its own goto timeout fires first,
# with the browser's reason, when only the load was slow.
HARD_LIMIT_GRACE = 1.0
# The calls whose `Page.goto: ` prefix a page's one-line load error drops (errors.first_line).
LOAD_CALLS = ("Page.goto", "Page.reload")
CLOSE_TIMEOUT = 10.0  # seconds for closing a page or context that misbehaved
# The events a tab forwards to its current recorder: (on the context or the page, event,
# the recorder's handler).
FEED = (
    ("context", "request", "on_request"),
    ("context", "response", "on_response"),
    ("context", "requestfailed", "on_failed"),
    ("page", "console", "on_console"),
    ("page", "pageerror", "on_page_error"),
)


@dataclass
class Loaded:
    """How a load went: the browser's reason when it failed, else the main response."""

    error: str | None = None
    response: Response | None = None
    began: float = 0.0
    loaded: float = 0.0

    @property
    def status(self) -> int | None:
        return self.response.status if self.response is not None else None


class PageEngine:
    """Opens recording tabs in the run's one browser, all with the same settings and catalog."""

    def __init__(self, session: BrowserSession, settings: PageSettings | None = None) -> None:
        self.session = session
        self.settings = settings or PageSettings()
        # The localStorage keys of batching SDKs, read on every leave (browser/queues.py).
        self.queue_patterns = queue_patterns(session.catalog)

    async def open_tab(
        self,
        context: BrowserContext | None = None,
        prepare: Prepare | None = None,
        base_url: str | None = None,
    ) -> Tab:
        """A page in `context` (a fresh one, closed with the tab, when None), recording.

        `prepare(context)` runs before the page opens (init scripts, bindings: a consent
        engine, the read-back probe); `base_url` lets the page's `goto("/path")` work.
        """
        owns = context is None
        options = {"base_url": base_url} if base_url else {}
        context = context or await self.session.new_context(**options)
        views = ViewTracker()
        try:
            if owns:
                await views.install(context)
            if prepare is not None:
                await prepare(context)
            page = await self.session.guarded(context.new_page())
        except BaseException:
            if owns:
                await quietly(context.close())
            raise
        tab = Tab(self, context, page, owns_context=owns, views=views)
        try:
            return await tab.start()
        except BaseException:
            await tab.close()
            raise


class Tab:
    """One page of one context, recording everything it does (see the module docstring)."""

    def __init__(
        self,
        engine: PageEngine,
        context: BrowserContext,
        page: Page,
        owns_context: bool,
        views: ViewTracker | None = None,
    ) -> None:
        self.engine, self.context, self.page = engine, context, page
        self.settings = engine.settings
        self.owns_context = owns_context
        # A tab that crashed or was given up on (`salvage`) must not load the next target.
        self.crashed = False
        self.broken = False
        self.loop_limit = NAVIGATION_LOOP  # a link landing allows more (link_navigator.py)
        page.on("crash", self._on_crash)
        self.recorder = Recorder(context, page, engine.session.catalog)
        self.edge_id: str | None = None  # the context's id at the edge (attached in start)
        self.cdp: CDPSession | None = None  # the page's own CDP session (wiping, frames)
        self.queued: dict[str, int] = {}  # events batching SDKs held at the last snapshot
        self.steps = Steps(self.recorder)
        self._hits: tuple[list[Request], int, list[TagHit]] | None = None
        # Single-page-app views: each new one labels the requests recorded after it.
        self.views = views or ViewTracker()
        self.views.on_view = self._new_view

    def _feed(self, name: str) -> Callable[[Any], None]:
        return lambda event: getattr(self.recorder, name)(event)

    def _new_view(self, url: str) -> None:
        self.recorder.view = url

    def _on_crash(self, page: Page) -> None:
        self.crashed = self.broken = True

    def self_navigations(self) -> int:
        """Documents the page loaded by itself after the first (HTTP redirects not counted)."""
        return max(0, self.recorder.documents - 1)

    def misbehaviour(self) -> str | None:
        """Why this page cannot be audited as loaded (it crashed, or it will not stop
        navigating: a refresh or redirect loop), said after "the page"; None if it behaved."""
        if self.crashed:
            return "crashed (its renderer ran out of memory or was killed)"
        loads = self.self_navigations()
        if loads >= self.loop_limit:
            return (
                f"{KEPT_NAVIGATING} ({loads} documents after the first): a refresh or redirect loop"
            )
        return None

    async def salvage(self, url: str, limit: float, what: str = "--page-timeout") -> PageVisit:
        """What was recorded of a target given up on after `limit` seconds, with no in-page
        reads but one short probe (its main thread may never answer again); the tab is
        broken from now on."""
        self.broken = True
        visit = PageVisit(url=url, final_url=self.page.url)
        visit.requests = list(self.recorder.requests)
        visit.console_errors = list(self.recorder.console_errors)
        document = next((r for r in visit.requests if r.navigation and r.status), None)
        visit.status = document.status if document else None
        late = f"did not finish within {limit:g} s ({what})"
        if document is not None and not self.crashed:
            answered = await quietly(asyncio.wait_for(self.page.evaluate("1"), 0.5))
            late = f"stopped responding: it {late}" if answered is None else f"{late}"
        visit.error = self.misbehaviour() or late
        return visit

    async def start(self) -> Tab:
        """Record, and have the edge hand this page's requests to the recorder.

        The page's events go to whichever recorder is current (`record_anew` swaps it):
        listeners are attached once per tab, not once per target."""
        for target, event, name in FEED:
            target_object = self.context if target == "context" else self.page
            target_object.on(event, self._feed(name))
        self.recorder.watch_queues(self.engine.queue_patterns)
        edge = self.engine.session.edge
        if edge is not None:
            attach = edge.attach(self.context, self.page, self.recorder)
            self.edge_id = await self.engine.session.guarded(attach)
            self.cdp = edge.pages[self.edge_id][-1]
        return self

    @property
    def phase(self) -> str | None:
        return self.recorder.phase

    @phase.setter
    def phase(self, value: str | None) -> None:
        self.recorder.phase = value

    def step(self, name: str) -> StepState:
        """From now on, what the page sends belongs to step `name` (browser/steps.py)."""
        return self.steps.begin(name, self.page.url)

    def end_step(self) -> StepState:
        """End the current step here; `read_step` then keeps the page's state at its end."""
        return self.steps.close(self.page.url)

    async def read_step(self, state: StepState, patience: float = 3.0) -> None:
        """Read the page's state into an ended step: its cookies (each labelled with the step
        it was first seen in), dataLayer and CSP blocks."""
        self.steps.keep(state, await self.snapshot(patience=patience))

    def step_visits(self, journey: str | None) -> list[PageVisit]:
        """One decoded PageVisit per step that ended, in order (Steps.visits)."""
        return [self.decode(visit) for visit in self.steps.visits(journey)]

    async def screenshot(
        self, target: str = "base64", name: str = "page", quality: int = 50, timeout: float = 5.0
    ) -> str | None:
        """The viewport as a JPEG: a data: URL, a file in the directory `target`, or None."""
        return await screenshot(self.page, target, name, quality, timeout)

    def hits(self) -> list[TagHit]:
        """The hits recorded so far, decoded with the run's catalog: what a journey's
        `wait_for: {hit: …}` polls. Decoded again only when requests were added (a request's
        provider and event are fixed when it is sent; its delivery is not: see `decode`)."""
        requests, cached = self.recorder.requests, self._hits
        if cached is None or cached[0] is not requests or cached[1] != len(requests):
            hits = decode_requests(requests, self.engine.session.catalog)
            self._hits = cached = (requests, len(requests), hits)
        return cached[2]

    async def load(self, url: str, timeout: float | None = None) -> Loaded:
        """Navigate to `url` and wait for `load`, within the page timeout; never raises."""
        go = lambda ms: self.page.goto(url, wait_until="load", timeout=ms)  # noqa: E731
        return await self._navigate(go, timeout)

    async def reload(self) -> Loaded:
        """Reload the page (a consent choice must survive it), like `load`."""
        return await self._navigate(lambda ms: self.page.reload(wait_until="load", timeout=ms))

    async def _navigate(
        self, go: Callable[[float], Awaitable[Response | None]], timeout: float | None = None
    ) -> Loaded:
        timeout = self.settings.page_timeout if timeout is None else timeout
        loaded = Loaded(began=time.monotonic())
        # Playwright's own timeout, and ours a little later in case the driver hangs; a page
        # that crashes or navigates in a loop never reaches `load`: stop waiting at once.
        going = asyncio.ensure_future(asyncio.wait_for(go(timeout * 1000), timeout + 5))
        watching = asyncio.ensure_future(self._until_misbehaving())
        try:
            await asyncio.wait({going, watching}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watching.cancel()
            if not going.done():
                going.cancel()
                await asyncio.wait({going})
        problem = going.exception() if not going.cancelled() else None
        if going.cancelled():
            loaded.error = self.misbehaviour()
        elif isinstance(problem, (PlaywrightError, asyncio.TimeoutError)):
            late = f"page did not load within {timeout:g} s"
            loaded.error = first_line(problem, late, calls=LOAD_CALLS)
        elif problem is not None:
            raise problem
        else:
            loaded.response = going.result()
        loaded.loaded = time.monotonic()
        return loaded

    async def _until_misbehaving(self) -> None:
        while self.misbehaviour() is None:
            await asyncio.sleep(0.05)

    async def settle(
        self, quiet_ms: int | None = None, max_wait_ms: int | None = None, catch_up: bool = True
    ) -> None:
        """Wait for late beacons: the settings' quiet period unless told otherwise."""
        quiet = self.settings.quiet_ms if quiet_ms is None else quiet_ms
        limit = self.settings.max_wait_ms if max_wait_ms is None else max_wait_ms
        await self.recorder.settle(quiet, limit, catch_up=catch_up, give_up=self.misbehaviour)

    async def snapshot(self, patience: float = 3.0) -> PageVisit:
        """Everything recorded so far, with cookies, dataLayer and CSP blocks read now, and
        the events batching SDKs still hold (`queued`, read in the same round trip)."""
        patterns = self.engine.queue_patterns
        visit = await self.recorder.snapshot(self.page, patience=patience, queues=patterns)
        self.queued = self.recorder.queued
        return visit

    async def visit(self, url: str) -> PageVisit:
        """Load `url`, settle and snapshot it: a PageVisit with status, hops and timings."""
        loaded = await self.load(url)
        if loaded.error is None:
            await self.settle()
        visit = await self.snapshot(patience=3.0 if loaded.error is None else 0.5)
        visit.url, visit.final_url, visit.error = url, self.page.url, loaded.error
        visit.status = loaded.status
        visit.hops = await quietly(redirect_hops(loaded.response), [])
        visit.timings = {
            "load_ms": round((loaded.loaded - loaded.began) * 1000, 1),
            "total_ms": round((time.monotonic() - loaded.began) * 1000, 1),
        }
        return visit

    async def leave(
        self, visit: PageVisit, then: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        """Leave the page as a visitor does, still recording: a real navigation away.

        Events a batching SDK still held at the snapshot are waited for first (bounded by
        `max_wait_ms`, only when something is held): the capture has them, and
        `visit.held_events` says how long a visitor had to stay for them to be sent; else
        the page's short timeouts are (an SDK nobody catalogued that batches on a timer:
        `_wait_for_timers`). Then the page is left for real (browser/leaving.py: trusted
        `pagehide` and `visibilitychange`), and what it sends meanwhile — beacons SDKs
        flush on page hide, recorded at the edge even though the document is gone — joins
        `visit.requests`, marked `leaving`. `then()` runs as soon as the page said it is
        hidden, beside the last wait for stragglers (a reused tab's wipe for its next
        target: visitor.py).
        """
        seen = len(self.recorder.requests)
        if visit.error is None and self.queued:
            await self._wait_for_held_events(visit)
        elif visit.error is None:
            await self._wait_for_timers(visit)
        edge = self.engine.session.edge
        if edge is not None and self.edge_id is not None and len(self.page.frames) > 1:
            await quietly(edge.remember_frames(self.edge_id))
        quiet, limit = self.settings.leave_quiet_ms, self.settings.leave_max_wait_ms
        await leave_page(self.page, self.recorder, quiet, limit, then)
        visit.requests.extend(self.recorder.requests[seen:])

    async def _wait_for_held_events(self, visit: PageVisit) -> None:
        """Wait until the SDKs have sent what they held at the snapshot (or `max_wait_ms`),
        and say how long that took, per SDK: a visitor who left sooner lost them."""
        deadline = time.monotonic() + self.settings.max_wait_ms / 1000
        waited, still = await drained(self.page, self.engine.queue_patterns, deadline)
        visit.held_events = [
            HeldEvents(provider, count, None if provider in still else round(waited * 1000))
            for provider, count in self.queued.items()
        ]
        self.recorder.touch()
        await self.settle(catch_up=False)

    async def _wait_for_timers(self, visit: PageVisit) -> None:
        """Until the page's short timeouts have fired (capture.py TIMER_WATCH), then quiet:
        an SDK nobody catalogued that batches on a timer sends only then, and a timeout may
        set the next (a transaction ended after 1 s, then flushed after 500 ms). At most
        TIMER_HORIZON_MS in all, within `max_wait_ms`; how long it waited is in `timings`."""
        began = time.monotonic()
        bound = min(TIMER_HORIZON_MS, self.settings.max_wait_ms) / 1000
        waited = False
        while (left := bound - (time.monotonic() - began)) > 0:
            pending = await self.timers_left(patience=min(2, left))
            if pending <= 0:
                break
            waited = True
            await asyncio.sleep(min(pending, left))
        if waited:
            self.recorder.touch()
            await self.settle(catch_up=False)
            visit.timings["timers_ms"] = round((time.monotonic() - began) * 1000, 1)

    async def timers_left(
        self, delays: Sequence[float] | None = None, patience: float = 2.0
    ) -> float:
        """Seconds until the page's last pending timeout set with one of `delays` is due
        (any of at most TIMER_HORIZON_MS when None); 0 when none is, or the page cannot say."""
        wanted = list(delays) if delays is not None else None
        probe = asyncio.wait_for(self.page.evaluate(PENDING_TIMERS, wanted), patience)
        return (await quietly(probe, 0) or 0) / 1000

    def decode(self, visit: PageVisit) -> PageVisit:
        """Decode the visit's requests into hits with the run's catalog; returns the visit.

        Then request headers stay only where tags sent them, secrets masked (keep_headers).
        """
        visit.hits = decode_requests(visit.requests, self.engine.session.catalog)
        keep_headers(visit)
        session = self.engine.session
        if session.edge is not None:
            mark_let_through(visit, session.edge.gate, self.recorder.page_hosts())
        return visit

    def stop_recording(self) -> None:
        self.recorder.stop()

    async def record_anew(self) -> None:
        """Start a fresh recording on the same page (the next target of a reused tab)."""
        self.recorder.stop()
        self.recorder = Recorder(self.context, self.page, self.recorder.catalog)
        self.steps = Steps(self.recorder)
        self.recorder.watch_queues(self.engine.queue_patterns)
        self.queued = {}
        edge = self.engine.session.edge
        if edge is not None and self.edge_id is not None:
            edge.receive(self.edge_id, self.recorder)

    async def close(self) -> None:
        """Stop recording and close the page (and its context, when the tab opened it).

        Bounded: a page whose main thread never yields could hold a polite close forever,
        so a broken tab is closed without running its unload handlers.
        """
        self.recorder.stop()
        # The page first: closing the context around a page that navigates in a loop
        # sometimes waited the whole timeout (tests/hostile: js-redirect-loop).
        await quietly(asyncio.wait_for(self.page.close(run_before_unload=False), CLOSE_TIMEOUT))
        edge = self.engine.session.edge
        if self.owns_context:
            if edge is not None:
                await edge.drain()  # what the closing page sent is answered before its context goes
            await quietly(asyncio.wait_for(self.context.close(), CLOSE_TIMEOUT))
        if edge is not None and self.edge_id is not None and self.owns_context:
            edge.forget(self.edge_id)


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


async def quietly(awaitable, fallback=None):  # type: ignore[no-untyped-def]
    """Await and swallow browser errors: for best-effort clean-up and optional reads."""
    try:
        return await awaitable
    except (PlaywrightError, asyncio.TimeoutError):
        return fallback
