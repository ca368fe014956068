"""Running a team's own test files with pytest in a fresh process, as the team would.

`run_suite(folder, files, *args)` writes the files into `folder` and runs `python -m pytest`
there with `args`; the Chromium to use comes from TAGAUDIT_BROWSER, as on a machine where
Playwright's own browser was never downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_suite(
    folder: Path,
    files: dict[str, str],
    *args: str,
    chromium: str,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """pytest's outcome over `files` (name → text) written into `folder`."""
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "TAGAUDIT_BROWSER": chromium, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def outcome(done: subprocess.CompletedProcess[str]) -> str:
    """stdout and stderr, for an assertion's message."""
    return f"{done.stdout}\n{done.stderr}"
