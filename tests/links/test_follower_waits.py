"""Every wait of the follower is bounded, and a link's timeout is spent only on its own work.

Real sockets on 127.0.0.1 throughout: the route server (slow answers, 429/503 with
Retry-After, a ring of 100 redirects), sockets that trickle or stay silent, and a chain of
redirects through 50 hosts.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator

import pytest

from tagaudit.links.follower import Follower
from tagaudit.links.settings import LinkSettings
from tagaudit.model import LinkResult
from tests.links.bad_servers import HostChain, SlowSockets
from tests.support.redirect_server import PAUSE, RING
from tests.support.servers import silent_socket

pytestmark = pytest.mark.timing

SLACK = 0.8  # seconds a shared CI machine may add to a bound


def follow_all(settings: LinkSettings, urls: list[str]) -> dict[str, LinkResult]:
    async def run() -> dict[str, LinkResult]:
        async with Follower(settings) as follower:
            return await follower.follow_all(urls)

    return asyncio.run(run())


def timed(settings: LinkSettings, url: str) -> tuple[LinkResult, float]:
    started = time.monotonic()
    result = follow_all(settings, [url])[url]
    return result, time.monotonic() - started


# ------------------------------------------------------------------ the per-host queue
def test_waiting_for_a_turn_at_the_host_is_not_the_links_time(routes):
    """12 links of 0.3 s, 2 at a time: 1.8 s of queue, yet each link needs only 0.3 s of 1."""
    routes.pause_peak = 0
    settings = LinkSettings(per_host=2, timeout=1.0, retries=0)
    urls = [routes.url(f"/pause?turn={n}") for n in range(12)]
    started = time.monotonic()
    results = follow_all(settings, urls)
    assert [(r.verdict, r.reason) for r in results.values()] == [("ok", None)] * 12
    assert max(r.hops[0].elapsed for r in results.values()) < 1.0  # its own time, not the queue
    assert routes.pause_peak == 2
    assert time.monotonic() - started >= 6 * PAUSE  # they did queue


def test_a_link_that_never_gets_its_turn_ends_with_the_run(routes):
    """The run's deadline bounds the queue: what it cuts short is unverifiable, not broken.
    2 s of run for 4.8 s of turns: beside two busy processes, a 1 s run once finished no
    link at all (the client's own start-up took the second), and a 0.3 s turn once took
    over 1 s: the links' own timeout is not what this is about."""
    settings = LinkSettings(per_host=1, timeout=5.0, retries=0, run_timeout=2.0)
    urls = [routes.url(f"/pause?run={n}") for n in range(16)]  # 4.8 s of turns
    started = time.monotonic()
    results = list(follow_all(settings, urls).values())
    assert time.monotonic() - started < 2.0 + SLACK
    finished = [r for r in results if r.verdict == "ok"]
    assert 1 <= len(finished) <= 7 and results[: len(finished)] == finished
    cut = results[len(finished) :]
    assert {(r.verdict, r.reason) for r in cut} == {("unverifiable", "run-timeout")}
    assert cut[-1].error == (
        "not started (waiting for its turn) when the run's time limit (2 s) ran out"
    )


# ------------------------------------------------------------------ Retry-After
@pytest.mark.parametrize("path", ["/busy", "/busy-date"])
def test_429_asking_for_more_than_the_cap_is_rate_limited_at_once(routes, path):
    """Measured before: waited the cap, retried, waited, and timed out as `broken`."""
    settings = LinkSettings(timeout=1.0, retry_wait_cap=0.6, retries=2, backoff=0.01)
    url = routes.url(f"{path}?n=1")
    result, took = timed(settings, url)
    assert (result.verdict, result.reason) == ("unverifiable", "rate-limited")
    assert result.error in (
        "HTTP 429; asked to wait 3600 s (Retry-After), over the 0.6 s cap",
        "HTTP 429; asked to wait 3599 s (Retry-After), over the 0.6 s cap",  # a date, a second on
    )
    assert routes.hits[f"{path}?n=1"] == 1 and took < 0.6


def test_503_announcing_a_long_downtime_is_unavailable_not_broken(routes):
    settings = LinkSettings(timeout=1.0, retry_wait_cap=0.6, retries=2, backoff=0.01)
    result, _ = timed(settings, routes.url("/down?n=1"))
    assert (result.verdict, result.reason) == ("unverifiable", "unavailable")
    assert result.error == "HTTP 503; asked to wait 3600 s (Retry-After), over the 0.6 s cap"
    assert routes.hits["/down?n=1"] == 1


def test_503_with_a_short_retry_after_is_retried_then_lands(routes):
    settings = LinkSettings(timeout=2.0, retry_wait_cap=0.5)
    result, _ = timed(settings, routes.url("/down-briefly?n=1"))
    assert (result.verdict, result.final_status) == ("ok", 200)
    assert routes.hits["/down-briefly?n=1"] == 2


def test_503_still_down_after_the_retries_is_unavailable(routes):
    settings = LinkSettings(timeout=2.0, retry_wait_cap=0.5, retries=2)
    result, _ = timed(settings, routes.url("/down-still?n=1"))
    assert (result.verdict, result.reason) == ("unverifiable", "unavailable")
    assert result.error == "HTTP 503; still after 3 tries"
    assert routes.hits["/down-still?n=1"] == 3


def test_a_wait_that_does_not_fit_the_links_time_is_not_started(routes):
    """Retry-After 1 s is under the cap but over the 0.5 s the link has: stop, don't time out."""
    settings = LinkSettings(timeout=0.5, retry_wait_cap=2.0, retries=2)
    result, took = timed(settings, routes.url("/later?n=1"))
    assert (result.verdict, result.reason) == ("unverifiable", "rate-limited")
    assert result.error is not None
    assert result.error.startswith("HTTP 429; asked to wait 1 s, over the 0.")
    assert result.error.endswith(" s left of the timeout")
    assert routes.hits["/later?n=1"] == 1 and took < 0.5


# ------------------------------------------------------------------ waits below HTTP
@pytest.fixture(scope="module")
def slow() -> Iterator[SlowSockets]:
    with SlowSockets() as server:
        yield server


@pytest.mark.parametrize("transport", ["asyncio", "aiohttp", "httpx"])
@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-head", "/silent"])
def test_a_server_that_wastes_time_costs_one_timeout(slow, path, transport):
    """Timed where the server sees it: the client's own start-up (a new loop, a transport's
    session) took seconds on a loaded machine and is not what this is about. A trickle
    that restarted the timeout at each byte would hold on for 2,000 s. The timeout is 1 s
    and the bound three slacks more: beside two busy processes, aiohttp's close came 1.2 s
    after a 0.5 s timeout once, on a starved event loop, and a 0.5 s timeout ran out
    before the request was even sent (nothing for the server to time)."""
    settings = LinkSettings(timeout=1.0, retries=0, transport=transport)
    result, _ = timed(settings, slow.url(f"{path}?{transport}"))
    assert (result.verdict, result.reason) == ("broken", "timeout")
    assert slow.held_for(f"{path}?{transport}") < 1.0 + 3 * SLACK


def test_a_server_that_never_accepts_costs_one_timeout():
    sock = silent_socket()
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/never"
        result, took = timed(LinkSettings(timeout=0.5, retries=0), url)
    finally:
        sock.close()
    assert (result.verdict, result.reason) == ("broken", "timeout")
    assert took < 0.5 + SLACK


def test_a_ring_of_100_redirects_is_one_loop_named_in_one_line(routes):
    settings = LinkSettings(timeout=5.0, max_hops=RING + 10)
    result, took = timed(settings, routes.url("/ring/0"))
    assert (result.verdict, result.reason) == ("broken", "loop")
    assert len(result.hops) == RING and len(result.landing["cycle"]) == RING + 1
    assert result.error == (
        f"redirect loop of {RING} hops: /ring/0 → /ring/1 → /ring/2 → … → /ring/{RING - 1}"
        " → /ring/0"
    )
    assert took < 5.0


def test_a_ring_longer_than_the_hop_cap_stops_at_the_cap(routes):
    result, _ = timed(LinkSettings(timeout=5.0), routes.url("/ring/50"))
    assert (result.verdict, result.reason, len(result.hops)) == ("broken", "too-many-hops", 11)


@pytest.fixture(scope="module")
def chain() -> Iterator[HostChain]:
    try:
        hosts = HostChain(50)
    except OSError:
        if sys.platform.startswith("linux"):
            raise  # Linux routes all of 127/8 to loopback: failing to bind is a real problem
        pytest.skip("127.0.0.2 … 127.0.0.51 are not loopback here (macOS has only 127.0.0.1)")
    with hosts:
        yield hosts


def test_a_chain_through_50_hosts_lands(chain):
    result, _ = timed(LinkSettings(timeout=5.0, max_hops=60), chain.url(0))
    assert (result.verdict, result.final_status) == ("ok", 200)
    assert len({h.url.split("/")[2] for h in result.hops}) == 50


def test_the_timeout_is_per_link_not_per_hop_or_host(chain):
    """50 hops of 0.05 s: each hop and host is quick, the link is not (2.5 s > 1 s)."""
    settings = LinkSettings(timeout=1.0, max_hops=60, retries=0)
    result, took = timed(settings, chain.url(0, "wait=0.05"))
    seen = (result.verdict, result.reason, result.error, len(result.hops), round(took, 2))
    assert (result.verdict, result.reason) == ("broken", "timeout"), seen
    assert 2 < len(result.hops) < 50, seen
    assert took < 1.0 + SLACK, seen
