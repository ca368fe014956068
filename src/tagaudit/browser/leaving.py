"""Leaving a page as a visitor does, and saying which third-party requests left the machine.

`leave_page` navigates the tab away (to about:blank): the browser fires real, trusted
`beforeunload`, `pagehide` and `visibilitychange` → hidden, so SDKs that flush on page hide
do, including those that ignore untrusted events (a RUM SDK's `isTrusted` check). Measured
on the vendors' own SDKs (fixtures/sdk-site/MEASUREMENTS.md): the beacons sent then bypass
Playwright's routes and request events, but not the edge (browser/edge.py), which records
them for this page, marked `leaving`. A synthetic hide played in the page is not kept: it
caught nothing a real leave misses, and SDKs that check `isTrusted` ignore it.

When is the page done leaving? The old document's unload handlers run after the blank one
commits (in its own process), so no navigation event says it. The snapshot (Recorder)
registers a last `visibilitychange` listener on `window`, after every SDK's own: on hiding
it sends a beacon to `LEFT_PATH` (browser/hits.py) on the page's origin, which the edge
answers instead of recording it. The mark carries how many beacons and keepalive fetches
the document sent since it began to unload (capture.BEACON_COUNTER), and `Recorder.left`
is set once the edge has taken that many: they need not arrive before the mark (a larger
body arrives later). Requests of unload handlers, which run after the mark, are caught by
a short quiet period (longer when the mark had no count); `max_wait_ms` bounds it all (a
page whose snapshot failed never sends the mark).

`mark_let_through` labels, after the fact, every third-party request of a visit that left
the machine and why (`Request.let_through`), for the ones no edge decision covered (page
resources the edge never pauses). Imports Playwright's Page and the gate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from tagaudit.browser.gate import Gate
from tagaudit.model import PageVisit

if TYPE_CHECKING:
    from tagaudit.browser.capture import Recorder
# What a request no decision covered yet is, when the gate would have answered it.
UNCOVERED = "not intercepted"
LEAVE_NAVIGATION_MS = 5000
# The quiet after leaving when the page's mark carried no count of its beacons (or never
# came): a beacon sent just before the mark with a larger body (PostHog's last batch)
# reached the edge after it, and 30 ms lost it on a busy runner.
UNCOUNTED_QUIET_MS = 150


async def leave_page(
    page: Page,
    recorder: Recorder,
    quiet_ms: int,
    max_wait_ms: int,
    then: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Navigate `page` away for real and wait for what it sends on leaving (see above);
    `then()` runs once it has left, beside that last wait."""
    recorder.start_leaving()
    # `commit`: the blank document is in; waiting for its load adds ~0.1 s a page. A page
    # that crashed or hangs: what it sent is recorded all the same.
    with contextlib.suppress(PlaywrightError):
        await page.goto("about:blank", wait_until="commit", timeout=LEAVE_NAVIGATION_MS)
    if recorder.marked:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(recorder.left.wait(), max_wait_ms / 1000)
    if recorder.left_count is None or recorder.left_count < 0:
        quiet_ms = max(quiet_ms, UNCOUNTED_QUIET_MS)  # no count to wait for: a longer quiet
    try:
        stragglers = recorder.settle(quiet_ms, max_wait_ms, catch_up=False)
        await asyncio.gather(stragglers, then() if then is not None else asyncio.sleep(0))
    finally:
        recorder.leaving = False


def mark_let_through(visit: PageVisit, gate: Gate, page_hosts: Iterable[str]) -> None:
    """Say why each third-party request of `visit` that was not answered here left."""
    hosts = set(page_hosts)
    for request in visit.requests:
        if request.answered_locally or request.let_through or request.failure == "csp":
            continue
        verdict = gate.decide(request.url, request.method, request.resource_type, hosts)
        if verdict.third_party:
            request.let_through = verdict.let_through or UNCOVERED
