"""Exit 3 when the run itself failed: a site that is down (DNS, refused, 5xx on every page)
is not a tracking finding (exit 1). The reports are still written, with the page errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.model import PageVisit, Report, RunInfo, no_page_loaded
from tagaudit.runner.sitesrv import SiteServer
from tests.support.servers import LoopbackServer, refused_url


class _Down(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(503)
        self.send_header("Content-Type", "text/html")
        self.send_header("Retry-After", "120")
        self.end_headers()
        self.wfile.write(b"<h1>Maintenance</h1>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def maintenance() -> Iterator[str]:
    with LoopbackServer(_Down) as server:
        yield server.url("/")


def test_the_reason_names_the_first_failure() -> None:
    pages = [
        PageVisit("https://a/", error="net::ERR_NAME_NOT_RESOLVED at https://a/"),
        PageVisit("https://a/x", status=502),
    ]
    reason = no_page_loaded(pages)
    assert reason == (
        "no page could be loaded, the site looks down: net::ERR_NAME_NOT_RESOLVED at "
        "https://a/ (and 1 more)"
    )
    assert no_page_loaded([*pages, PageVisit("https://a/ok", status=200)]) is None
    assert no_page_loaded([PageVisit("https://a/gone", status=404)]) is None  # a 404 is a finding
    assert no_page_loaded([]) is None
    failed = Report(pages=pages, config=RunInfo(run_error=reason))
    assert failed.exit_code("never") == 3


@pytest.mark.e2e
def test_a_site_that_refuses_every_page_is_exit_3_with_the_report_kept(
    tmp_path: Path, chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = refused_url()
    out = tmp_path / "r.json"
    argv = ["audit", url, url + "cart/", "--browser", chromium_path, "-q", "--json", str(out)]
    assert main([*argv, "--junit", str(tmp_path / "j.xml")]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"tagaudit: no page could be loaded, the site looks down: net::ERR_CONNECTION_REFUSED "
        f"at {url} (and 1 more); reporting the pages that finished"
    ]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["config"]["run_error"].startswith("no page could be loaded")
    assert {f["rule_id"] for f in report["findings"]} == {"page-load-error"}


@pytest.mark.e2e
def test_a_site_in_maintenance_everywhere_is_exit_3(maintenance: str, chromium_path: str) -> None:
    assert main(["audit", maintenance, "--browser", chromium_path, "-q"]) == 3


@pytest.mark.e2e
def test_one_dead_page_among_live_ones_is_a_finding(
    demo_site: SiteServer, chromium_path: str
) -> None:
    argv = ["audit", demo_site.url("/"), refused_url(), "--browser", chromium_path, "-q"]
    assert main(argv) == 1
