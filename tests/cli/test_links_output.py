"""`tagaudit links` as people read it: a link that loses its parameters is not "ok", the hop
ledger is shown, expected-landing patterns match the way people write them, and
`--browser PATH` names the browser, as it does for `audit`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.runner.sitesrv import SiteServer

SPRING = "/go/spring?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&gclid=G1"
SUMMER = "/go/summer?utm_source=newsletter&utm_medium=email&utm_campaign=summer_preview&gclid=G2"


def _links(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tagaudit", "links", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def test_a_link_that_lost_every_parameter_is_not_ok(demo_site: SiteServer, tmp_path: Path) -> None:
    html = tmp_path / "links.html"
    done = _links(demo_site.url(SPRING), "--http-only", "-v", "--html", str(html))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    [line] = [line for line in lines if line.startswith("  params lost ")]
    assert "  /go/spring dropped gclid, utm_source/m" in line, line  # (cut to the width)
    counts = lines.index("1 link(s): 1 params lost")  # the counts, then the header, then rows
    assert lines[counts + 1].split() == ["verdict", "link", "what", "happened"]
    ledger = [line.strip() for line in lines if line.strip().startswith("hop ")]
    assert ledger[1].startswith("hop 1  200")
    assert ledger[1].endswith("dropped utm_source, utm_medium, utm_campaign, gclid")
    page = html.read_text(encoding="utf-8")
    assert '<p class="verdict-word v-broken">params lost</p>' in page
    assert page.count('class="chip dropped"') == 4


def test_expected_landing_patterns_match_as_written(demo_site: SiteServer, tmp_path: Path) -> None:
    """`host/path/*` matches the folder itself, and a host:port pattern its own port."""
    host = demo_site.base_url.split("://", 1)[1]
    rows = [
        f"{demo_site.url(SUMMER)},{host}/landing/summer/*",
        f"{demo_site.url(SUMMER)}&utm_content=b,/landing/summer/*",
        f"{demo_site.url(SUMMER)}&utm_content=c,{host}/landing/summer",
    ]
    csv = tmp_path / "links.csv"
    csv.write_text("Final URL,Expected landing\n" + "\n".join(rows) + "\n")
    out = tmp_path / "r.json"
    assert main(["links", str(csv), "--http-only", "--json", str(out), "-q"]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [
        f["rule_id"] for f in report["findings"] if f["rule_id"] == "link-landing-mismatch"
    ] == []
    assert len(report["links"]) == 3


@pytest.mark.e2e
def test_browser_takes_the_path_of_the_browser(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    done = _links(demo_site.url(SUMMER), "--browser", chromium_path, "--json", str(out), "-q")
    assert "no scheme" not in done.stderr and done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["config"]["browser"] is True


def test_browser_without_a_path_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    assert main(["links", "https://shop.test/", "--browser", "--json", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--browser needs the path" in err
