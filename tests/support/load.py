"""Busy processes beside the tests: what a shared CI machine does to their timing.

`pytest --busy 2` starts two CPU-bound processes for the whole session (tests/conftest.py),
so tests that wait on signals, deadlines and page timeouts are proved on a loaded machine
(scripts/test-under-load runs the `timing` ones five times that way, then the whole suite).
Each busy process ends with the session, and by itself if the session dies (it watches its
parent), so none is ever left spinning.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Spin, but look at the parent now and then: orphaned, stop (a killed pytest leaves nothing).
SPIN = (
    "import os, sys\n"
    "parent = int(sys.argv[1])\n"
    "while os.getppid() == parent:\n"
    "    for _ in range(2_000_000):\n"
    "        pass\n"
)


@contextmanager
def busy_processes(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` processes that each keep one core busy until the block ends."""
    import os

    started = [
        subprocess.Popen([sys.executable, "-c", SPIN, str(os.getpid())]) for _ in range(count)
    ]
    try:
        yield started
    finally:
        for process in started:
            process.kill()
        for process in started:
            process.wait(timeout=10)
