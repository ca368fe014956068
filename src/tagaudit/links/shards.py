"""Following many links on every core: the distinct URLs are split over worker processes.

Measured (benchmarks/bench_links.py): following is CPU-bound in httpx and aiohttp, about
250 µs of CPU a hop here, so one process tops out at one core however many links wait. From
`LinkSettings.shard_min` distinct links on, each of up to `processes` forked workers follows
a slice with its own transport. The global and per-host limits are divided between the
workers, so the run as a whole is exactly as polite as one process would be.

Workers stream their results back over a pipe in small batches as links finish, so an
interrupted run keeps every finished link: Ctrl-C reaches the whole process group, the
workers ignore it, and the parent stops them with SIGTERM, on which they send what they hold
and exit. Workers die with their parent: a parent that is killed (SIGKILL, or SIGTERM
without a handler) cannot stop them, so on Linux the kernel does (prctl PR_SET_PDEATHSIG,
SIGKILL: nobody is left to read their results), and elsewhere each worker notices its
parent pid change within FLUSH_EVERY. Measured: without it, the workers of a killed run were
still sending requests seconds later.

Fork is used only while this process has a single thread (forking a threaded process is
unsafe); otherwise, and for small inputs, everything stays in one process. A worker runs its
event loop on uvloop where it is installed (a dependency except on Windows): measured about
10% less CPU a hop. The workers' loops are ours to choose; a caller's loop never is.

What a worker runs is the caller's: the link follower hands over `follow_slice`. This module
knows processes, pipes and signals, not how a link is followed, so it never imports the
follower (the follower imports it). Imports tagaudit.model, errors, links.settings and
links.transport (to prepare it once before forking).
"""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection

from tagaudit.errors import TagauditError
from tagaudit.links.settings import LinkSettings
from tagaudit.model import LinkResult

BATCH = 32  # results per message: fewer pickles and writes, yet little held back
FLUSH_EVERY = 0.05  # seconds a finished result may wait in a worker (lost if it is killed)
STOP_GRACE = 5.0  # seconds a stopped worker gets to send what it holds
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# What a worker runs: follow these URLs with these settings, setting each result in `done`.
FollowSlice = Callable[[list[str], LinkSettings, dict[str, LinkResult]], Awaitable[None]]


class WorkerFailed(TagauditError):
    """A link worker process died or raised (the run failed: exit 3, one line)."""


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


class _Outbox(dict):
    """The worker's `done` mapping: every result set here also goes to the parent."""

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn, self.batch = conn, []

    def __setitem__(self, url: str, result: LinkResult) -> None:
        super().__setitem__(url, result)
        self.batch.append(result)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.conn.send(self.batch)
            self.batch = []


def die_with(parent: int) -> None:
    """Have the kernel SIGKILL this process when `parent` (the forking thread) ends (Linux)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl here: the flusher's check remains
            pass
    if os.getppid() != parent:  # it ended before we asked
        os._exit(1)


def _worker(
    follow_slice: FollowSlice,
    urls: list[str],
    settings: LinkSettings,
    conn: Connection,
    parent: int,
) -> None:
    """Runs in a forked worker: follow `urls`, stream results, then send None (the end)."""
    die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.set_wakeup_fd(-1)  # the inherited one is the parent's event loop
    outbox = _Outbox(conn)

    async def follow() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        flusher = asyncio.ensure_future(_flush_often(outbox, parent))
        try:
            await follow_slice(urls, settings, outbox)
        finally:
            flusher.cancel()

    try:
        try:
            import uvloop
        except ImportError:
            asyncio.run(follow())
        else:
            uvloop.run(follow())
    except (asyncio.CancelledError, KeyboardInterrupt):
        pass  # stopped by the parent: what finished still goes back
    except Exception as problem:  # reported by the parent as WorkerFailed
        outbox.flush()
        conn.send(f"{type(problem).__name__}: {problem}")
        return
    outbox.flush()
    conn.send(None)


async def _flush_often(outbox: _Outbox, parent: int) -> None:
    while True:
        await asyncio.sleep(FLUSH_EVERY)
        if os.getppid() != parent:  # orphaned where prctl is missing: nobody reads results
            os._exit(1)
        outbox.flush()


async def follow_sharded(
    follow_slice: FollowSlice,
    urls: list[str],
    settings: LinkSettings,
    shards: int,
    done: dict[str, LinkResult],
) -> dict[str, LinkResult]:
    """Follow distinct `urls` in `shards` processes, each running `follow_slice` on its
    share (after fork: nothing is pickled); `done` fills as their results arrive."""
    from tagaudit.links.transport import prepare

    prepare(settings, secure=any(url[:6].lower() == "https:" for url in urls))
    child = slice_settings(settings, shards)
    context = multiprocessing.get_context("fork")
    workers, pipes, parent = [], [], os.getpid()
    for index in range(shards):
        ours, theirs = context.Pipe(duplex=False)
        worker = context.Process(
            target=_worker,
            args=(follow_slice, urls[index::shards], child, theirs, parent),
            daemon=True,
        )
        worker.start()
        theirs.close()
        workers.append(worker)
        pipes.append(ours)
    try:
        await asyncio.gather(*(_receive(pipe, done) for pipe in pipes))
    except BaseException:  # interrupted, or a worker failed: stop the others, keep results
        await _stop(workers, pipes, done)
        raise
    for worker, pipe in zip(workers, pipes, strict=True):
        worker.join()  # each has sent its end and is exiting
        pipe.close()
    return {url: done[url] for url in urls}


async def _receive(pipe: Connection, done: dict[str, LinkResult]) -> None:
    """Read one worker's batches into `done` until it says it has finished."""
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    loop.add_reader(pipe.fileno(), ready.set)
    try:
        while True:
            await ready.wait()
            ready.clear()
            while pipe.poll():
                if _take(pipe, done):
                    return
    finally:
        loop.remove_reader(pipe.fileno())


def _take(pipe: Connection, done: dict[str, LinkResult]) -> bool:
    """One message: a batch (False: more to come), None (True: finished), or a failure."""
    try:
        message = pipe.recv()
    except EOFError:
        raise WorkerFailed("a link worker process ended without its results") from None
    if message is None:
        return True
    if isinstance(message, str):
        raise WorkerFailed(f"a link worker failed: {message}")
    for result in message:
        done[result.url] = result
    return False


async def _stop(workers: list, pipes: list[Connection], done: dict[str, LinkResult]) -> None:
    """Stop workers still running (after an interrupt), keeping the results they send."""
    for worker in workers:
        if worker.is_alive():
            worker.terminate()  # SIGTERM: the worker cancels, flushes and exits
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STOP_GRACE
    for worker, pipe in zip(workers, pipes, strict=True):
        while worker.is_alive() and loop.time() < deadline:
            _drain(pipe, done)
            await asyncio.sleep(0.01)
        _drain(pipe, done)
        if worker.is_alive():
            worker.kill()
        worker.join()
        pipe.close()


def _drain(pipe: Connection, done: dict[str, LinkResult]) -> None:
    """Whatever a stopping worker has sent so far; its end or death ends the reading."""
    try:
        while pipe.poll():
            if _take(pipe, done):
                return
    except (WorkerFailed, OSError):
        return
