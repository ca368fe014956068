"""Real SDKs left for real: what they flush is captured at the edge, and nothing reaches them.

The pages of fixtures/sdk-site/leave/ (SDKs from npm, unmodified, default options):
- Datadog RUM drops untrusted events, so only a real leave (trusted `pagehide`,
  `visibilitychange`) makes it flush its batch before its 30 s timer: by `sendBeacon`, from a
  page that is unloading, which Playwright's routes never see.
- posthog-js-lite sends only on its 10 s timer, never on hide: its events are either waited
  for (the audit reads its queue) or a finding says they were still held — never silence.
- Adobe's Web SDK posts to its Edge Network (`/ee/v1/interact`).

Every browser request to a non-loopback host goes to the loopback sink (fixtures/sdk-site/
sink.py, chosen by a PAC script): anything to a vendor host that reached it escaped the edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import tagaudit
from tagaudit.model import PageVisit, Report
from tests.e2e.sdk_expected import _answer, _load

pytestmark = [pytest.mark.e2e, pytest.mark.timing]
SDKS = ("datadog", "posthog-lite", "adobe")
VENDORS = {
    "datadog": ("datadoghq.com", "browser-intake-datadoghq.com"),
    "posthog-lite": ("posthog.com",),
    "adobe": ("adobedc.net", "demdex.net"),
}


@pytest.fixture(scope="module")
def audited(chromium_path: str) -> Iterator[tuple[Report, list[Any]]]:
    sink = _load("sink").Sink(_answer)
    try:
        with _load("serve").SdkSite() as site:
            report = tagaudit.audit(
                [site.url(f"/leave/{sdk}/") for sdk in SDKS],
                browser=chromium_path,
                browser_args=sink.launch_args(None),
            )
        yield report, list(sink.requests)
    finally:
        sink.close()


def _page(report: Report, sdk: str) -> PageVisit:
    return next(p for p in report.pages if p.url.endswith(f"/leave/{sdk}/"))


def _to_vendor(url: str, sdk: str) -> bool:
    host = url.split("/")[2] if "://" in url else ""
    return any(host == h or host.endswith("." + h) for h in VENDORS[sdk])


@pytest.mark.parametrize("sdk", SDKS)
def test_nothing_reaches_the_vendor_and_everything_is_recorded(
    audited: tuple[Report, list[Any]], sdk: str
) -> None:
    report, reached = audited
    assert not [s.url for s in reached if _to_vendor(s.url, sdk)]
    sent = [r for r in _page(report, sdk).requests if _to_vendor(r.url, sdk)]
    assert sent, f"{sdk} sent nothing the audit recorded"
    assert all(r.answered_locally and r.let_through is None for r in sent)


def test_a_real_leave_makes_datadog_flush_its_batch(audited: tuple[Report, list[Any]]) -> None:
    """Its action is in a batch sent while the page unloads (trusted page hide)."""
    report, _ = audited
    page = _page(report, "datadog")
    beacons = [r for r in page.requests if _to_vendor(r.url, "datadog") and r.leaving]
    assert beacons and all(r.method == "POST" for r in beacons)
    assert "purchase" in {h.event for h in page.hits if h.provider == "datadog_rum"}


def test_a_timer_only_sdk_is_waited_for_or_reported(audited: tuple[Report, list[Any]]) -> None:
    """posthog-js-lite's events are captured, or a finding says it still held them."""
    report, _ = audited
    page = _page(report, "posthog-lite")
    sent = {h.event for h in page.hits if h.provider == "posthog" and h.kind == "hit"}
    if {"purchase", "$identify"} <= sent:
        return
    held = [h for h in page.held_events if h.provider == "posthog"]
    assert held and held[0].events >= 2
    said = [
        f
        for f in report.findings
        if f.rule_id in ("events-lost-on-leave", "sdk-sent-nothing")
        and (f.location or {}).get("provider") == "posthog"
    ]
    assert said, [f.rule_id for f in report.findings]


def test_adobe_edge_hits_are_answered_here_and_decoded(audited: tuple[Report, list[Any]]) -> None:
    report, _ = audited
    page = _page(report, "adobe")
    interact = [r for r in page.requests if "/ee/v1/interact" in r.url]
    assert interact and all(r.answered_locally for r in interact)
    assert {h.event for h in page.hits if h.kind == "hit"} >= {"commerce.purchases"}
