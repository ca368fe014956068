"""Fingerprints (baselines, ignores) are stable across runs and tell campaign links apart."""

from __future__ import annotations

from tagaudit.model import Finding
from tagaudit.rules.rule import Rule

SPRING = "https://shop.test/go?utm_campaign=spring"
SUMMER = "https://shop.test/go?utm_campaign=summer"


def rule(category: str) -> Rule:
    return Rule(id="r", title="t", category=category, severity="error", check="c", help="h")


def test_link_findings_keep_the_query() -> None:
    links = rule("stripped-params")
    assert links.finding("m", SPRING).fingerprint != links.finding("m", SUMMER).fingerprint
    direct = [
        Finding("r", "utm-hygiene", "warning", "m", url=u).fingerprint for u in (SPRING, SUMMER)
    ]
    assert direct[0] != direct[1]


def test_page_findings_ignore_query_fragment_message_and_evidence() -> None:
    pages = rule("missing-tag")
    first = pages.finding("one message", "https://shop.test/a?cb=1", evidence={"x": 1})
    again = pages.finding("another", "https://shop.test/a/?cb=2#top")
    assert first.fingerprint == again.fingerprint
    assert pages.finding("m", SPRING).fingerprint == pages.finding("m", SUMMER).fingerprint
