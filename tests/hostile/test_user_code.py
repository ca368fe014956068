"""No hang and no false pass from user code (issue 22, item 8): a journey that cannot finish
is a failed step, never a pass.

Before: a Python journey that slept or spun (sync or async) or awaited forever ran past 240 s
and ignored SIGTERM; a YAML `evaluate` step that timed out (`KeyError: 'text'`), a journey
raising an exception whose `str()` fails, and `sys.exit(0)` (the whole run: exit 0, no
reports) gave exit 0 "passed" with the steps lost; a journey raising KeyboardInterrupt was
"ok"; `goto: file:///…` (and `start:`) put a screenshot of the file into the HTML report.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tagaudit.runner.sitesrv import SiteServer
from tests.hostile.hostile_kit import Watched, run_watched

pytestmark = pytest.mark.e2e

STEP_TIMEOUT = 3
# name → (journey file, the failed step's error). Each first loads a page of the site.
PYTHON = {
    "sync-sleep": (
        "import time\n\ndef journey(page):\n    page.goto('/healthy/a/')\n    time.sleep(1000)\n",
        "the step did not end within 3 s (stuck at sync-sleep.py:5)",
    ),
    "sync-spin": (
        "def journey(page):\n    page.goto('/healthy/a/')\n    while True:\n        pass\n",
        "the step did not end within 3 s (stuck at sync-spin.py:3)",
    ),
    "async-sleep": (
        "import time\nimport tagaudit\n\nasync def journey(page):\n"
        "    await page.goto('/healthy/a/')\n    tagaudit.step(page, 'stuck')\n"
        "    time.sleep(1000)\n",
        "the step did not end within 3 s (stuck at async-sleep.py:7)",
    ),
    "async-spin": (
        "async def journey(page):\n    await page.goto('/healthy/a/')\n    n = 0\n"
        "    while True:\n        n += 1\n",
        "the step did not end within 3 s (stuck at async-spin.py:",  # line 4 or 5
    ),
    "await-forever": (
        "import asyncio\n\nasync def journey(page):\n    await page.goto('/healthy/a/')\n"
        "    await asyncio.Event().wait()\n",
        "the step did not end within 3 s (stuck at await-forever.py:5)",
    ),
    "unreadable-error": (
        "class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n\n"
        "async def journey(page):\n    await page.goto('/healthy/a/')\n    raise Odd()\n",
        "Odd: (its message could not be read: RuntimeError in __str__) (unreadable-error.py:7)",
    ),
    "keyboard-interrupt": (
        "async def journey(page):\n    await page.goto('/healthy/a/')\n"
        "    raise KeyboardInterrupt\n",
        "KeyboardInterrupt — a journey cannot end the run (keyboard-interrupt.py:3)",
    ),
    "sys-exit": (
        "import sys\n\ndef journey(page):\n    page.goto('/healthy/a/')\n    sys.exit(0)\n",
        "SystemExit: 0 — a journey cannot end the run (sys-exit.py:5)",
    ),
}
YAML = """
  - name: evaluate-forever
    timeout: 3
    steps:
      - name: hang
        do:
          - goto: /healthy/a/
          - evaluate: "() => new Promise(() => {})"
  - name: goto-file
    steps:
      - name: peek
        do:
          - goto: file:///etc/passwd
  - name: start-file
    start: file:///etc/passwd
    steps:
      - name: look
        do:
          - wait_for: {selector: body}
"""
YAML_ERRORS = {
    "evaluate-forever": "evaluate script: () => new Promise(() => {}) did not finish within 3 s",
    "goto-file": "goto file:///etc/passwd refused: a journey goes to http(s) pages only",
    "start-file": "start file:///etc/passwd refused: a journey goes to http(s) pages only",
}


def _config(folder: Path, site: SiteServer, names: list[str], yaml: str = "") -> Path:
    for name in names:
        (folder / f"{name}.py").write_text(PYTHON[name][0], encoding="utf-8")
    listed = "".join(f"  - {{name: {n}, script: {n}.py, timeout: {STEP_TIMEOUT}}}\n" for n in names)
    config = folder / "tagaudit.yaml"
    config.write_text(f"base_url: {site.url('/')}\njourneys:\n{listed}{yaml}", encoding="utf-8")
    return config


def _command(config: Path, chromium: str, out: Path) -> list[str]:
    command = [sys.executable, "-m", "tagaudit", "audit", "-c", str(config), "-q"]
    return [*command, "--concurrency", "1", "--browser", chromium, "--json", str(out)]


@pytest.fixture(scope="module")
def ran(
    hostile_site: SiteServer, chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Watched, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("journeys")
    config = _config(folder, hostile_site, list(PYTHON), YAML)
    out = folder / "report.json"
    watched = run_watched(_command(config, chromium_path, out), 300)
    return watched, json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}


def test_the_run_ends_in_bounded_time_fails_and_reports(ran: tuple[Watched, dict]) -> None:
    watched, report = ran
    assert watched.returncode == 1, watched.err[-2000:]
    assert "Traceback" not in watched.err
    # Eleven journeys one after the other, the stuck ones 3 s each (measured: 35-60 s).
    assert watched.seconds < 180, watched.seconds
    assert len(report["journeys"]) == len(PYTHON) + len(YAML_ERRORS)


@pytest.mark.parametrize("name", [*PYTHON, *YAML_ERRORS])
def test_a_journey_that_cannot_finish_is_a_failed_step(
    ran: tuple[Watched, dict], name: str
) -> None:
    _, report = ran
    journey = next(j for j in report["journeys"] if j["name"] == name)
    assert journey["status"] == "failed"
    failed = [s for s in journey["steps"] if s["status"] == "failed"]
    expected = PYTHON[name][1] if name in PYTHON else YAML_ERRORS[name]
    assert len(failed) == 1 and failed[0]["error"].startswith(expected), journey["steps"]
    said = [f["message"] for f in report["findings"] if f["rule_id"] == "journey-step-failed"]
    assert any(name in m and expected[:40] in m for m in said), said


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_a_journey_holds_the_loop_ends_the_run_with_its_report(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path, signum: int
) -> None:
    """An async journey that sleeps on the event loop's thread (it writes a marker file
    just before): nothing else runs until its step's timeout stops it, then the signal is
    handled. Bounded by that timeout."""
    marker = tmp_path / "sleeping"
    (tmp_path / "sleeper.py").write_text(
        "import time\nfrom pathlib import Path\nimport tagaudit\n\n"
        "async def journey(page):\n    await page.goto('/healthy/a/')\n"
        f"    tagaudit.step(page, 'stuck')\n    Path({str(marker)!r}).write_text('now')\n"
        "    time.sleep(1000)\n",
        encoding="utf-8",
    )
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        f"base_url: {hostile_site.url('/')}\njourneys:\n"
        f"  - {{name: sleeper, script: sleeper.py, timeout: {STEP_TIMEOUT}}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    command = _command(config, chromium_path, out)
    watched = run_watched(command, 120, marker.exists, signum)
    assert watched.returncode == 130, watched.err[-2000:]
    assert watched.seconds < STEP_TIMEOUT + 25, watched.seconds  # measured: 3-5 s
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["interrupted"] is True
    [journey] = report["journeys"]
    assert journey["status"] == "interrupted"
    assert [(s["name"], s["status"]) for s in journey["steps"]][:1] == [("start", "ok")]
