"""Page-controlled data is bounded, and the run stays killable (issue 22, item 5).

One page each, default settings, through the CLI as a user runs it. Before:
- a 1.5 KB brotli bomb posted to a tracking endpoint took the process tree past 12 GB
  (killed, no report); the same in a HAR for `decode --har` (10 entries): over 8 GB;
- one beacon with a 100,000-event batch, one GA4 body of 10,000 lines, one 8 MiB gzip batch:
  each still running after 420 s, no report (the PII rule rescanned the body for every hit);
- (found while fixing those) 48 bodies of 1 MiB each, every one under the limit for one body:
  all kept and decoded again on every pass over the page;
- SIGTERM and Ctrl-C were ignored in each of those hangs: a CI cancel needed SIGKILL.
Now each page is audited within a bound of time and memory, and its report names what was
cut; SIGTERM in the middle of them ends the run within seconds, with the report of what
finished.
"""

from __future__ import annotations

import base64
import json
import re
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tagaudit.runner.sitesrv import SiteServer
from tests.hostile.hostile_kit import SITE, Watched, run_watched

pytestmark = pytest.mark.e2e

GB = 2**30
# What each hostile page must be reported as: (rule id, words of its message).
BOMBS = {
    "/brotli-bomb/": ("hit-undecoded", "br body inflates past 8 MiB, tagaudit's limit"),
    "/big-batch/": ("capture-cut", "100,000 events in one request: the first 1,000 read"),
    "/ga4-lines/": ("capture-cut", "10,000 events in one request: the first 1,000 read"),
    "/gzip-batch/": ("capture-cut", "events in one request: the first 1,000 read"),
    "/many-bodies/": ("hit-undecoded", "the page had sent 16 MiB of bodies before it"),
}
# Bounds with room for a loaded CI machine. Measured on a shared 2-core machine: the five
# pages in 45-90 s, the tree at 1.1-1.5 GB (a healthy page: 1.1 GB, shared pages counted in
# every browser process), tagaudit itself under 0.5 GB.
ALL_PAGES_S = 360
TREE_PEAK = 3 * GB
OWN_PEAK = 1 * GB


def _audit(site: SiteServer, paths: list[str], out: Path, chromium: str) -> list[str]:
    command = [sys.executable, "-m", "tagaudit", "audit", *[site.url(p) for p in paths]]
    command += ["--concurrency", "1", "--browser", chromium, "--json", str(out), "-q"]
    return command


@pytest.fixture(scope="module")
def bombed(
    hostile_site: SiteServer, chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Watched, dict[str, Any]]:
    out = tmp_path_factory.mktemp("bombs") / "report.json"
    paths = [*BOMBS, "/healthy/a/?after=bombs"]
    watched = run_watched(_audit(hostile_site, paths, out, chromium_path), ALL_PAGES_S + 60)
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return watched, report


def test_the_bombs_are_audited_within_bounds_of_time_and_memory(
    bombed: tuple[Watched, dict[str, Any]],
) -> None:
    watched, report = bombed
    assert watched.returncode in (0, 1), watched.err[-2000:]
    assert watched.seconds < ALL_PAGES_S, watched.seconds
    assert watched.peak_rss < TREE_PEAK, watched.peak_rss / GB
    assert watched.own_peak_rss < OWN_PEAK, watched.own_peak_rss / GB
    assert "Traceback" not in watched.err
    assert len(report["pages"]) == len(BOMBS) + 1


@pytest.mark.parametrize("path", list(BOMBS))
def test_each_bomb_is_named_in_the_report(
    bombed: tuple[Watched, dict[str, Any]], hostile_site: SiteServer, path: str
) -> None:
    _, report = bombed
    rule, words = BOMBS[path]
    url = hostile_site.url(path)
    said = [f["message"] for f in report["findings"] if f["url"] == url and f["rule_id"] == rule]
    assert said and words in said[0], [(f["rule_id"], f["message"]) for f in report["findings"]]
    page = next(p for p in report["pages"] if p["url"] == url)
    assert page["error"] is None and len(page["hits"]) <= 1000


def test_the_page_after_the_bombs_is_unharmed(
    bombed: tuple[Watched, dict[str, Any]], hostile_site: SiteServer
) -> None:
    _, report = bombed
    page = next(p for p in report["pages"] if p["url"].endswith("after=bombs"))
    assert [(h["provider"], h["event"]) for h in page["hits"]] == [("ga4", "page_view")]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_among_the_bombs_ends_the_run_within_seconds_with_its_report(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path, signum: int
) -> None:
    """The signal comes once the third bomb page was served (two finished, one loading);
    before, the run ignored it until SIGKILL."""
    out = tmp_path / "report.json"
    paths = ["/ga4-lines/", "/big-batch/", "/gzip-batch/", "/brotli-bomb/", "/healthy/a/"]
    hostile_site.served.clear()

    def third_served() -> bool:
        return any(p.startswith("/gzip-batch/") for p in hostile_site.served)

    command = _audit(hostile_site, paths, out, chromium_path)
    watched = run_watched(command, 300, third_served, signum)
    assert watched.returncode == 130, watched.err[-2000:]
    # Within seconds (measured: 1-4 s on a loaded 2-core machine), with room for CI.
    assert watched.seconds < 30, watched.seconds
    assert "Traceback" not in watched.err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["interrupted"] is True
    done = {p["url"] for p in report["pages"]}
    assert hostile_site.url("/ga4-lines/") in done and hostile_site.url("/healthy/a/") not in done


def test_decode_har_of_ten_brotli_bombs_is_bounded(tmp_path: Path) -> None:
    """Before: over 8 GB. Each entry is the hostile page's 1 GB bomb."""
    page = (SITE / "brotli-bomb" / "index.html").read_text(encoding="utf-8")
    bomb = re.search(r'atob\("([^"]+)"', page)
    assert bomb is not None and len(base64.b64decode(bomb.group(1))) < 2000
    entry = {
        "startedDateTime": "2024-04-05T19:34:38.000Z",
        "request": {
            "method": "POST",
            "url": "https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view",
            "headers": [{"name": "Content-Encoding", "value": "br"}],
            "postData": {"mimeType": "text/plain", "encoding": "base64", "text": bomb.group(1)},
        },
        "response": {"status": 204},
    }
    har = tmp_path / "bombs.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry] * 10}}))
    command = [sys.executable, "-m", "tagaudit", "decode", "--har", str(har)]
    watched = run_watched(command, 120)
    assert watched.returncode == 0, watched.err[-2000:]
    assert watched.seconds < 60 and watched.own_peak_rss < OWN_PEAK, watched
    assert watched.err.count("body not read (unreadable: br body inflates past 8 MiB") == 10
