"""Bounding a Python journey in time: a step's timeout ends it, naming the line it was at.

A user's `journey(page)` may sleep, spin or await forever, sync or async (before: past 240 s,
and SIGTERM was ignored). Each step gets the journey's `timeout` (else the page timeout),
counted again from every `tagaudit.step()`. How a journey is stopped depends on where it is:

- awaiting (an async journey suspended on something that never comes): its task is cancelled;
  the line is read from the coroutine chain (`coroutine_line`);
- running on the event loop's own thread without yielding (`time.sleep`, `while True` in an
  async journey): the loop cannot run the watcher, so a thread does: it signals the loop's
  thread (SIGUSR1, only while a journey runs and only from the main thread, where Python
  runs signal handlers), and the handler raises JourneyStuck there, only when the frame it
  interrupted is the journey's own (its file is on the stack);
- a sync journey runs in a daemon thread of its own: JourneyStuck is raised in that thread
  (it stops a spinning loop), the line is read from its frames, and a thread stuck in a call
  that cannot be interrupted is left behind (daemon: it never holds the process's exit).

Imports nothing from tagaudit.
"""

from __future__ import annotations

import asyncio
import ctypes
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

WATCH_SIGNAL = signal.SIGUSR1
POLL_S = 0.1  # how often the watching thread looks at the clock
RESIGNAL_S = 1.0  # a signal that landed outside the journey's code is sent again


class JourneyStuck(BaseException):
    """Raised inside a journey that overran its step's timeout. A BaseException, so that a
    journey's own `except Exception:` does not swallow it."""


class Clock:
    """The time left for the current step: `timeout` seconds from the last `restart()`."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout

    def restart(self) -> None:
        self.deadline = time.monotonic() + self.timeout

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def reason(self, path: Path, line: int | None) -> str:
        where = f"{path.name}:{line}" if line else f"a line outside {path.name}"
        return f"the step did not end within {self.timeout:g} s (stuck at {where})"


def frame_line(frame: FrameType | None, path: Path) -> int | None:
    """The line of the innermost frame of `path` in the stack that `frame` ends."""
    while frame is not None:
        if frame.f_code.co_filename == str(path):
            return frame.f_lineno
        frame = frame.f_back
    return None


def coroutine_line(coroutine: Any, path: Path) -> int | None:
    """The line of the innermost frame of `path` along a suspended coroutine's awaits."""
    line = None
    while coroutine is not None:
        frame = getattr(coroutine, "cr_frame", None) or getattr(coroutine, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == str(path):
            line = frame.f_lineno
        coroutine = getattr(coroutine, "cr_await", None) or getattr(coroutine, "gi_yieldfrom", None)
    return line


def thread_line(thread: threading.Thread, path: Path) -> int | None:
    frame = sys._current_frames().get(thread.ident or -1)
    return frame_line(frame, path)


def raise_in_thread(thread: threading.Thread) -> None:
    """JourneyStuck in `thread` at its next Python instruction (CPython's async exception)."""
    if thread.ident is not None and thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(JourneyStuck)
        )


# Journeys watched on the main thread now: path → clock (the signal handler reads it).
_WATCHED: dict[str, Clock] = {}
_PREVIOUS: list[Any] = []


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Raise JourneyStuck only inside the code of a journey whose step has run out."""
    for path, clock in list(_WATCHED.items()):
        line = frame_line(frame, Path(path))
        if line is not None and clock.left() <= 0:
            raise JourneyStuck(clock.reason(Path(path), line))


@contextmanager
def loop_watch(path: Path, clock: Clock, is_done: Callable[[], bool]) -> Iterator[None]:
    """While inside: if the step runs out while the journey holds the event loop's (main)
    thread, a watching thread signals it until the journey lets go (see the docstring)."""
    on_main = threading.current_thread() is threading.main_thread()
    if not on_main:  # handlers can be installed only there: cancellation alone then
        yield
        return
    key = str(path)
    if not _WATCHED:
        previous = signal.signal(WATCH_SIGNAL, _on_signal)
        _PREVIOUS.append(signal.SIG_DFL if previous is None else previous)
    _WATCHED[key] = clock
    stop = threading.Event()
    watcher = threading.Thread(
        target=_watch, args=(clock, is_done, stop, threading.main_thread().ident), daemon=True
    )
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join(timeout=POLL_S * 5)
        _WATCHED.pop(key, None)
        if not _WATCHED and _PREVIOUS:
            signal.signal(WATCH_SIGNAL, _PREVIOUS.pop())


def _watch(clock: Clock, is_done: Callable[[], bool], stop: threading.Event, main: Any) -> None:
    signalled = 0.0
    while not stop.wait(POLL_S):
        if is_done() or clock.left() > 0:
            continue
        if time.monotonic() - signalled >= RESIGNAL_S:
            signalled = time.monotonic()
            signal.pthread_kill(main, WATCH_SIGNAL)


async def wait_bounded(done: asyncio.Future[Any], clock: Clock, stop: Callable[[], None]) -> bool:
    """Wait for `done` while the clock allows: True when it ended in time. Past the clock,
    `stop()` the journey and give it a moment to let go; False."""
    while not done.done():
        left = clock.left()
        if left <= 0:
            stop()
            await asyncio.wait({done}, timeout=2.0)
            return False
        await asyncio.wait({done}, timeout=min(left, 1.0))
    return True
