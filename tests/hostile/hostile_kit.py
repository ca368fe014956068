"""What the hostile tests share: where the site is, and the processes a tagaudit run starts
(found through /proc, so a test kills its own browser and never another test's)."""

from __future__ import annotations

import os
import signal
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
