"""What `tagaudit links` loads: only what a link check uses.

Start-up is a large part of a small link run (benchmarks/bench_links.py: about 0.3 s of CPU
before the first request, as much as lychee spends on 1,000 links). A real `tagaudit links
--http-only` run against a loopback redirect, in a fresh interpreter, must finish without
importing the browser driver, the tag-decoding provider catalog, or the writers of report
formats nobody asked for; asking for one loads it (the laziness is on demand, not a loss).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import LoopbackServer, serve_routes
from tests.support.waiting import PATIENCE

# Imported by a link run, each would be start-up spent on nothing.
NEVER = (
    "playwright",  # the browser driver (--http-only never starts one)
    "tagaudit.browser.page",  # the page engine
    "tagaudit.providers",  # the vendor catalog decodes tag hits; links have none
    "tagaudit.runner.audit",
    "tagaudit.report.html",  # formats not asked for
    "tagaudit.report.sarif",
    "tagaudit.report.junit",
    "tagaudit.report.markdown",
)
# Runs the CLI in this fresh interpreter, then lists what it imported.
SCRIPT = """
import json, sys
from tagaudit.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


@pytest.fixture(scope="module")
def redirect() -> Iterator[LoopbackServer]:
    routes = {
        "/go": lambda r: (302, {"Location": "/landing?utm_source=news"}, b""),
        "/landing": lambda r: (200, {"Content-Type": "text/html"}, b"<title>ok</title>"),
    }
    with serve_routes(routes) as server:
        yield server


def _run_links(tmp_path: Path, server: LoopbackServer, *formats: str) -> tuple[dict, set[str]]:
    """The JSON report of a real link run and the modules its interpreter imported."""
    listing = tmp_path / "modules.json"
    flags = [arg for name in formats for arg in (f"--{name}", str(tmp_path / f"out.{name}"))]
    argv = ["links", f"{server.url('/go')}?utm_source=news", "--http-only", "-q", *flags]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(listing), *argv],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(listing.read_text())
    assert seen["code"] == 0
    return json.loads((tmp_path / "out.json").read_text()), set(seen["modules"])


def _loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_a_link_run_imports_no_browser_no_catalog_and_no_unasked_writer(
    tmp_path: Path, redirect: LoopbackServer
) -> None:
    report, modules = _run_links(tmp_path, redirect, "json")
    (link,) = report["links"]
    assert [hop["status"] for hop in link["hops"]] == [302, 200]  # the whole path ran
    assert "tagaudit.report.json_report" in modules and "tagaudit.rules.engine" in modules
    assert [name for name in NEVER if _loaded(modules, name)] == []


def test_a_format_asked_for_is_loaded_and_written(tmp_path: Path, redirect: LoopbackServer) -> None:
    _, modules = _run_links(tmp_path, redirect, "json", "sarif")
    assert "tagaudit.report.sarif" in modules
    assert json.loads((tmp_path / "out.sarif").read_text())["version"] == "2.1.0"
    assert not _loaded(modules, "tagaudit.report.html")
