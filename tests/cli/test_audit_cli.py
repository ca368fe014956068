"""`tagaudit audit` as a user runs it: bad input, interruption, remote browsers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagaudit.browser.session import LAUNCH_ARGS
from tagaudit.cli import main
from tagaudit.runner.sitesrv import SiteServer
from tests.support.servers import serve_folder
from tests.support.waiting import PATIENCE, wait_until

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    with serve_folder(FIXTURES / "capture-site") as server:
        yield server


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "ftp://example.com/"], "unsupported URL scheme"),
        (["audit", "http://exa mple.com/"], "malformed URL"),
        (["audit", "http://example.com:99999/"], "malformed URL"),
        (["audit"], "no pages to audit"),
        (["audit", "https://example.com/", "--consent", "maybe"], "--consent"),
        (["audit", "https://example.com/", "--fail-on", "sometimes"], "--fail-on"),
        (["audit", "https://example.com/", "--isolation", "none"], "--isolation"),
        (["audit", "https://example.com/", "--bogus"], "No such option"),
        (["audit", "-c", "/nonexistent/tagaudit.yaml"], "cannot read"),
        # Flags are checked like the config keys they override, and named as typed.
        (["audit", "https://example.com/", "--max-pages", "0"], "--max-pages: must be at least 1"),
        (["audit", "https://example.com/", "--concurrency", "0"], "--concurrency: must be at"),
        (["audit", "https://example.com/", "--page-timeout", "0"], "--page-timeout: must be"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err


def test_missing_browser_is_exit_3(site: SiteServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", site.url("/landing/"), "--browser", "/nonexistent/chrome", "-q"])
    err = capsys.readouterr().err
    assert code == 3
    assert "no Chromium found" in err and len(err.strip().splitlines()) == 1


@pytest.mark.timing
@pytest.mark.e2e
def test_interrupt_still_writes_the_report(
    site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    """Ctrl-C in the middle of a crawl: the pages that finished are in the report."""
    out = tmp_path / "report.json"
    targets = [site.url(f"/busy/?n={n}") for n in range(8)]
    command = [sys.executable, "-m", "tagaudit", "audit", *targets, "--concurrency", "1"]
    command += ["--browser", chromium_path, "--json", str(out), "-q"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    # The third page started: two are finished (each busy page takes its bounded wait, 5 s).
    wait_until(lambda: "/busy/?n=2" in site.served, what="the third page", process=process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=PATIENCE)
    assert process.returncode == 130, err
    report = json.loads(out.read_text())
    assert report["interrupted"] is True
    assert 2 <= len(report["pages"]) < len(targets)
    assert all(page["error"] is None for page in report["pages"])


@pytest.mark.e2e
def test_remote_browser_over_cdp(site: SiteServer, chromium_path: str, tmp_path: Path) -> None:
    """--browser-endpoint takes any CDP endpoint (a browser grid, a remote Chrome)."""
    browser = subprocess.Popen(
        [
            chromium_path,
            "--headless",
            "--remote-debugging-port=0",
            f"--user-data-dir={tmp_path / 'profile'}",
            *LAUNCH_ARGS,
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = _devtools_endpoint(browser)
        out = tmp_path / "report.json"
        code = main(
            ["audit", site.url("/landing/"), "--browser-endpoint", endpoint, "--json", str(out)]
        )
        assert code == 0
        (page,) = json.loads(out.read_text())["pages"]
        assert [(h["provider"], h["event"]) for h in page["hits"]] == [("ga4", "page_view")]
        # Every request to a third party (the site's own favicon aside) answered here.
        third = [r for r in page["requests"] if not r["url"].startswith(site.url("/"))]
        assert third and all(r["answered_locally"] for r in third)
    finally:
        browser.terminate()
        browser.wait(timeout=10)
        if browser.stderr is not None:
            browser.stderr.close()


def _devtools_endpoint(browser: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 20
    assert browser.stderr is not None
    os.set_blocking(browser.stderr.fileno(), True)
    while time.monotonic() < deadline:
        line = browser.stderr.readline()
        found = re.search(r"DevTools listening on ws://([^/]+)/", line)
        if found:
            return f"http://{found.group(1)}"
    raise AssertionError("the browser did not announce its DevTools endpoint")
