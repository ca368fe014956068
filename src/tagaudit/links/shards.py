"""Following many links on every core: the distinct URLs are split over worker processes.

Measured (benchmarks/bench_links.py): following is CPU-bound in httpx and aiohttp, about
250 µs of CPU a hop here, so one process tops out at one core however many links wait. From
`LinkSettings.shard_min` distinct links on, each of up to `processes` forked workers follows
a slice with its own transport. The global and per-host limits are divided between the workers,
so the run as a whole is exactly as polite as one process would be.

Fork is used only while this process has a single thread (forking a threaded process is
unsafe); otherwise, and for small inputs, everything stays in one process. A worker runs its
event loop on uvloop where it is installed (a dependency except on Windows): measured about
10% less CPU a hop. The workers' loops are ours to choose; a caller's loop never is.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from tagaudit.links.settings import LinkSettings
from tagaudit.model import LinkResult


def shard_count(settings: LinkSettings, links: int) -> int:
    """How many worker processes `links` distinct links are worth (1 = stay here)."""
    wanted = settings.processes or os.cpu_count() or 1
    if wanted <= 1 or links < settings.shard_min or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, links // max(1, settings.shard_min // 2)))


def slice_settings(settings: LinkSettings, shards: int) -> LinkSettings:
    """A worker's share of the limits; workers never shard again."""
    return dataclasses.replace(
        settings,
        processes=1,
        concurrency=max(1, settings.concurrency // shards),
        per_host=max(1, settings.per_host // shards),
    )


def _follow_slice(urls: list[str], settings: LinkSettings) -> list[LinkResult]:
    """Runs in a worker process: follow `urls` with a client of its own."""
    from tagaudit.links.follower import Follower

    async def follow() -> list[LinkResult]:
        async with Follower(settings) as follower:
            return list((await follower.follow_all(urls)).values())

    try:
        import uvloop
    except ImportError:
        return asyncio.run(follow())
    return uvloop.run(follow())


async def follow_sharded(
    urls: list[str], settings: LinkSettings, shards: int, done: dict[str, LinkResult]
) -> dict[str, LinkResult]:
    """Follow distinct `urls` in `shards` processes; `done` fills as each slice finishes."""
    from tagaudit.links.transport import prepare

    prepare(settings)
    child = slice_settings(settings, shards)
    slices = [urls[i::shards] for i in range(shards)]
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(shards, mp_context=context) as pool:
        pending = [loop.run_in_executor(pool, _follow_slice, part, child) for part in slices]
        for finished in asyncio.as_completed(pending):
            for result in await finished:
                done[result.url] = result
    return {url: done[url] for url in urls}
