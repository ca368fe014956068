"""Progress while a run works: a live bar on a terminal, plain lines in CI logs.

The core calls `show(event)` with a tagaudit.runner.Progress (`done`, `total`, `label`) each
time a unit of work finishes: a page, one consent scenario, a journey step. The total grows as
a crawl discovers pages and consent scenarios are queued, so `done` never passes it.

On a terminal: a transient rich bar (label, bar, done/total, elapsed clock). Off a terminal
(CI logs, pipes) nothing redraws, so a line goes to stderr every `every_seconds` (and after
every `every_units` finished units), with a heartbeat when nothing finished for a while: a
consent run that takes 30 s is never silent; a last line says how much ran in how long.
Quiet (-q) prints nothing. Labels are page data:
they are printed as text (never rich markup) with their secrets masked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tagaudit.report.masking import for_people

ProgressShow = Callable[[Any], None]
EVERY_SECONDS = 10.0
EVERY_UNITS = 25


def _label(text: str, width: int = 50) -> str:
    text = for_people(text)
    return text if len(text) <= width else "…" + text[-(width - 1) :]


@contextmanager
def progress(
    console: Console | None = None,
    quiet: bool = False,
    every_seconds: float = EVERY_SECONDS,
    every_units: int = EVERY_UNITS,
) -> Iterator[ProgressShow]:
    """Yields `show(progress_event)` for the core's callback (see module docstring)."""
    console = console or Console(stderr=True)
    if quiet:
        yield lambda event: None
    elif console.is_terminal:
        with _bar(console) as show:
            yield show
    else:
        with _lines(console.file, every_seconds, every_units) as show:
            yield show


@contextmanager
def _bar(console: Console) -> Iterator[ProgressShow]:
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True, refresh_per_second=4) as bar:
        task = bar.add_task("starting the browser", total=None)

        def show(event: Any) -> None:
            total = max(event.total, event.done)
            bar.update(task, completed=event.done, total=total, description=_label(event.label))

        yield show


class _Lines:
    """Plain progress lines for logs: on a timer and every N units, never redrawn."""

    def __init__(self, out: TextIO, every_seconds: float, every_units: int) -> None:
        self.out, self.every_seconds, self.every_units = out, every_seconds, every_units
        self.started = self.last_line = time.monotonic()
        self.done = self.total = self.printed_at = 0
        self.label = ""
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def show(self, event: Any) -> None:
        with self.lock:
            self.done, self.total = event.done, max(event.total, event.done)
            self.label = event.label
            due = self.done - self.printed_at >= self.every_units
            if due or time.monotonic() - self.last_line >= self.every_seconds:
                self._line("done")

    def tick(self) -> None:
        """The heartbeat: a line when nothing was printed for `every_seconds`."""
        while not self.stop.wait(min(1.0, self.every_seconds)):
            with self.lock:
                if time.monotonic() - self.last_line >= self.every_seconds:
                    self._line("still working")

    def finish(self) -> None:
        """The last line: how much was done and how long it took (when anything ran)."""
        with self.lock:
            if self.done and self.printed_at != self.done:
                self._line("done")

    def _line(self, what: str) -> None:
        elapsed = round(time.monotonic() - self.started)
        total = f"{self.done}/{self.total}" if self.total else f"{self.done}"
        last = f", last: {_label(self.label, 80)}" if self.label and what == "done" else ""
        self.out.write(f"tagaudit: {total} {what} ({elapsed} s){last}\n")
        self.out.flush()
        self.last_line = time.monotonic()
        self.printed_at = self.done


@contextmanager
def _lines(out: TextIO, every_seconds: float, every_units: int) -> Iterator[ProgressShow]:
    lines = _Lines(out, every_seconds, every_units)
    beat = threading.Thread(target=lines.tick, name="tagaudit-progress", daemon=True)
    beat.start()
    try:
        yield lines.show
        lines.finish()
    finally:
        lines.stop.set()
        beat.join(timeout=2)
