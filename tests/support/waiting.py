"""Waiting in tests for an event, never for a time: a marker, a request, a file, a process.

`wait_until(condition, what=…)` polls `condition` until it holds. Its limit only guards
against a hang, so it is generous (PATIENCE): on a loaded CI machine a run may be many times
slower than on a laptop, and a test must not fail for that. When the watched process ends
first, the failure says so at once instead of waiting out the limit.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

# Seconds a run may take to reach the point a test waits for: a hang guard, not a speed test.
PATIENCE = 300.0


def wait_until(
    condition: Callable[[], object],
    *,
    what: str,
    within: float = PATIENCE,
    process: subprocess.Popen[str] | None = None,
    poll: float = 0.05,
) -> None:
    """Return once `condition()` is true; AssertionError naming `what` if `process` ended or
    `within` seconds passed first."""
    deadline = time.monotonic() + within
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the run ended (exit {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {within:g} s")
        time.sleep(poll)
