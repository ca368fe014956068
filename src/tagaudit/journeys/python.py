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
of the journey file that raised: never a traceback of tagaudit.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import sys
import traceback
import weakref
from pathlib import Path
from typing import Any

from tagaudit.errors import UsageError, first_line
from tagaudit.journeys.recording import START, JourneyRecording

# The page of every Python journey now running → its recording (for `step()`).
_ACTIVE: weakref.WeakKeyDictionary[Any, JourneyRecording] = weakref.WeakKeyDictionary()


def step(page: Any, name: str) -> None:
    """Mark that what `page` does from now on belongs to step `name` of the journey."""
    target = page._target if isinstance(page, SyncPage) else page
    recording = _ACTIVE.get(target)
    if recording is None:
        raise UsageError("tagaudit.step() works only in a journey that tagaudit runs")
    if isinstance(page, SyncPage):  # from the journey's thread: apply it in the loop's
        asyncio.run_coroutine_threadsafe(_mark(recording, name), page._loop).result()
    else:
        recording.mark(name)


async def _mark(recording: JourneyRecording, name: str) -> None:
    recording.mark(name)


async def run_script(recording: JourneyRecording, path: Path, base_url: str | None) -> None:
    """Run the `journey(page)` of `path` on the recording's tab (opened by the caller)."""
    tab = recording.tab
    assert tab is not None
    recording.begin(START)
    try:
        function = _load(path)
    except Exception as problem:  # a syntax error, an import that fails, no journey()
        await recording.end("failed", _last_line(problem, path))
        return
    _ACTIVE[tab.page] = recording
    error = None
    try:
        if inspect.iscoroutinefunction(function):
            await function(tab.page)
        else:
            loop = asyncio.get_running_loop()
            await asyncio.to_thread(function, SyncPage(tab.page, loop))
        await tab.settle()
    except Exception as problem:
        error = _last_line(problem, path)
    finally:
        _ACTIVE.pop(tab.page, None)
    await recording.settle_marks()
    await recording.end("failed" if error else "ok", error)


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
    line = first_line(problem)
    message = f"{type(problem).__name__}: {line}" if line else type(problem).__name__
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
