"""`--browser-endpoint` for real, on loopback: a Playwright browser server started by the test
(the driver's `launch-server`, running Debian's Chromium; `run-server` needs Playwright's
own browser build), and a plain Chromium with `--remote-debugging-port` (a CDP endpoint, as
browser grids offer). The local browser is made unfindable, so only the remote one can work;
tracking hits are still answered by tagaudit (routes work over both protocols)."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tagaudit.cli import main
from tagaudit.runner.sitesrv import SiteServer
from tests.support.servers import refused_port

pytestmark = pytest.mark.e2e
WS = re.compile(r"(ws://127\.0\.0\.1:\d+/\S*)")
DEVTOOLS = re.compile(r"DevTools listening on ws://(127\.0\.0\.1:\d+)/")


def _first_match(process: subprocess.Popen, stream: IO[bytes], pattern: re.Pattern[str]) -> str:
    """The first group of the first line of `stream` matching `pattern` (the process says
    where it listens: a real signal, no sleeping). The rest of the stream is drained by a
    thread until the process ends (a full pipe would stall it)."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    deadline, buffer = time.monotonic() + 30, b""
    try:
        while time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            match = pattern.search(buffer.decode(errors="replace"))
            if match:
                drainer = threading.Thread(target=_drain, args=(stream,), daemon=True)
                drainer.start()
                process.drainers = [*getattr(process, "drainers", []), drainer]  # type: ignore[attr-defined]
                return match.group(1)
    finally:
        selector.close()
    raise AssertionError(f"no {pattern.pattern!r} within 30 s: {buffer[-500:]!r}")


def _drain(stream: IO[bytes]) -> None:
    """Read until the process closes its end, then close ours."""
    while os.read(stream.fileno(), 65536):
        pass
    stream.close()


def _stop(process: subprocess.Popen) -> None:
    """End the process we started, and its children (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for drainer in getattr(process, "drainers", []):
        drainer.join(timeout=10)  # the pipes reach EOF once the process group is gone
    for stream in (process.stdout, process.stderr):
        if stream is not None and not stream.closed:
            stream.close()


@pytest.fixture
def playwright_server(chromium_path: str, tmp_path: Path) -> Iterator[str]:
    from playwright._impl._driver import compute_driver_executable

    node, cli = compute_driver_executable()
    options = {"executablePath": chromium_path, "headless": True, "host": "127.0.0.1",
               "port": 0, "args": ["--no-sandbox"]}  # fmt: skip
    (tmp_path / "server.json").write_text(json.dumps(options), encoding="utf-8")
    argv = [node, cli, "launch-server", "--browser", "chromium", "--config", "server.json"]
    process = subprocess.Popen(
        argv,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        yield _first_match(process, process.stdout, WS)
    finally:
        _stop(process)


@pytest.fixture
def cdp_endpoint(chromium_path: str, tmp_path: Path) -> Iterator[str]:
    argv = [
        chromium_path,
        "--headless=new",
        "--no-sandbox",
        "--remote-debugging-port=0",  # Chromium picks a free port and says which on stderr
        f"--user-data-dir={tmp_path / 'profile'}",
        "about:blank",
    ]
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        assert process.stderr is not None
        yield "http://" + _first_match(process, process.stderr, DEVTOOLS)
    finally:
        _stop(process)


def _audit_through(
    endpoint: str, site: SiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict:
    monkeypatch.setenv("TAGAUDIT_BROWSER", str(tmp_path / "no-local-browser"))
    out = tmp_path / "report.json"
    pages = [site.url("/"), site.url("/checkout/thank-you/")]
    argv = ["audit", *pages, "--browser-endpoint", endpoint, "-q", "--fail-on", "never"]
    assert main([*argv, "--json", str(out), "--quiet-ms", "300"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _check(report: dict) -> None:
    assert [p["status"] for p in report["pages"]] == [200, 200]
    hits = [h for p in report["pages"] for h in p["hits"] if h["kind"] == "hit"]
    assert {"page_view", "purchase"} <= {h["event"] for h in hits}
    answered = [r for p in report["pages"] for r in p["requests"] if r.get("answered_locally")]
    assert answered, "tracking hits were answered locally, not delivered"
    assert str(report["config"]["browser"]).split(".")[0].isdigit()


def test_a_playwright_browser_server(
    playwright_server: str,
    demo_site: SiteServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert playwright_server.startswith("ws://127.0.0.1:")
    _check(_audit_through(playwright_server, demo_site, tmp_path, monkeypatch))


def test_a_cdp_endpoint(
    cdp_endpoint: str, demo_site: SiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check(_audit_through(cdp_endpoint, demo_site, tmp_path, monkeypatch))


def test_an_endpoint_nobody_listens_on_is_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint = f"ws://127.0.0.1:{refused_port()}/"
    assert main(["audit", "http://127.0.0.1:9/", "--browser-endpoint", endpoint, "-q"]) == 3
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.startswith(f"tagaudit: could not start or reach {endpoint}: ")
