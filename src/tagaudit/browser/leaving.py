"""Leaving a page without losing its last beacons and without leaking them.

Measured here: beacons a page sends while it unloads (`pagehide`, `visibilitychange` →
hidden, `unload`) reach the network *without* passing Playwright's routes or request events
(the frame is already gone). So a GA4 `user_engagement` ping on page hide would escape an
audit unseen and be delivered to the vendor.

Two parts fix that:
- `simulate_leave()` plays the visitor leaving while the page is still alive: it reports the
  document hidden and dispatches `visibilitychange` (bubbling to window, as the browser's
  does) and `pagehide`, so those beacons go out through the routes (answered locally) and
  are recorded with the page. Measured on the vendors' own SDKs (fixtures/sdk-site/
  MEASUREMENTS.md): no CDP command makes a headless page really hidden (Chromium 156 has
  none; lifecycle freezing, focus emulation and tab switches fire no visibilitychange), and
  the beacons a real navigation away triggers bypass Playwright's routes and request events;
  so the hide is played in the page, and what SDKs do not send then is measured
  (browser/queues.py).
- `mute_script()` is an init script that, once a *trusted* (real) unload has begun, turns
  `sendBeacon` and keepalive `fetch` calls to tracking endpoints into no-ops: the real
  unload that follows cannot leak duplicates of what was already recorded.
"""

from __future__ import annotations

import asyncio
import json
import re

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

MUTE_TEMPLATE = """
(() => {
  const tracking = new RegExp(%(pattern)s, %(flags)s);
  let leaving = false;
  const onLeave = (event) => {
    if (!event.isTrusted) return;
    if (event.type !== 'visibilitychange' || document.visibilityState === 'hidden') leaving = true;
  };
  addEventListener('beforeunload', onLeave, true);
  addEventListener('pagehide', onLeave, true);
  document.addEventListener('visibilitychange', onLeave, true);
  addEventListener('pageshow', (event) => { if (event.isTrusted) leaving = false; }, true);
  const muted = (url) => {
    try { return leaving && tracking.test(new URL(String(url), location.href).href); }
    catch (e) { return false; }
  };
  if (navigator.sendBeacon) {
    const beacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = function (url, data) { return muted(url) ? true : beacon(url, data); };
  }
  const realFetch = window.fetch && window.fetch.bind(window);
  if (realFetch) {
    window.fetch = function (input, init) {
      const url = input && input.url ? input.url : input;
      if (muted(url)) return Promise.resolve(new Response(null, {status: 204}));
      return realFetch(input, init);
    };
  }
})();
"""

SIMULATE_LEAVE = """
() => {
  const hidden = {configurable: true, get: () => 'hidden'};
  try {
    Object.defineProperty(document, 'visibilityState', hidden);
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  } catch (e) {}
  // As the browser fires it (HTML: bubbles), so listeners on window hear it too: Mixpanel
  // flushes its queue on a visibilitychange heard on window (fixtures/sdk-site/MEASUREMENTS.md).
  document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));
  window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false}));
}
"""


def mute_script(pattern: re.Pattern[str]) -> str:
    """The init script muting tracking beacons during a real unload (see module docstring)."""
    flags = "i" if pattern.flags & re.IGNORECASE else ""
    return MUTE_TEMPLATE % {"pattern": json.dumps(pattern.pattern), "flags": json.dumps(flags)}


async def simulate_leave(page: Page, timeout: float = 2.0) -> None:
    """Make every frame of `page` believe the visitor is leaving (best effort, bounded:
    a frame still stuck navigating would wait forever for a document)."""
    for frame in page.frames:
        try:
            await asyncio.wait_for(frame.evaluate(SIMULATE_LEAVE), timeout)
        except (PlaywrightError, asyncio.TimeoutError):
            continue  # a detached, hung or cross-process frame
