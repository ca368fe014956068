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

# How many events each localStorage entry shaped like an SDK queue holds ({key: count}): a
# JSON list, or an object with a `queue` list. Which keys belong to which SDK is decided in
# Python (`held_events`): a user's `queues:` regex is a Python regex, time-limited there;
# in the page it could hang the page's thread with no limit, or not even compile in JS.
# Bounded: the first MAX_KEYS keys, keys of at most MAX_KEY characters, values of at most
# MAX_VALUE characters.
QUEUE_LENGTHS = """
() => {
  const lengths = {};
  let keys = [];
  try { keys = Object.keys(localStorage).slice(0, 500); } catch (e) { return lengths; }
  for (const key of keys) {
    if (key.length > 256) continue;
    try {
      const text = localStorage.getItem(key);
      if (!text || text.length > 4194304 || (text[0] !== '[' && text[0] !== '{')) continue;
      const value = JSON.parse(text);
      const list = Array.isArray(value) ? value : (value && value.queue);
      if (Array.isArray(list) && list.length) lengths[key] = list.length;
    } catch (e) {}
  }
  return lengths;
}
"""
POLL_S = 0.1


QueuePatterns = dict[str, list[Any]]  # {provider: its queue key regexes, compiled}


def queue_patterns(catalog: Catalog | None = None) -> QueuePatterns:
    """{provider: queue key regexes} of every batching SDK of the catalog (a user's are
    BoundedRegex: time-limited, switched off after a time-out, named in the run's notes).

    All of them, not only those seen on the page: an SDK served from the site itself sends
    nothing recognisable before its first timer flush, which is what is being waited for.
    """
    catalog = catalog or default_catalog()
    return {p.id: list(p.queues) for p in catalog.providers.values() if p.queues}


def held_events(lengths: Any, patterns: QueuePatterns) -> dict[str, int]:
    """{provider: events its SDK holds}, from the page's QUEUE_LENGTHS answer."""
    if not isinstance(lengths, dict):
        return {}
    held: dict[str, int] = {}
    for provider, regexes in patterns.items():
        count = sum(
            n
            for key, n in lengths.items()
            if isinstance(n, int) and any(r.search(str(key)) for r in regexes)
        )
        if count:
            held[provider] = count
    return held


async def queued(page: Any, patterns: QueuePatterns, timeout: float = 2.0) -> dict[str, int]:
    """{provider: events its SDK holds} now ({} when none, or the page cannot say)."""
    if not patterns:
        return {}
    try:
        lengths = await asyncio.wait_for(page.evaluate(QUEUE_LENGTHS), timeout)
    except Exception:  # a page on its way out, a storage that refuses: nothing to say
        return {}
    return held_events(lengths, patterns)


async def drained(
    page: Any, patterns: QueuePatterns, deadline: float
) -> tuple[float, dict[str, int]]:
    """Wait until the SDKs have sent what they held (or `deadline`, monotonic): (seconds
    waited, what they still hold)."""
    began = time.monotonic()
    held = await queued(page, patterns)
    while held and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        held = await queued(page, patterns)
    return time.monotonic() - began, held
