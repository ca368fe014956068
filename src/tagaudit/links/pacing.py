"""Every wait of the link follower, and who pays for it: a link's clock, the run's deadline.

Owns three decisions:

- **A link's own clock** (`LinkClock`): `LinkSettings.timeout` is spent only by the link's
  own requests (sending, the answer, the body read for a verdict) and by its backoff sleeps.
  Waiting for a turn at a host (the per-host limit) is politeness, not the link being slow,
  so it is off the clock (found by attacking `tagaudit links`: while the queue counted, 12 of
  40 healthy links to one host came out "broken/timeout").
- **The run's deadline** (`run_limit`): what bounds the waits that are off every clock, so a
  link that never gets its turn still ends, as `unverifiable` / `run-timeout`.
- **Whether to retry** a 429/5xx answer (`retry_wait`): only when the advised wait
  (`Retry-After`, RFC 9110 10.2.3) or the backoff fits under `retry_wait_cap` and in what is
  left of the link's clock; otherwise the answer stands, with the reason in `advice`.

Imports nothing from tagaudit but the settings.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time
from collections.abc import Awaitable
from typing import TypeVar

from tagaudit.links.settings import LinkSettings

T = TypeVar("T")


class LinkClock:
    """The time one link may still spend on its own work.

    >>> clock = LinkClock(15.0)
    >>> await clock.spend(transport.handle_async_request(request))  # 0.2 s later: 14.8 left
    """

    __slots__ = ("left", "total")

    def __init__(self, seconds: float) -> None:
        self.left = self.total = seconds

    @property
    def started(self) -> bool:
        return self.left < self.total

    async def spend(self, work: Awaitable[T]) -> T:
        """Await `work` on this clock; TimeoutError when the clock runs out first."""
        started = time.monotonic()
        try:
            return await within(work, self.left)
        finally:
            self.left -= time.monotonic() - started


async def within(work: Awaitable[T], seconds: float) -> T:
    """`asyncio.timeout` (no extra task) where Python has it, else `wait_for` (3.10)."""
    if hasattr(asyncio, "timeout"):
        async with asyncio.timeout(seconds):
            return await work
    return await asyncio.wait_for(work, seconds)  # pragma: no cover (Python 3.10)


def run_limit(settings: LinkSettings, links: int) -> float:
    """Seconds following `links` distinct links may take in all (the run's deadline).

    `settings.run_timeout` when set. Otherwise a bound that links keeping to their own
    `timeout` never reach: while links remain, at least p = min(per_host, concurrency) of
    them are on their own clocks (a link waiting for its turn waits for per_host others that
    are), and no clock runs longer than `timeout`; so the run needs at most
    timeout × (links / p + 1). One more `timeout` covers the work off every clock (parsing,
    the ledger). It is a backstop against a wait nobody bounded, not a budget.
    """
    if settings.run_timeout is not None:
        return settings.run_timeout
    parallel = max(1, min(settings.per_host, settings.concurrency))
    return settings.timeout * (math.ceil(max(1, links) / parallel) + 2)


def retry_wait(
    headers_retry_after: str | None, attempt: int, settings: LinkSettings, left: float
) -> tuple[float | None, str | None]:
    """Seconds to wait before retrying a 429/5xx answer, or None and why not (the advice).

    The server's advice wins over our backoff; advice beyond `retry_wait_cap` is not
    shortened (a retry before the server's time would only be refused again): the answer
    stands and says how long the server asked for.
    """
    advised = retry_after(headers_retry_after)
    if advised is not None and advised > settings.retry_wait_cap:
        cap = seconds(settings.retry_wait_cap)
        return None, f"asked to wait {seconds(advised)} s (Retry-After), over the {cap} s cap"
    if attempt >= settings.retries:
        return None, f"still after {attempt + 1} tries" if attempt else None
    wait = advised if advised is not None else settings.backoff * 2**attempt
    wait = min(wait, settings.retry_wait_cap)
    if wait >= left:
        what = "asked to wait" if advised is not None else "a retry needs"
        return None, f"{what} {seconds(wait)} s, over the {seconds(left)} s left of the timeout"
    return wait, None


def retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds: a number, or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def seconds(value: float) -> str:
    """3600.0 → '3600', 0.25 → '0.25', 3599.73 → '3600' (readable in a one-line error)."""
    return f"{value:.0f}" if value >= 10 else f"{round(value, 2):g}"
