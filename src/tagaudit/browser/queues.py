"""Events a vendor's SDK still holds: read from the page, so leaving waits only when it must.

Batching SDKs keep events in a localStorage queue until their timer sends them (Amplitude
every second, Mixpanel every five, posthog-js-lite every ten; MEASUREMENTS.md in
fixtures/sdk-site): the catalog names those keys per provider (`queues:`), whose value is a
JSON list or an object with a `queue` list. The snapshot reads how many events each such SDK
holds (browser/capture.py, in its one evaluate); when some are held, the page engine waits
with `drained` for the SDK's timer (bounded) before it leaves, so its capture still has
them, and a visitor who leaves sooner loses them — a finding (`lost-events`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tagaudit.providers import Catalog, default_catalog

# {provider: [key regex …]} → {provider: events held}, for the main frame's origin.
HELD_EVENTS = """
(patterns) => {
  const held = {};
  let keys = [];
  try { keys = Object.keys(localStorage); } catch (e) { return held; }
  for (const [provider, regexes] of Object.entries(patterns)) {
    const matching = regexes.map((r) => new RegExp(r));
    let count = 0;
    for (const key of keys) {
      if (!matching.some((r) => r.test(key))) continue;
      try {
        const value = JSON.parse(localStorage.getItem(key));
        const list = Array.isArray(value) ? value : (value && value.queue);
        count += Array.isArray(list) ? list.length : 0;
      } catch (e) {}
    }
    if (count) held[provider] = count;
  }
  return held;
}
"""
POLL_S = 0.1


def queue_patterns(catalog: Catalog | None = None) -> dict[str, list[str]]:
    """{provider: queue key regexes} of every batching SDK of the catalog.

    All of them, not only those seen on the page: an SDK served from the site itself sends
    nothing recognisable before its first timer flush, which is what is being waited for.
    """
    catalog = catalog or default_catalog()
    return {p.id: [q.pattern for q in p.queues] for p in catalog.providers.values() if p.queues}


async def queued(page: Any, patterns: dict[str, list[str]], timeout: float = 2.0) -> dict[str, int]:
    """{provider: events its SDK holds} now ({} when none, or the page cannot say)."""
    if not patterns:
        return {}
    try:
        return await asyncio.wait_for(page.evaluate(HELD_EVENTS, patterns), timeout) or {}
    except Exception:  # a page on its way out, a storage that refuses: nothing to say
        return {}


async def drained(
    page: Any, patterns: dict[str, list[str]], deadline: float
) -> tuple[float, dict[str, int]]:
    """Wait until the SDKs have sent what they held (or `deadline`, monotonic): (seconds
    waited, what they still hold)."""
    began = time.monotonic()
    held = await queued(page, patterns)
    while held and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        held = await queued(page, patterns)
    return time.monotonic() - began, held
