"""One fixed Report every reporter test renders: a small shop with the usual defects.

Findings come from the real built-in rules (only the rule files the rules package owns, so
other packages' rules don't churn these goldens), plus one link finding made by hand; times
and versions are frozen.
"""

from __future__ import annotations

import os
from pathlib import Path

from tagaudit.model import (
    Finding,
    Hop,
    LinkResult,
    PageVisit,
    Report,
    Request,
    RuleInfo,
    RunInfo,
    TagHit,
)
from tagaudit.rules.applicability import describe
from tagaudit.rules.engine import RuleSet, evaluate, sort_findings
from tagaudit.rules.loader import builtin_rules_dir, read_rule_file
from tagaudit.rules.rule import Rule

GOLDEN = Path(__file__).resolve().parent / "golden"
OWN_RULE_FILES = ("tags.yaml", "ecommerce.yaml", "privacy.yaml", "pages.yaml")
SHOP = "https://shop.test"


def _ga4(event: str, index: int, **params: object) -> TagHit:
    url = f"https://www.google-analytics.com/g/collect?v=2&tid=G-SHOP01&en={event}"
    return TagHit("ga4", "hit", "G-SHOP01", event, dict(params), url=url, request_index=index)


def _page(path: str, hits: list[TagHit], **extra: object) -> PageVisit:
    requests = [
        Request(
            "https://www.googletagmanager.com/gtag/js?id=G-SHOP01",
            resource_type="script",
            status=200,
            let_through="page resource",
        ),
        Request("https://www.google-analytics.com/g/collect", method="POST", answered_locally=True),
    ]
    library = TagHit("ga4", "library", "G-SHOP01", None, {}, url=requests[0].url, request_index=0)
    return PageVisit(
        f"{SHOP}{path}",
        final_url=f"{SHOP}{path}",
        status=200,
        requests=requests,
        hits=[library, *hits],
        **extra,
    )


def build_sample() -> Report:
    meta_view = TagHit(
        "meta_pixel",
        "hit",
        "4455667788",
        "PageView",
        {},
        url="https://www.facebook.com/tr/?id=4455667788&ev=PageView",
    )
    pages = [
        _page("/", [_ga4("page_view", 1, dl=f"{SHOP}/"), meta_view]),
        _page(
            "/products/shirt",
            [_ga4("page_view", 1, dl=f"{SHOP}/products/shirt?email=ann%40example.com")],
        ),
        _page(
            "/checkout/thank-you",
            [
                _ga4("page_view", 1),
                _ga4("purchase", 1, transaction_id="T-1001", value=49.9),
                _ga4("purchase", 1, transaction_id="T-1001", value=49.9),
                TagHit(
                    "meta_pixel",
                    "hit",
                    "4455667788",
                    "Purchase",
                    {"value": 49.9, "currency": "EUR", "event_id": "T-1001"},
                ),
                TagHit(
                    "google_ads",
                    "hit",
                    "AW-98765",
                    "conversion",
                    {"value": 49.9, "currency": "EUR"},
                ),
            ],
        ),
        PageVisit(
            f"{SHOP}/about",
            final_url=f"{SHOP}/about",
            status=200,
            console_errors=["Uncaught ReferenceError: gtag is not defined"],
        ),
        PageVisit(f"{SHOP}/old-offer", final_url=f"{SHOP}/old-offer", status=404),
    ]
    link = LinkResult(
        "https://go.shop.test/spring?utm_source=news",
        hops=[
            Hop("https://go.shop.test/spring?utm_source=news", 301, f"{SHOP}/spring"),
            Hop(f"{SHOP}/spring", 404),
        ],
        final_url=f"{SHOP}/spring",
        final_status=404,
        verdict="broken",
    )
    report = Report(
        tool_version="0.0.0-test",
        started="2026-01-01T00:00:00Z",
        finished="2026-01-01T00:00:09Z",
        pages=pages,
        links=[link],
    )
    rules = [r for name in OWN_RULE_FILES for r in read_rule_file(builtin_rules_dir() / name)]
    findings = evaluate(report, RuleSet(rules))
    findings.append(
        Finding(
            "link-broken",
            "broken-redirect",
            "error",
            "the link ends in HTTP 404 after 1 redirect",
            url=link.url,
            help="Point the redirect at a live page.",
            evidence={"final_status": 404},
        )
    )
    for finding in findings:
        if finding.rule_id == "console-errors":
            finding.suppressed = "ignored in config: known legacy script"
    report.findings = sort_findings(findings)
    report.config = RunInfo(rules={r.id: _described(r, report) for r in rules})
    report.summarize()
    return report


def _described(rule: Rule, report: Report) -> RuleInfo:
    """The rule as the engine describes it, its source frozen to `rules/<file>:<line>`."""
    info = describe(rule, report)
    path, _, line = info.source.rpartition(":")
    info.source = f"rules/{Path(path).name}:{line}"
    return info


def compare_golden(name: str, text: str) -> None:
    """Compare whole outputs; TAGAUDIT_UPDATE_GOLDENS=1 rewrites the golden file instead."""
    path = GOLDEN / name
    if os.environ.get("TAGAUDIT_UPDATE_GOLDENS"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden {name}: run with TAGAUDIT_UPDATE_GOLDENS=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden"
