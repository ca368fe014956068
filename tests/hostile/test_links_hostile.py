"""`tagaudit links` with the browser, against a landing that redirects itself without end and
a browser that is killed mid-run: every wait is bounded, and the run ends with a verdict.

Before: a JavaScript redirect loop hung 1 run in 4 (once ten minutes, 9,190 navigations)
and was `ok` at best; a killed browser left the run waiting for ever, or exit 0 with every
landing a TargetClosedError.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tagaudit.browser.link_navigator import MAX_NAVIGATIONS
from tagaudit.browser.page import HARD_LIMIT_GRACE
from tagaudit.model import KEPT_NAVIGATING
from tagaudit.runner.sitesrv import SiteServer
from tests.hostile.hostile_kit import kill_browser_of
from tests.support.waiting import PATIENCE, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timing]
# The most one landing may take (link_navigator: the 15 s --timeout, 1 s settle, the grace
# and 5 s of reads), were the landings run one after another.
LANDING_LIMIT = 15.0 + 1.0 + HARD_LIMIT_GRACE + 5.0


def _links(chromium_path: str, out: Path, urls: list[str]) -> list[str]:
    command = [sys.executable, "-m", "tagaudit", "links", *urls, "--browser", chromium_path]
    return [*command, "--json", str(out), "-q"]


def test_a_javascript_redirect_loop_is_a_broken_link_within_its_limits(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    out = tmp_path / "links.json"
    urls = [hostile_site.url(f"/go/loop?utm_source=news&n={n}") for n in range(4)]
    began = time.monotonic()
    done = subprocess.run(
        _links(chromium_path, out, urls), capture_output=True, text=True, timeout=120
    )
    took = time.monotonic() - began
    assert done.returncode == 1, done.stderr
    links = json.loads(out.read_text(encoding="utf-8"))["links"]
    assert [link["verdict"] for link in links] == ["broken"] * len(urls)
    for link in links:
        assert link["reason"] == "too-many-hops"
        error = link["landing"]["browser_error"]
        # Seen by its count (the first 50 navigations), or, on a machine too busy to make 50
        # in the link's 15 s, by never going quiet in them: a verdict either way, never "ok".
        assert KEPT_NAVIGATING in error, error
        assert f"the first {MAX_NAVIGATIONS} kept" in error or "never quiet" in error, error
        assert len(link["hops"]) <= MAX_NAVIGATIONS + 1
    # Bounded by the landings' own limits (before: one run in four hung, once ten minutes),
    # not by a wall-clock guess: 34-43 s of a 45 s limit on a loaded machine was a coin toss.
    assert took < len(urls) * LANDING_LIMIT + PATIENCE / 5, took


def test_a_redirect_loop_that_stalls_after_load_is_still_no_landing(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    """A loop whose document lets `load` fire, then holds its main thread 3 s before it
    goes on, is loaded and quiet for longer than a landing needs; it is still a loop (on
    a starved machine, a plain loop was once judged "ok" this way)."""
    out = tmp_path / "links.json"
    command = _links(chromium_path, out, [hostile_site.url("/go/stall?utm_source=news")])
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    (link,) = json.loads(out.read_text(encoding="utf-8"))["links"]
    assert (link["verdict"], link["reason"]) == ("broken", "too-many-hops"), link
    assert KEPT_NAVIGATING in link["landing"]["browser_error"]


def test_a_killed_browser_ends_the_links_run_with_exit_3(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    out = tmp_path / "links.json"
    urls = [hostile_site.url(f"/go/healthy?utm_source=news&n={n}") for n in range(30)]
    hostile_site.served.clear()
    process = subprocess.Popen(
        _links(chromium_path, out, urls), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        # httpx fetched all 30; the browser is loading landings
        wait_until(
            lambda: sum(p.startswith("/healthy/") for p in hostile_site.served) >= 40,
            what="the browser began loading the landings",
            process=process,
        )
        assert kill_browser_of(process.pid) > 0
        _, err = process.communicate(timeout=PATIENCE)
    finally:
        process.kill()
    assert process.returncode == 3, err
    assert "the browser closed unexpectedly" in err and "Traceback" not in err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "the browser closed unexpectedly" in report["config"]["run_error"]
    assert len(report["links"]) == len(urls)  # every link's HTTP result is kept
