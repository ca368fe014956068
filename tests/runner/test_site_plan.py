"""Sitemaps are the site's, and bounded: index levels, files, time (issue 22, item 8).

Before: an index that named a new index on every answer (1 s each) had no bound; the run
read sitemaps for as long as the site kept answering. Now at most MAX_SITEMAP_DEPTH index
levels below a start, MAX_SITEMAP_FILES files and SITEMAP_BUDGET_S for all of them; the run
says what it did not read and audits what it found.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.runner import site_plan
from tests.support.servers import Answer, LoopbackServer, by_query, serve_routes

pytestmark = pytest.mark.e2e

XML = {"Content-Type": "application/xml"}
PAGE = (200, {"Content-Type": "text/html"}, b"<!doctype html><title>page</title><p>hello</p>")


def _index(server: list[LoopbackServer], query: str, delay: float = 0.0) -> Answer:
    """An index file that names the next one (and one page), forever."""
    time.sleep(delay)
    n = int(query.partition("=")[2] or 0)
    base = server[0].base_url
    body = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/index.xml?n={n + 1}</loc></sitemap>"
        f"<sitemap><loc>{base}/pages.xml?n={n}</loc></sitemap></sitemapindex>"
    )
    return 200, XML, body.encode()


def _pages(server: list[LoopbackServer], query: str, delay: float = 0.0) -> Answer:
    time.sleep(delay)
    base = server[0].base_url
    body = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/page?{query}</loc></url></urlset>"
    )
    return 200, XML, body.encode()


def _audit(server: LoopbackServer, chromium: str, tmp_path: Path) -> tuple[int, dict]:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        f"base_url: {server.url('/')}\ncrawl: {{sitemap: /index.xml, quiet_ms: 50}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    argv = ["audit", "-c", str(config), "--browser", chromium, "-q", "--json", str(out)]
    code = main([*argv, "--fail-on", "never", "--max-pages", "20", "--page-timeout", "10"])
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_an_endless_chain_of_index_files_stops_at_the_depth_limit(
    chromium_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder: list[LoopbackServer] = []
    routes = {
        "/": lambda request: PAGE,
        "/page": lambda request: PAGE,
        "/index.xml": by_query(lambda q: _index(holder, q)),
        "/pages.xml": by_query(lambda q: _pages(holder, q)),
    }
    with serve_routes(routes) as server:
        holder.append(server)
        code, report = _audit(server, chromium_path, tmp_path)
        indexes = [p for p in server.served if p.startswith("/index.xml")]
    assert code == 0
    assert len(indexes) == site_plan.MAX_SITEMAP_DEPTH + 1  # the start and three levels
    pages = sorted(p["url"].removeprefix(server.base_url) for p in report["pages"])
    assert pages == ["/", "/page?n=0", "/page?n=1", "/page?n=2"]
    err = capsys.readouterr().err
    assert "index.xml?n=3 is an index 4 levels deep; the 2 sitemaps it names were not read" in err


def test_slow_sitemaps_stop_at_the_time_budget_and_the_run_goes_on(
    chromium_path: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A wide index of sitemaps that take 0.5 s each: with a budget of 2 s, a few are read,
    the rest are named as not read, and the pages found are audited."""
    monkeypatch.setattr(site_plan, "SITEMAP_BUDGET_S", 2.0)
    holder: list[LoopbackServer] = []

    def wide(request: object) -> Answer:
        base = holder[0].base_url
        entries = "".join(
            f"<sitemap><loc>{base}/pages.xml?n={n}</loc></sitemap>" for n in range(50)
        )
        body = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        return 200, XML, (body + "</sitemapindex>").encode()

    routes = {
        "/": lambda request: PAGE,
        "/page": lambda request: PAGE,
        "/index.xml": wide,
        "/pages.xml": by_query(lambda q: _pages(holder, q, delay=0.5)),
    }
    with serve_routes(routes) as server:
        holder.append(server)
        began = time.monotonic()
        code, report = _audit(server, chromium_path, tmp_path)
        took = time.monotonic() - began
        read = [p for p in server.served if p.startswith("/pages.xml")]
    assert code == 0 and 1 <= len(read) < 50
    assert took < 60, took  # 50 × 0.5 s would be 25 s of sitemaps alone
    assert len(report["pages"]) == len(read) + 1  # the base URL, and one page per sitemap
    err = capsys.readouterr().err
    assert f"sitemaps: stopped after {len(read) + 1} files" in err
    assert "(at most 2 s for all of them)" in err and "sitemap files not read" in err
