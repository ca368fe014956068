"""What the hostile tests share: where the site is, and the processes a tagaudit run starts
(found through /proc, so a test kills its own browser and never another test's)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
# The memory bomb runs out of a small JavaScript heap in a second instead of taking the
# machine's RAM first (V8's default old space is several gigabytes).
SMALL_HEAP = "--js-flags=--max-old-space-size=192"


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (read from /proc: the driver, the browser, its helpers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def browser_processes(pid: int) -> list[int]:
    """The Chromium processes started under `pid` (never another test's browser)."""
    found = []
    for child in descendants(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if b"chrom" in Path(command.decode(errors="replace")).name.encode():
            found.append(child)
    return found


def kill_browser_of(pid: int) -> int:
    """SIGKILL the Chromium that process `pid` drives; how many processes were killed."""
    killed = 0
    for child in browser_processes(pid):
        try:
            os.kill(child, signal.SIGKILL)
            killed += 1
        except ProcessLookupError:
            pass
    return killed


def tree_rss(pid: int) -> int:
    """Resident memory of `pid` and every process below it, in bytes (from /proc; memory the
    browser's processes share is counted in each, so this is an upper bound)."""
    return sum(_rss(member) for member in [pid, *descendants(pid)])


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class Watched:
    """A finished command: its exit code, output, wall time, and the peak memory of its whole
    process tree (tagaudit, the driver, the browser) and of tagaudit's own process."""

    returncode: int
    out: str
    err: str
    seconds: float
    peak_rss: int
    own_peak_rss: int


def run_watched(
    command: list[str],
    limit: float,
    interrupt_after: Callable[[], bool] | None = None,
    signum: int = signal.SIGTERM,
) -> Watched:
    """Run `command`, sampling its process tree's memory every 50 ms; SIGKILL it past `limit`
    seconds (the test then fails on the time). With `interrupt_after`, send `signum` once it
    says so, and time the run from that signal to its end."""
    began = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = own = 0
    signalled = None
    with ThreadPoolExecutor(1) as pool:
        output = pool.submit(process.communicate)
        while process.poll() is None and time.monotonic() - began < limit:
            peak = max(peak, tree_rss(process.pid))
            own = max(own, _rss(process.pid))
            if signalled is None and interrupt_after is not None and interrupt_after():
                process.send_signal(signum)
                signalled = time.monotonic()
            time.sleep(0.05)
        if process.poll() is None:
            for pid in [*descendants(process.pid), process.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        out, err = output.result()
    took = time.monotonic() - (signalled or began)
    return Watched(process.returncode, out, err, took, peak, own)
