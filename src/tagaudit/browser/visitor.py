"""Plain visits, one target after another, each starting with no state from the one before.

Isolation: every target must start with no cookies, storage or cache from the previous one.
A fresh context per target is the obvious way but costs a new renderer each time; the
default `reuse` mode keeps one tab per worker and wipes its state between targets instead
(cookies, every origin's storage, the HTTP cache, sessionStorage of the tab), which the
benchmark shows is several times cheaper. `context` mode is kept for comparison. A reused
tab is still replaced by a new one after `TARGETS_PER_TAB` targets: Playwright keeps an
object for every request and response a page made until the page closes (up to 10,000 of a
kind, in the driver and in this process), so a tab kept for a whole 2,000-page audit made
memory grow with the pages (benchmarks/bench_audit_scale.py).

A `Visitor` loads a target through the page engine (browser/page.py); the caller may look at
the live page before it is left (`inspect`: read its links, detect a consent banner).

`--page-timeout` is a hard limit per target, whatever the page does: a main thread that never
yields, sixty busy frames, a history flood. Past it the target keeps what was recorded and
says why it was given up on, and a tab that crashed, looped or was given up on is closed so
the next target starts in a new one (tests/hostile).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from tagaudit.browser.page import HARD_LIMIT_GRACE, PageEngine, Tab, quietly
from tagaudit.model import PageVisit
from tagaudit.model.urls import origin_of

# Called with the tab and its visit after the page settled, before it is left.
Inspect = Callable[[Tab, PageVisit], Awaitable[None]]
# A reused tab loads this many targets, then a new one takes over (module docstring): a new
# context and page cost some tens of milliseconds, a hundred pages some tens of seconds.
TARGETS_PER_TAB = 100


class Visitor:
    """Loads targets one after another in its own isolated tab."""

    def __init__(self, engine: PageEngine) -> None:
        self.engine = engine
        self._tab: Tab | None = None
        self._origins: set[str] = set()
        self._wiped = False  # the tab was wiped as it left its last target
        self._targets = 0  # targets the current tab loaded

    async def close(self) -> None:
        if self._tab is not None:
            await self._tab.close()
            self._tab = None

    async def visit(self, url: str, inspect: Inspect | None = None) -> PageVisit:
        """Load `url` and capture it, leaving included; hits decoded with the run's catalog.

        Within the hard limit (module docstring); a page that crashed or loops is an error.
        """
        tab = await self.engine.session.guarded(self._fresh_tab())
        limit = self.engine.settings.page_timeout + HARD_LIMIT_GRACE
        began = time.monotonic()
        try:
            visit = await asyncio.wait_for(self._capture(tab, url, inspect), limit)
        except asyncio.TimeoutError:
            visit = await tab.salvage(url, self.engine.settings.page_timeout)
            visit.timings = {"total_ms": round((time.monotonic() - began) * 1000, 1)}
        finally:
            tab.stop_recording()
            self._origins.update(
                origin_of(r.url) for r in tab.recorder.requests if r.resource_type == "document"
            )
        problem = tab.misbehaviour()
        if problem:
            visit.error = problem
        if tab.broken or problem:
            await self.close()  # the next target gets a new tab
        return tab.decode(visit)

    async def _capture(self, tab: Tab, url: str, inspect: Inspect | None) -> PageVisit:
        visit = await tab.visit(url)
        if inspect is not None and visit.error is None and not tab.misbehaviour():
            await inspect(tab, visit)
        await tab.leave(visit, then=None if self._new_context_each_time() else self._wipe_left)
        return visit

    async def _wipe_left(self) -> None:
        """The tab's wipe, as soon as the page it left said it is hidden (Tab.leave)."""
        if self._tab is not None:
            self._origins.update(
                origin_of(r.url)
                for r in self._tab.recorder.requests
                if r.resource_type == "document"
            )
            await self._wipe(self._tab)
            self._wiped = True

    async def _fresh_tab(self) -> Tab:
        # localStorage of a storage state cannot be put back into a wiped tab: a new context
        worn = self._targets >= TARGETS_PER_TAB
        if self._new_context_each_time() or self._tab is None or worn:
            await self.close()
            self._tab = await self.engine.open_tab()
            self._origins.clear()
            self._targets = 0
        else:
            if not self._wiped:
                await self._wipe(self._tab)
            await self._tab.record_anew()
        self._wiped = False
        self._targets += 1
        return self._tab

    def _new_context_each_time(self) -> bool:
        access = self.engine.session.settings.access
        return self.engine.settings.isolation == "context" or access.local_storage

    async def _wipe(self, tab: Tab) -> None:
        """Forget everything the previous target left: as if this were a new context.

        The tab is already on about:blank (`Tab.leave`). Storage (local, session,
        IndexedDB, cache storage, service workers) only exists for origins that had a
        document, so only those are cleared; `storageTypes: all` covers the tab's
        sessionStorage too (tests/e2e/test_capture.py fails without it). Cookies go at once.
        """
        cdp = tab.cdp or await tab.context.new_cdp_session(tab.page)
        clearing = [
            quietly(cdp.send("Storage.clearDataForOrigin", {"origin": o, "storageTypes": "all"}))
            for o in sorted(o for o in self._origins if o)
        ]
        # Independent of one another: one round trip for all of them.
        await asyncio.gather(
            tab.context.clear_cookies(), quietly(cdp.send("Network.clearBrowserCache")), *clearing
        )
        self._origins.clear()
        # last: clearing an origin's data ("all") takes its cookies too
        await self.engine.session.restore_access(tab.context)  # a login survives the wipe
