"""Ctrl-C and SIGTERM (a CI runner cancelling the job) in the middle of consent scenarios: the
scenarios that finished are in every report, exit 130, and no browser is left behind.

Before: Ctrl-C kept 0 pages (a page's scenarios were kept only once all three finished) and
SIGTERM killed the run with no report at all.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tagaudit.runner.sitesrv import SiteServer
from tests.hostile.hostile_kit import browser_processes
from tests.support.waiting import PATIENCE, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timing]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_consent_run_keeps_its_finished_scenarios(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path, signum: int
) -> None:
    out, markdown = tmp_path / "report.json", tmp_path / "summary.md"
    targets = [hostile_site.url(f"/healthy/{c}/?n={n}") for n in range(4) for c in "abc"]
    command = [sys.executable, "-m", "tagaudit", "audit", *targets, "--concurrency", "1"]
    command += ["--consent", "none,accept,reject", "--browser", chromium_path]
    command += ["--json", str(out), "--markdown", str(markdown), "-q"]
    hostile_site.served.clear()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Each scenario loads its page twice, and with one worker the second page starts only
        # once the first one's three scenarios are kept: past 8 loads, they are.
        wait_until(
            lambda: sum("/healthy/" in p for p in hostile_site.served) >= 8,
            what="the second page's scenarios began",
            process=process,
        )
        browsers = browser_processes(process.pid)
        process.send_signal(signum)
        _, err = process.communicate(timeout=PATIENCE)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["interrupted"] is True
    scenarios = [(p["url"], p["scenario"]) for p in report["pages"]]
    assert (targets[0], "accept") in scenarios and (targets[0], "reject") in scenarios
    assert len(scenarios) < 3 * len(targets)
    assert "interrupted" in markdown.read_text(encoding="utf-8")
    assert browsers and not _still_running(browsers)


def _still_running(pids: list[int], patience: float = 10.0) -> list[int]:
    """Those of `pids` still alive after `patience` s (a zombie waiting to be reaped is not:
    the zygotes exit a moment after the browser they served)."""
    deadline = time.monotonic() + patience
    while True:
        alive = [pid for pid in pids if _state(pid) not in (None, "Z")]
        if not alive or time.monotonic() > deadline:
            return [(pid, _command(pid)) for pid in alive]
        time.sleep(0.1)


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return ""
