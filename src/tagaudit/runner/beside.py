"""Running a coroutine to its end from synchronous code while an event loop already runs in
the calling thread: on a thread of its own, with a loop of its own.

`asyncio.run` refuses to start inside a running loop, and a loop cannot be re-entered, so a
synchronous call (`tagaudit.audit()`) made from a pytest-asyncio test, under
pytest-playwright's sync API (whose dispatcher marks its loop as running in the thread
between calls) or in a Jupyter cell would fail. `run_beside` starts the coroutine in a new
thread with a new loop and waits for it; Ctrl-C in the waiting thread cancels the
coroutine in the other one, waits until it has stopped (browsers closed, what finished
kept), and raises KeyboardInterrupt as `asyncio.run` would; so does a cancellation of the
calling task (what `asyncio.run` makes of Ctrl-C in the loop that waits here). The
caller's loop is blocked meanwhile, as it would be by any synchronous call.

Imports nothing from tagaudit.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

T = TypeVar("T")
WAKE_EVERY = 0.1  # seconds: how soon Ctrl-C is seen while waiting for the run


def loop_is_running() -> bool:
    """Is an event loop running in this thread (so `asyncio.run` would refuse)?"""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class _Beside(Generic[T]):
    """One coroutine on its own thread and loop; `cancel()` may come from any thread."""

    def __init__(self, make: Callable[[], Coroutine[Any, Any, T]]) -> None:
        self.make = make
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task[Any] | None = None
        self.cancelled = False
        self.value: T | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="tagaudit-run", daemon=True)

    def _main(self) -> None:
        try:
            self.value = asyncio.run(self._guarded())
        except BaseException as problem:  # handed to the waiting thread as it is
            self.error = problem
        finally:
            self.done.set()

    async def _guarded(self) -> T:
        with self.lock:
            self.loop, self.task = asyncio.get_running_loop(), asyncio.current_task()
            if self.cancelled:  # Ctrl-C came before the loop started
                raise asyncio.CancelledError
        return await self.make()

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            if self.loop is not None and self.task is not None:
                self.loop.call_soon_threadsafe(self.task.cancel)


def _wait(done: threading.Event, caller: asyncio.Task[Any] | None = None) -> None:
    """Until `done`, waking now and then: Ctrl-C is handled in this (the main) thread only
    between waits, and a signal the kernel handed to another thread wakes no untimed one.

    `asyncio.run` (3.11+) turns Ctrl-C into a cancellation of its main task, not an
    exception: a `caller` task cancelled while it waits here is Ctrl-C too.
    """
    asked = _cancelling(caller)
    while not done.wait(WAKE_EVERY):
        if _cancelling(caller) > asked:
            raise KeyboardInterrupt


def _cancelling(task: asyncio.Task[Any] | None) -> int:
    count = getattr(task, "cancelling", None)  # Python 3.11+
    return count() if count is not None else 0


def _caller() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


def run_beside(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`make()`'s result, run to its end on a new thread and loop (see the module docstring).

    KeyboardInterrupt in this thread cancels the run, waits for it to stop, and is raised
    again; an exception of the run is raised here as it is.
    """
    beside: _Beside[T] = _Beside(make)
    try:  # Ctrl-C may land while `start()` still waits for the thread: cancel it too
        beside.thread.start()
        _wait(beside.done, _caller())
    except KeyboardInterrupt:
        beside.cancel()
        if beside.thread.is_alive():  # one not yet started sees `cancelled` and never runs make()
            _wait(beside.done)
        raise
    if beside.error is not None:
        raise beside.error
    return beside.value  # type: ignore[return-value]
