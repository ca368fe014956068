"""Chromium killed mid-run (SIGKILL to the browser the CLI drives, a real process): the run
is marked failed (exit 3, one line on stderr), the pages that finished are kept, and the
pages the dead browser took down are not reported as broken pages.

Before: every remaining page got its own "TargetClosedError" and exit 1 (CI read "tracking
broken"); in a consent run a traceback and no report at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tagaudit.runner.sitesrv import SiteServer
from tests.hostile.hostile_kit import kill_browser_of
from tests.support.waiting import PATIENCE, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timing]


def _kill_after(site: SiteServer, process: subprocess.Popen[str], served: int) -> None:
    """Kill the process's browser once `served` healthy pages were requested (a consent
    scenario loads its page twice: 20 is past the first two pages' scenarios)."""
    wait_until(
        lambda: sum("/healthy/" in p for p in site.served) >= served,
        what=f"{served} healthy pages were requested",
        process=process,
    )
    assert kill_browser_of(process.pid) > 0


@pytest.mark.parametrize("consent", [None, "none,accept,reject"])
def test_a_killed_browser_fails_the_run_and_keeps_what_finished(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path, consent: str | None
) -> None:
    out = tmp_path / "report.json"
    html = tmp_path / "report.html"
    targets = [hostile_site.url(f"/healthy/{c}/?n={n}") for n in range(10) for c in "abc"]
    command = [sys.executable, "-m", "tagaudit", "audit", *targets, "--concurrency", "2"]
    command += ["--browser", chromium_path, "--json", str(out), "--html", str(html), "-q"]
    if consent:
        command += ["--consent", consent]
    hostile_site.served.clear()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _kill_after(hostile_site, process, 20 if consent else 6)
        _, err = process.communicate(timeout=PATIENCE)
    finally:
        process.kill()
    assert process.returncode == 3, err
    assert "Traceback" not in err
    assert "the browser closed unexpectedly" in err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "the browser closed unexpectedly" in report["config"]["run_error"]
    pages = report["pages"]
    assert 0 < len(pages) < len(targets) * (3 if consent else 1)
    assert all(p["error"] is None and p["status"] == 200 for p in pages), pages
    assert not [f for f in report["findings"] if f["rule_id"] == "page-load-error"]
    assert html.stat().st_size > 0
