"""Every wait of the follower is bounded, and a link's timeout is spent only on its own work.

Real sockets on 127.0.0.1 throughout: the route server (slow answers, a ring of 100
redirects), sockets that trickle or stay silent, and a chain of redirects through 50 hosts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from bad_servers import HostChain, SlowSockets, unaccepted_socket
from redirect_server import PAUSE

from tagaudit.links.follower import Follower
from tagaudit.links.settings import LinkSettings
from tagaudit.model import LinkResult

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
    """The run's deadline bounds the queue: what it cuts short is unverifiable, not broken."""
    settings = LinkSettings(per_host=1, timeout=1.0, retries=0, run_timeout=1.0)
    urls = [routes.url(f"/pause?run={n}") for n in range(8)]  # 2.4 s of turns
    started = time.monotonic()
    results = list(follow_all(settings, urls).values())
    assert time.monotonic() - started < 1.0 + SLACK
    finished = [r for r in results if r.verdict == "ok"]
    assert 1 <= len(finished) <= 3 and results[: len(finished)] == finished
    cut = results[len(finished) :]
    assert {(r.verdict, r.reason) for r in cut} == {("unverifiable", "run-timeout")}
    assert cut[-1].error == (
        "not started (waiting for its turn) when the run's time limit (1 s) ran out"
    )


# ------------------------------------------------------------------ waits below HTTP
@pytest.fixture(scope="module")
def slow() -> Iterator[SlowSockets]:
    with SlowSockets() as server:
        yield server


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-head", "/silent"])
def test_a_server_that_wastes_time_costs_one_timeout(slow, path, transport):
    settings = LinkSettings(timeout=0.5, retries=0, transport=transport)
    result, took = timed(settings, slow.url(path))
    assert (result.verdict, result.reason) == ("broken", "timeout")
    assert took < 0.5 + SLACK


def test_a_server_that_never_accepts_costs_one_timeout():
    sock = unaccepted_socket()
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/never"
        result, took = timed(LinkSettings(timeout=0.5, retries=0), url)
    finally:
        sock.close()
    assert (result.verdict, result.reason) == ("broken", "timeout")
    assert took < 0.5 + SLACK


def test_a_ring_longer_than_the_hop_cap_stops_at_the_cap(routes):
    result, _ = timed(LinkSettings(timeout=5.0), routes.url("/ring/50"))
    assert (result.verdict, result.reason, len(result.hops)) == ("broken", "too-many-hops", 11)


@pytest.fixture(scope="module")
def chain() -> Iterator[HostChain]:
    try:
        hosts = HostChain(50)
    except OSError:
        pytest.skip("127.0.0.2 … 127.0.0.51 are not loopback here (Linux routes all 127/8)")
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
