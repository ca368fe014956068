"""Sharding: many links followed in worker processes give exactly the single-process results.

The follower runs in a fresh interpreter (sharding forks only a single-threaded process, and
pytest's own session holds server threads) against a redirect server on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tagaudit.links.settings import LinkSettings
from tagaudit.links.shards import shard_count, slice_settings
from tests.support.servers import LoopbackServer

pytestmark = pytest.mark.timing


class _Redirects(BaseHTTPRequestHandler):
    """/r/<n>/<link>: n redirects, then 200; every 5th link drops its query at the end."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        n, link = (int(x) for x in parts.path.split("/")[2:4])
        if n == 0:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            return
        keep = link % 5 != 0 or n > 1  # every 5th link drops its query at the end
        query = "?" + parts.query if parts.query and keep else ""
        self.send_response(301 if n % 2 else 302)
        self.send_header("Location", f"/r/{n - 1}/{link}{query}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


CLIENT = textwrap.dedent(
    """
    import asyncio, json, sys
    from tagaudit.links.follower import Follower
    from tagaudit.links.settings import LinkSettings
    from tagaudit.links.shards import shard_count
    from tagaudit.model import to_dict

    urls = json.loads(sys.argv[1])
    settings = LinkSettings(processes=int(sys.argv[2]), shard_min=10, timeout=10)

    async def run():
        async with Follower(settings) as follower:
            return await follower.follow_all(urls)

    results = asyncio.run(run())
    for result in results.values():
        for hop in result.hops:
            hop.elapsed = 0.0
    print(json.dumps({"shards": shard_count(settings, len(urls)),
                      "results": {u: to_dict(r) for u, r in results.items()}}))
    """
)


def follow_in_fresh_process(urls: list[str], processes: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CLIENT, json.dumps(urls), str(processes)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def test_sharded_results_equal_single_process_results(tmp_path: Path) -> None:
    with LoopbackServer(_Redirects) as server:
        base = server.base_url
        urls = [f"{base}/r/3/{n}?utm_source=news&utm_medium=email&gclid=G{n}" for n in range(60)]
        urls.append(urls[0])  # a duplicate: followed once
        started = time.monotonic()
        sharded = follow_in_fresh_process(urls, processes=2)
        single = follow_in_fresh_process(urls, processes=1)
        assert time.monotonic() - started < 100
    assert (sharded["shards"], single["shards"]) == (2, 1)
    assert sharded["results"] == single["results"]
    results = single["results"]
    assert len(results) == 60
    assert sum(1 for r in results.values() if r["verdict"] == "ok") == 60
    dropped = [u for u, r in results.items() if any(c["dropped"] for c in r["ledger"])]
    assert len(dropped) == 12


def test_shards_split_the_limits_and_small_inputs_stay_in_process() -> None:
    settings = LinkSettings(processes=2, concurrency=64, per_host=16)
    assert shard_count(settings, 10) == 1
    child = slice_settings(settings, 2)
    assert (child.processes, child.concurrency, child.per_host) == (1, 32, 8)
    assert shard_count(LinkSettings(processes=1), 10_000) == 1


@pytest.mark.parametrize("processes", [0, 2])
def test_threads_keep_everything_in_one_process(processes: int) -> None:
    """pytest's session here has server threads: forking would be unsafe, so no shards."""
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert shard_count(LinkSettings(processes=processes), 10_000) == 1
    finally:
        stop.set()
        worker.join()
