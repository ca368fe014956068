"""Every report is written on its own, whole or not at all; a run's own failure is exit 3.

Runs `tagaudit links` over HTTP only against the demo site (fast, no browser) as a user would,
with report paths that cannot be written: a full device, a directory.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.report import write_text
from tagaudit.runner.sitesrv import SiteServer

SPRING = "/go/spring?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&gclid=G1"


def _links(site: SiteServer, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tagaudit", "links", site.url(SPRING), "--http-only", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_report_that_cannot_be_written_is_one_line_and_exit_3(
    demo_site: SiteServer, tmp_path: Path
) -> None:
    done = _links(demo_site, "--json", "/dev/full", "--html", str(tmp_path / "r.html"), "-q")
    assert done.returncode == 3, done.stderr
    problems = [line for line in done.stderr.splitlines() if "could not write" in line]
    assert problems == [
        "tagaudit: could not write the json report to /dev/full: No space left on device"
    ]
    assert "Traceback" not in done.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # written to, never replaced


def test_a_directory_as_report_path_fails_before_the_run(
    demo_site: SiteServer, tmp_path: Path
) -> None:
    served = len(demo_site.served)
    done = _links(demo_site, "--json", str(tmp_path), "-q")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"tagaudit: --json {tmp_path}: {tmp_path} is a directory"
    ]
    assert len(demo_site.served) == served  # no link was followed


def test_reports_after_a_failing_one_are_still_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that turned bad during the run (its folder became a file) costs only that
    report: one line, exit 2, and the reports after it are written."""
    from tagaudit.cli.common import ReportOptions, finish
    from tagaudit.model import Report

    blocked = tmp_path / "blocked"
    paths = {
        "json": blocked / "r.json",
        "markdown": tmp_path / "r.md",
        "sarif": tmp_path / "r.sarif",
    }
    options = ReportOptions(paths)
    options.check_paths()  # fine when the run starts
    blocked.write_text("not a folder")
    assert finish(Report(tool_version="0"), options) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"tagaudit: could not write the json report to {blocked / 'r.json'}: Not a directory"
    ]
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("## tagaudit:")
    assert json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_a_report_is_whole_or_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half-way (the disk filled up) leaves the previous report intact
    and no temporary file behind: the new text goes to a temporary file renamed into place."""
    path = tmp_path / "report.json"
    path.write_text('{"previous": true}\n')

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_text(path, '{"new": "x' + "y" * 100_000)
    assert path.read_text() == '{"previous": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_an_internal_error_is_exit_3_in_one_line(
    demo_site: SiteServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug inside tagaudit is not a tracking finding (exit 1): exit 3, one line, and the
    traceback only with --debug."""
    from tagaudit.runner import links as runner_links

    async def broken(self: object) -> None:
        raise RuntimeError("boom in the core")

    monkeypatch.setattr(runner_links.LinkRun, "execute", broken)
    args = ["links", demo_site.url(SPRING), "--http-only", "-q"]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "tagaudit: internal error: RuntimeError: boom in the core (--debug shows the traceback)"
    ]
    with pytest.raises(RuntimeError, match="boom"):
        main([*args, "--debug"])
