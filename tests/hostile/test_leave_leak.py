"""Nothing that can carry a hit leaves the machine, even while a page unloads or closes.

Requests a page sends while it unloads bypass Playwright's routes and request events
(fixtures/sdk-site/MEASUREMENTS.md); the edge (tagaudit.browser.edge) sits below the page,
on the browser target. Two witnesses:

- the site's own log (SiteServer.served): first-party GA4 hits sent as images on `pagehide`
  during a journey's real navigation never reach the site's server;
- the loopback sink of fixtures/sdk-site (every non-loopback request Chromium makes goes to
  it by a PAC script): a tracker nobody catalogued, hit every way a page can (beacon,
  keepalive fetch, XHR, image; iframes in and out of the page's process; dedicated, shared
  and service workers; on load and while leaving by a real navigation or by closing), never
  reaches it unless `allow_hosts` lets it — and then the report says it was let through.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import tagaudit
from tagaudit.model import Report
from tagaudit.runner.sitesrv import SiteServer
from tests.e2e.sdk_expected import _answer, _load

pytestmark = [pytest.mark.e2e, pytest.mark.timing]
TRACKER = "collector.nobody-catalogued.test"
# Where each request of leave-unknown/ comes from (`?via=`), by when it is sent. Its image
# pixel on load is a page resource by the rule (an image of a host that is not a tracking
# endpoint loads): let through, and listed as such.
ON_LOAD = {
    "load-beacon",
    "load-fetch",
    "load-xhr",
    "iframe-same",
    "iframe-cross",
    "dedicated-worker",
    "shared-worker",
    "service-worker",
}
ON_LEAVE = {
    f"{when}-{how}" for when in ("pagehide", "hidden", "unload") for how in ("beacon", "fetch")
} | {"pagehide-image", "hidden-image", "iframe-same-pagehide", "iframe-cross-pagehide"}


@pytest.fixture(scope="module")
def sink() -> Iterator[Any]:
    sink = _load("sink").Sink(_answer)
    yield sink
    sink.close()


def _via(url: str) -> str:
    return url.split("via=", 1)[1].split("&", 1)[0]


def _audit(site: SiteServer, sink: Any, chromium_path: str, **options: Any) -> Report:
    sink.requests.clear()
    sink.connects.clear()
    return tagaudit.audit(
        [site.url("/leave-unknown/")],
        browser=chromium_path,
        browser_args=sink.launch_args(None),
        quiet_ms=1500,  # the workers' requests on a busy runner
        **options,
    )


def _chromium_own(sink: Any) -> list[str]:
    """What reached the sink for no page: every connection not to the tracker. Chromium
    sends its own (update.googleapis.com, clients2.google.com, accounts.google.com) within
    3 s of launch unless the launch flags stop it (browser/session.py LAUNCH_ARGS)."""
    return [line for _, line in sink.connects if TRACKER not in line]


def _recorded(report: Report) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for page in report.pages:
        for request in page.requests:
            if TRACKER in request.url:
                found.setdefault(_via(request.url), []).append(request)
    return found


def test_a_tracker_nobody_catalogued_is_answered_here_and_recorded(
    hostile_site: SiteServer, sink: Any, chromium_path: str
) -> None:
    report = _audit(hostile_site, sink, chromium_path)
    assert [_via(s.url) for s in sink.requests if TRACKER in s.url] == ["load-image"]
    assert _chromium_own(sink) == []
    recorded = _recorded(report)
    assert set(recorded) >= ON_LOAD | ON_LEAVE
    answered = {via for via, rs in recorded.items() if all(r.answered_locally for r in rs)}
    assert answered == set(recorded) - {"load-image"}
    assert all(r.leaving for via in ON_LEAVE for r in recorded[via])
    assert not any(r.leaving for via in ON_LOAD for r in recorded[via])
    beacon = recorded["pagehide-beacon"][0]
    assert beacon.method == "POST" and beacon.post_data == '{"event":"pagehide"}'
    # What left for a third party is listed, with why: the image, and nothing that can
    # carry a hit whatever its host (a beacon, a ping, a POST, an XHR/fetch).
    assert [r.let_through for r in recorded["load-image"]] == ["page resource"]
    let_through = [r for p in report.pages for r in p.requests if r.let_through]
    assert let_through and all(r.method == "GET" for r in let_through)
    assert not [r for r in let_through if r.resource_type in ("ping", "xhr", "fetch")]


def test_closing_the_page_leaks_nothing(
    hostile_site: SiteServer, sink: Any, chromium_path: str
) -> None:
    """The tab is closed when the run ends: its unload beacons are answered here too."""
    _audit(hostile_site, sink, chromium_path, isolation="context")
    assert [_via(s.url) for s in sink.requests if TRACKER in s.url] == ["load-image"]
    assert _chromium_own(sink) == []


def test_allow_hosts_lets_a_host_through_and_the_report_says_so(
    hostile_site: SiteServer, sink: Any, chromium_path: str
) -> None:
    report = _audit(hostile_site, sink, chromium_path, allow_hosts=[TRACKER])
    reached = {_via(s.url) for s in sink.requests if TRACKER in s.url}
    assert {"load-beacon", "load-fetch", "pagehide-beacon"} <= reached
    recorded = _recorded(report)
    assert all(not r.answered_locally for rs in recorded.values() for r in rs)
    assert {r.let_through for rs in recorded.values() for r in rs} == {"allow_hosts"}


def test_page_hide_images_do_not_reach_the_server_during_a_real_navigation(
    hostile_site: SiteServer, chromium_path: str
) -> None:
    journey = {
        "name": "leave",
        "start": hostile_site.url("/leave-image/"),
        "steps": [
            {
                "name": "next",
                "do": [{"click": "Next page"}, {"wait_for": {"url": "**/after-leave/"}}],
            }
        ],
    }
    hostile_site.served.clear()
    report = tagaudit.audit(
        config={"journeys": [journey]},
        browser=chromium_path,
    )
    result = report.journeys[0]
    assert result.status == "ok", result
    assert "/after-leave/" in hostile_site.served  # the navigation really happened
    leaked = [p for p in hostile_site.served if p.startswith("/g/collect")]
    assert leaked == []
    recorded = [r for p in report.pages for r in p.requests if "/g/collect" in r.url]
    assert recorded and all(r.answered_locally for r in recorded)
    # The hits the page sent while the click navigated it away are in the capture.
    events = {h.event for p in report.pages for h in p.hits if h.provider == "ga4"}
    assert {"page_view", "user_engagement", "scroll"} <= events


def test_leaving_waits_for_every_beacon_the_page_counted_not_for_a_quiet_period(
    hostile_site: SiteServer, sink: Any, chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulky beacons sent on pagehide can reach the edge after the page's "hidden" mark;
    the mark says how many the page sent, and leaving waits for them all. No quiet period
    after the mark here, so only that count can keep them."""
    from tagaudit.browser import leaving, page

    counts: list[int | None] = []

    async def without_quiet(tab_page: Any, recorder: Any, quiet_ms: int, *args: Any) -> None:
        monkeypatch.setattr(leaving, "UNCOUNTED_QUIET_MS", 0)
        await leaving.leave_page(tab_page, recorder, 0, *args)
        counts.append(recorder.left_count)

    monkeypatch.setattr(page, "leave_page", without_quiet)
    sink.requests.clear()
    report = tagaudit.audit(
        [hostile_site.url("/leave-bulky/")],
        browser=chromium_path,
        browser_args=sink.launch_args(None),
    )
    assert counts == [15]  # 12 beacons and 3 keepalive fetches, counted by the page
    sent = sorted(
        r.url.rsplit("n=", 1)[1] for p in report.pages for r in p.requests if "/bulk?" in r.url
    )
    assert sent == sorted([f"beacon-{i}" for i in range(12)] + [f"fetch-{i}" for i in range(3)])
    assert all(
        r.leaving and r.answered_locally for r in report.pages[0].requests if "/bulk?" in r.url
    )
    assert not [s for s in sink.requests if TRACKER in s.url]
