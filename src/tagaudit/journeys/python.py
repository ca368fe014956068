"""Journeys written in Python: a file that defines `journey(page)`, sync or async.

tagaudit records while the function runs, on the page engine, exactly as for a YAML
journey; `tagaudit.step(page, "name")` marks where a step begins (before the first mark,
requests belong to the `start` step). An async `journey(page)` gets tagaudit's own async
Playwright page (what `playwright codegen --target python-async` writes). A sync one runs
in a worker thread and gets a thin synchronous stand-in for that page whose methods wait for
the real ones (what `playwright codegen --target python` writes; its `expect(...)` helpers
belong to Playwright's sync API and are not available: use `page.wait_for_url`,
`locator.wait_for()` instead).

A journey that raises fails the step it was in, with the exception's last line and the line
of the journey file that raised: never a traceback of tagaudit. KeyboardInterrupt and
SystemExit raised by a journey fail its step too (they do not end the run), and a step that
outlives the journey's `timeout` (else the page timeout; every `tagaudit.step()` starts the
clock again) is stopped and fails naming the line it was stuck at (journeys/watchdog.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import inspect
import sys
import threading
import traceback
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tagaudit.errors import UsageError, first_line
from tagaudit.journeys.recording import START, JourneyRecording
from tagaudit.journeys.watchdog import (
    Clock,
    JourneyStuck,
    coroutine_line,
    loop_watch,
    raise_in_thread,
    thread_line,
    wait_bounded,
)

# The page of every Python journey now running → its recording and its step's clock.
_ACTIVE: weakref.WeakKeyDictionary[Any, Running] = weakref.WeakKeyDictionary()


@dataclass
class Running:
    recording: JourneyRecording
    clock: Clock


def step(page: Any, name: str) -> None:
    """Mark that what `page` does from now on belongs to step `name` of the journey."""
    target = page._target if isinstance(page, SyncPage) else page
    running = _ACTIVE.get(target)
    if running is None:
        raise UsageError("tagaudit.step() works only in a journey that tagaudit runs")
    if isinstance(page, SyncPage):  # from the journey's thread: apply it in the loop's
        asyncio.run_coroutine_threadsafe(_mark(running, name), page._loop).result()
    else:
        running.recording.mark(name)
        running.clock.restart()


async def _mark(running: Running, name: str) -> None:
    running.recording.mark(name)
    running.clock.restart()


async def run_script(recording: JourneyRecording, path: Path, base_url: str | None) -> None:
    """Run the `journey(page)` of `path` on the recording's tab (opened by the caller).

    Each step is bounded by the journey's `timeout` (else the page timeout); a journey that
    cannot finish (an exception, even one whose message cannot be read, KeyboardInterrupt,
    SystemExit, a step past its time) fails the step it was in: never a pass."""
    tab = recording.tab
    assert tab is not None
    recording.begin(START)
    clock = Clock(recording.journey.timeout or tab.settings.page_timeout)
    _ACTIVE[tab.page] = Running(recording, clock)
    try:
        error = await _run(path, tab.page, clock)
        if error is None:
            await tab.settle()
    finally:
        _ACTIVE.pop(tab.page, None)
    await recording.settle_marks()
    await recording.end("failed" if error else "ok", error)


async def _run(path: Path, page: Any, clock: Clock) -> str | None:
    """Load and run the journey; None when it ended, else why it failed."""
    try:
        with loop_watch(path, clock, lambda: False):  # module-level code is the user's too
            function = _load(path)
    except JourneyStuck as stuck:
        return str(stuck)
    except BaseException as problem:  # a syntax error, an import that fails, sys.exit()
        return _last_line(problem, path)
    if inspect.iscoroutinefunction(function):
        return await _run_async(function, page, path, clock)
    return await _run_sync(function, SyncPage(page, asyncio.get_running_loop()), path, clock)


async def _run_async(function: Any, page: Any, path: Path, clock: Clock) -> str | None:
    task = asyncio.ensure_future(_caught(function, page, path))
    lines: list[int | None] = []

    def stop() -> None:
        lines.append(coroutine_line(task.get_coro(), path))
        task.cancel()

    try:
        with loop_watch(path, clock, task.done):
            ended = await wait_bounded(task, clock, stop)
    except asyncio.CancelledError:  # the run is interrupted: so is the journey
        task.cancel()
        raise
    return task.result() if ended else clock.reason(path, lines[0])


async def _caught(function: Any, page: Any, path: Path) -> str | None:
    """The journey's coroutine, every way it can end turned into None or a reason."""
    try:
        await function(page)
    except asyncio.CancelledError:
        raise
    except JourneyStuck as stuck:
        return str(stuck)
    except BaseException as problem:  # KeyboardInterrupt, SystemExit too: the journey's
        return _last_line(problem, path)
    return None


async def _run_sync(function: Any, page: SyncPage, path: Path, clock: Clock) -> str | None:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[str | None] = loop.create_future()

    def journey() -> None:
        try:
            function(page)
            error = None
        except JourneyStuck:
            error = "stopped"
        except BaseException as problem:
            error = _last_line(problem, path)
        with contextlib.suppress(RuntimeError):  # the loop may be closed by now
            loop.call_soon_threadsafe(_settle, done, error)

    # Its own daemon thread, not the loop's executor: a journey stuck in a call that cannot
    # be interrupted is left behind and never holds the process's exit.
    thread = threading.Thread(target=journey, name=f"journey {path.name}", daemon=True)
    thread.start()
    lines: list[int | None] = []

    def stop() -> None:
        lines.append(thread_line(thread, path))
        raise_in_thread(thread)

    try:
        ended = await wait_bounded(done, clock, stop)
    except asyncio.CancelledError:
        raise_in_thread(thread)
        raise
    return done.result() if ended else clock.reason(path, lines[0])


def _settle(done: asyncio.Future[str | None], error: str | None) -> None:
    if not done.done():
        done.set_result(error)


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"tagaudit_journey_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise UsageError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.pop(spec.name, None)
    spec.loader.exec_module(module)
    function = getattr(module, "journey", None)
    if not callable(function):
        raise UsageError(f"{path.name} defines no journey(page) function")
    return function


def _last_line(problem: BaseException, path: Path) -> str:
    """`ValueError: no such button (checkout.py:12)`: the error and where in the journey."""
    try:
        line = first_line(problem)
    except Exception as unreadable:  # a journey's exception whose __str__ fails
        line = f"(its message could not be read: {type(unreadable).__name__} in __str__)"
    message = f"{type(problem).__name__}: {line}" if line else type(problem).__name__
    if isinstance(problem, (SystemExit, KeyboardInterrupt)):
        message += " — a journey cannot end the run"
    frames = [f for f in traceback.extract_tb(problem.__traceback__) if f.filename == str(path)]
    if isinstance(problem, SyntaxError) and problem.lineno:
        return f"{message} ({path.name}:{problem.lineno})"
    return f"{message} ({path.name}:{frames[-1].lineno})" if frames else message


class SyncPage:
    """A synchronous stand-in for an async Playwright object, used from a worker thread.

    Coroutine methods are run in the recording's event loop and waited for; other methods
    and attributes pass through; Playwright objects they return (locators, frames, the
    keyboard) are wrapped the same way, and wrapped arguments are unwrapped.
    """

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target, self._loop = target, loop

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if inspect.iscoroutinefunction(value):

            def wait(*args: Any, **kwargs: Any) -> Any:
                call = value(*_plain(args), **_plain(kwargs))
                return self._wrap(asyncio.run_coroutine_threadsafe(call, self._loop).result())

            return wait
        if callable(value):
            return lambda *args, **kwargs: self._wrap(value(*_plain(args), **_plain(kwargs)))
        return self._wrap(value)

    def _wrap(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        if type(value).__module__.startswith("playwright."):
            return SyncPage(value, self._loop)
        return value

    def __repr__(self) -> str:
        return f"<sync {self._target!r}>"


def _plain(value: Any) -> Any:
    if isinstance(value, SyncPage):
        return value._target
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
