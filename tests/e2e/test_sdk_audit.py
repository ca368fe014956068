"""A zero-config audit of pages running vendors' own SDKs (fixtures/sdk-site, from npm).

Through tagaudit itself (`tagaudit.audit`, its page engine, its leave, its waits): every
event each SDK sends is decoded to its provider, account and event, strict both ways; a
re-send is not a second event; what a batching SDK still held at the end of the visit is
waited for and reported; nothing is left unread. Offline: hits are answered by tagaudit,
and everything else that tries to leave the machine (the SDKs' remote-config fetches,
Chromium's own calls) reaches the loopback sink of fixtures/sdk-site (PAC + its own
certificate), which answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import tagaudit
from tagaudit.model import Report
from tests.e2e.sdk_expected import EXPECTED, _answer, _load, may_send_on_leave

pytestmark = pytest.mark.e2e
SDKS = ("posthog", "mixpanel", "amplitude", "segment", "rudderstack", "snowplow")
# Issue 19: SDKs tagaudit knew nothing of, sending to vendor hosts, to the shop's own hosts
# in another vendor's wire format (Jitsu, posthog-js-lite, a self-hosted Countly), decoded
# zero-config. Two hold their events in memory and send them on a timer, never on a played
# page hide: Datadog RUM (30 s, or when the page is really hidden) and LaunchDarkly (2 s;
# its pagehide flush sent nothing when measured): they are checked in
# tests/e2e/test_sdk_site.py, which waits for the timer and leaves by a real navigation.
NEW_SDKS = ("alloy", "posthog-lite", "jitsu", "countly", "statsig", "faro", "clarity")
# What leaving adds, as a real browser would make the SDK send it. A real navigation away
# makes PostHog flush its queue by beacon but send no `$pageleave` (it does on close:
# fixtures/sdk-site/MEASUREMENTS.md).
ON_LEAVE: dict[str, set[str]] = {}


@pytest.fixture(scope="module")
def report(chromium_path: str) -> Iterator[Report]:
    sink = _load("sink").Sink(_answer)
    try:
        with _load("serve").SdkSite() as site:
            yield tagaudit.audit(
                [site.url(f"/{sdk}/") for sdk in (*SDKS, *NEW_SDKS)],
                browser=chromium_path,
                browser_args=sink.launch_args(None),
                # The sink's TLS adds to the SDKs' remote-config fetches on a busy 2-core
                # runner; Amplitude holds its events in memory until that answers. The
                # defaults otherwise (no tagaudit.yaml).
                quiet_ms=1500,
            )
    finally:
        sink.close()


def _page(report: Report, sdk: str) -> Any:
    return next(p for p in report.pages if p.url.endswith(f"/{sdk}/"))


@pytest.mark.parametrize("sdk", (*SDKS, *NEW_SDKS))
def test_every_event_of_the_sdk_is_decoded(report: Report, sdk: str) -> None:
    page = _page(report, sdk)
    events = {(h.provider, h.account, h.event) for h in page.hits if h.kind == "hit"}
    provider, account, _ = next(iter(EXPECTED[sdk]))
    wanted = EXPECTED[sdk] | {(provider, account, e) for e in ON_LEAVE.get(sdk, ())}
    may = may_send_on_leave(sdk)
    assert wanted <= events <= wanted | may, f"{sdk} sent {sorted(events - wanted)}"
    optional = {event for *_, event in may}
    sent_then = [page.requests[h.request_index] for h in page.hits if h.event in optional]
    assert all(request.leaving for request in sent_then)
    assert not [h for h in page.hits if h.params.get("_undecoded")]
    assert all(
        r.body_encoding is None or "unreadable" not in r.body_encoding for r in page.requests
    )


def test_each_event_is_counted_once(report: Report) -> None:
    """Mixpanel re-sends by timer what a beacon already sent (same `$insert_id`): a copy is
    an aux hit that follows the first, never a second event."""
    page = _page(report, "mixpanel")
    events = [h.event for h in page.hits if h.kind == "hit"]
    assert sorted(events) == sorted(set(events))
    resent = [h for h in page.hits if h.params.get("_resent")]
    assert all(h.kind == "aux" and h.follows is not None for h in resent)
    assert not [f for f in report.findings if f.rule_id == "duplicate-conversion"]


def test_events_held_at_the_end_of_the_visit_are_waited_for_and_reported(report: Report) -> None:
    """Mixpanel sends its queues on a 5 s timer (fixtures/sdk-site/MEASUREMENTS.md): at the
    end of the visit it still holds its three /track and two /engage events. The audit waits
    for the timer before it leaves (all five are in the capture) and says how long a visitor
    had to stay. (Amplitude's 1 s timer has usually fired before the visit ends.)"""
    held = {h.provider: h for p in report.pages for h in p.held_events}
    assert held["mixpanel"].events == 5
    assert held["mixpanel"].sent_after_ms is not None  # waited for: in the capture anyway
    assert {"$set_once", "$set"} <= {h.event for h in _page(report, "mixpanel").hits}
    lost = {f.location["provider"] for f in report.findings if f.rule_id == "events-lost-on-leave"}
    assert lost == set(held)


def test_write_keys_are_read_and_secrets_are_not_kept(report: Report) -> None:
    page = _page(report, "rudderstack")
    assert {h.account for h in page.hits if h.kind == "hit"} == {"2TagauditFixtureWriteKey01A"}
    auth = [r.headers.get("authorization") for r in page.requests if r.headers]
    assert auth and all(value == "Basic …" for value in auth if value)
    assert not [r for r in page.requests if r.headers and not page.hits]


# Where the new SDKs sent their events: the shop's own hosts, recognised by wire format.
COLLECTORS = {
    "jitsu": ("events.shop.example", "Segment-compatible"),
    "posthog-lite": ("ph.shop.example", "PostHog-compatible"),
    "countly": ("countly.shop.example", "Countly-compatible"),
}


@pytest.mark.parametrize("sdk", sorted(COLLECTORS))
def test_a_collector_known_by_its_wire_format_is_named(report: Report, sdk: str) -> None:
    host, family = COLLECTORS[sdk]
    hits = [h for h in _page(report, sdk).hits if h.kind == "hit"]
    assert {h.collector for h in hits} == {host}
    assert {h.params.get("_family") for h in hits} == {family}
    named = [f for f in report.findings if f.rule_id == "collector-family"]
    assert [f for f in named if f.evidence["host"] == host and f.evidence["family"] == family]


def test_no_event_is_left_to_an_unknown_collector(report: Report) -> None:
    """Every SDK of the site is decoded: nothing is `unknown`, no collector-unknown finding,
    and no request the SDKs sent carries events nobody read."""
    unknown = [
        (p.url, h.collector, h.event)
        for p in report.pages
        for h in p.hits
        if h.provider == "unknown"
    ]
    assert not unknown
    assert not [f for f in report.findings if f.rule_id == "collector-unknown"]
