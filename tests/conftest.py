"""Shared test fixtures: the demo site and the link route table served on 127.0.0.1, and the
Chromium to drive.

Every end-to-end test talks only to servers on loopback; tracking hits aimed at vendor hosts
are answered by tagaudit itself, so the suite passes offline.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tagaudit.browser.discovery import find_browser
from tagaudit.cli import main
from tagaudit.links.settings import LinkSettings
from tagaudit.runner.sitesrv import SiteServer
from tests.support import groups
from tests.support.load import busy_processes
from tests.support.redirect_server import RouteServer
from tests.support.servers import serve_folder

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--busy",
        type=int,
        default=0,
        metavar="N",
        help="start N CPU-bound processes beside the tests for the whole session (a shared "
        "CI machine's load; scripts/test-under-load)",
    )


def pytest_configure(config: pytest.Config) -> None:
    groups.announce(config)
    # Tests of Ctrl-C need it delivered. A shell without job control starts a background
    # command (`.ci/run &` in a script) with SIGINT ignored, which every child inherits:
    # `_thread.interrupt_main()` then does nothing and a test of it waited forever.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    groups.record(config, items)


@pytest.hookimpl(optionalhook=True)  # xdist's hook: absent with -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` (make test): tests sharing a set-up on one worker (support/groups)."""
    return groups.make_scheduler(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    groups.forget(config)


@pytest.fixture(scope="session", autouse=True)
def busy_machine(request: pytest.FixtureRequest) -> Iterator[int]:
    """With --busy N, N processes keep cores busy while the tests run."""
    count = request.config.getoption("--busy")
    with busy_processes(count):
        yield count


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The browser every e2e test drives (Makefile's ensure-browser made sure one exists)."""
    return find_browser().path


@pytest.fixture(scope="session")
def demo_site() -> Iterator[SiteServer]:
    """The bundled demo site, served once per test session on a free port."""
    with serve_folder(FIXTURES / "demo-site") as site:
        yield site


@pytest.fixture(scope="session")
def routes() -> Iterator[RouteServer]:
    """The link follower's route table of redirect scenarios (tests/support/redirect_server.py),
    shared by the tests of links, link rules, the link runner, the link navigator and the CLI."""
    with RouteServer() as server:
        yield server


@pytest.fixture()
def quick() -> LinkSettings:
    """Link settings with tiny timeouts and waits so failure paths stay fast."""
    return LinkSettings(timeout=3.0, backoff=0.01, retry_wait_cap=0.2, retries=2)


DEMO_REPORT_FORMATS = ("junit", "sarif", "html", "markdown")


@pytest.fixture(scope="session")
def demo_audit(
    demo_site: SiteServer, chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One zero-config `tagaudit audit` of the demo site, crawled from its home page through
    the real CLI, shared by every test that reads it: the JSON report, plus `exit_code` and
    `folder` (where the other formats were written as report.<format>)."""
    folder = tmp_path_factory.mktemp("demo")
    out = folder / "report.json"
    args = ["audit", demo_site.url("/"), "--depth", "3", "--browser", chromium_path]
    formats = [f"--{name}={folder / ('report.' + name)}" for name in DEMO_REPORT_FORMATS]
    code = main([*args, "--json", str(out), *formats, "--quiet"])
    report = json.loads(out.read_text(encoding="utf-8"))
    report["exit_code"] = code
    report["folder"] = str(folder)
    return report


@pytest.fixture(scope="session")
def consent_cli_run(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `tagaudit audit --consent none,accept,reject` of three consent fixture pages, run as
    a user runs it (a subprocess: stdout and stderr are pipes, as in CI), shared by the tests
    of its terminal, Markdown and HTML output: `stdout`, `stderr`, `exit_code`, `folder`
    (report.json / .html / .md) and the served `urls`."""
    import subprocess
    import sys

    from tests.support.consent_sites import ConsentSites

    folder = tmp_path_factory.mktemp("consent")
    with ConsentSites() as sites:
        urls = [sites.url(p) for p in ("/onetrust/", "/didomi/", "/nobanner/")]
        command = [sys.executable, "-m", "tagaudit", "audit", *urls, "--browser", chromium_path]
        command += ["--consent", "none,accept,reject", "--json", str(folder / "report.json")]
        command += ["--html", str(folder / "report.html"), "--markdown", str(folder / "report.md")]
        env = {**os.environ, "COLUMNS": "100"}
        done = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env)
    return {
        "stdout": done.stdout,
        "stderr": done.stderr,
        "exit_code": done.returncode,
        "folder": folder,
        "urls": urls,
    }
