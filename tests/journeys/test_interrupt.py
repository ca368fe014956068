"""Ctrl-C in the middle of a journey: every step that finished is in the report."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tagaudit.runner.sitesrv import SiteServer
from tests.support.waiting import PATIENCE, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timing]


def test_an_interrupted_journey_keeps_its_finished_steps(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "journeys:\n"
        "  - name: slow\n"
        f"    start: {demo_site.url('/shop/?gclid=TEST-1')}\n"
        "    steps:\n"
        "      - name: product\n"
        "        do: [{click: Trail Widget}]\n"
        "      - name: waiting\n"
        "        timeout: 60\n"
        "        do:\n"
        f"          - goto: '{demo_site.url('/privacy/?interrupt-test')}'\n"
        "          - wait_for: {selector: '#never-there'}\n"
    )
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "tagaudit", "audit", "-c", str(config)]
    command += ["--browser", chromium_path, "--json", str(out), "-q"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    # The waiting step began: start and product are finished.
    waiting = "/privacy/?interrupt-test"
    wait_until(lambda: waiting in demo_site.served, what="the waiting step", process=process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=PATIENCE)
    assert process.returncode == 130, err
    report = json.loads(out.read_text())
    [journey] = report["journeys"]
    assert journey["status"] == "interrupted"
    assert [s["name"] for s in journey["steps"]] == ["start", "product"]
    assert [p["step"] for p in report["pages"]] == ["start", "product"]
    assert any(h["event"] == "view_item" for h in report["pages"][1]["hits"])
