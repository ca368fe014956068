"""The tag matrix's columns: one per tag (provider and account), and one per collector host
for provider `unknown`, which is no one vendor."""

from __future__ import annotations

from tagaudit.model import Finding, PageVisit, Report, TagHit
from tagaudit.report.matrix import tag_matrix
from tagaudit.rules.consent_classify import tag_key


def _unknown(host: str, event: str, account: str | None = None) -> TagHit:
    url = f"https://{host}/v1/events"
    return TagHit("unknown", "hit", account, event, {}, url=url, collector=host)


def test_unknown_collectors_are_a_column_each_by_host() -> None:
    """Seven collectors nobody can name on one site must not share one column, nor borrow
    the account one of them sent (an API key read from a header)."""
    ga4 = "https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view"
    pages = [
        PageVisit(
            url="https://shop.test/a/",
            hits=[
                _unknown("collect.one.example", "purchase"),
                _unknown("events.two.example", "page_view", account="k-123"),
                TagHit("ga4", "hit", "G-1", "page_view", {}, url=ga4),
            ],
        ),
        PageVisit(url="https://shop.test/b/", hits=[_unknown("collect.one.example", "sign_up")]),
    ]
    # The one finding per unknown host names it (and an account one of its hits carried)
    unknown = Finding(
        "collector-unknown",
        "missing-tag",
        "warning",
        "events.two.example received 1 request(s) …",
        url="https://shop.test/b/",
        location={"provider": "unknown", "account": "k-123"},
        evidence={"host": "events.two.example"},
    )
    columns, rows = tag_matrix(Report(pages=pages, findings=[unknown]))
    assert columns == ["ga4:G-1", "unknown:collect.one.example", "unknown:events.two.example"]
    second = rows[1][1]
    assert second["unknown:collect.one.example"].events == ["sign_up"]
    assert second["unknown:events.two.example"].state == "absent"


def test_a_missing_unknown_collector_is_explained_in_its_own_column() -> None:
    """A site-wide tag rule names an unknown collector by its host as the account: its
    finding explains that host's empty cell, and adds no bare `unknown` column."""
    hit = _unknown("collect.one.example", "purchase")
    pages = [
        PageVisit(url="https://shop.test/a/", hits=[hit]),
        PageVisit(url="https://shop.test/b/"),
    ]
    missing = Finding(
        "tag-inferred-missing",
        "missing-tag",
        "warning",
        "unknown collect.one.example is on 1 of 2 pages but not on this one",
        url="https://shop.test/b/",
        location={"provider": "unknown", "account": "collect.one.example"},
        evidence={"why": "not-requested"},
    )
    columns, rows = tag_matrix(Report(pages=pages, findings=[missing]))
    assert columns == ["unknown:collect.one.example"]
    assert rows[1][1]["unknown:collect.one.example"].reason == missing.message


def test_an_unknown_collector_is_one_tag_everywhere() -> None:
    """The matrix, the consent matrix, the baseline and the rules name a tag the same way
    (`TagHit.tag`): for `unknown`, by its collector's host, whatever account it sent."""
    hit = _unknown("events.two.example", "page_view", account="k-123")
    assert hit.tag == "unknown events.two.example"
    assert tag_key(hit) == ("unknown", "events.two.example")
    ga4 = TagHit("ga4", "hit", "G-1/label", "page_view", {})
    assert (ga4.tag, tag_key(ga4)) == ("ga4 G-1", ("ga4", "G-1"))
