"""The PII rule's cost grows with what a page sent, not with its square (issue 22, item 5).

Before: each hit of a batch rescanned the request's whole raw body, so a GA4 body of 250 lines
took 12 s, 1,000 lines 29 s, 10,000 never ended. Now the raw query and body are read once per
request, on its first hit, and what they hold is still found.
"""

from __future__ import annotations

import time

from tagaudit.model import PageVisit, Report, Request
from tagaudit.providers import decode_requests
from tagaudit.rules.engine import evaluate, load_rules

GA4 = "https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view"


def _pii_of(lines: list[str]) -> tuple[list[str], float]:
    request = Request(GA4, "POST", resource_type="fetch", post_data="\n".join(lines), status=204)
    page = PageVisit(url="https://shop.example/", status=200, requests=[request])
    page.hits = decode_requests(page.requests)
    report = Report(pages=[page])
    ruleset = load_rules()
    ruleset.rules = [r for r in ruleset.rules if r.id == "pii-in-hit"]
    began = time.process_time()  # CPU time: a busy machine slows the clock, not the work
    findings = evaluate(report, ruleset)
    return [f.message for f in findings], time.process_time() - began


def test_a_long_batch_costs_one_pass_and_its_last_line_is_still_read() -> None:
    """10,000 lines: 1,000 decoded (the limit per request), the raw body read once, so the
    email on the last line, beyond what was decoded, is found (about 0.3 s here)."""
    lines = [f"en=scroll&_et={i}&ep.depth={i % 100}" for i in range(9_999)]
    messages, took = _pii_of([*lines, "en=sign_up&ep.contact=jane.doe%40example.com"])
    assert took < 20, took
    # Blamed on the request's first hit, as before: the raw body is the request's.
    assert messages == [
        "an email address in the ga4 G-1 scroll hit, field ep.contact: j***@example.com"
    ]


def test_the_cost_is_linear_in_the_lines() -> None:
    """Ten times the lines within the per-request limit costs about ten times the time, not a
    hundred (each measured after the other, on one machine)."""
    _, small = _pii_of([f"en=scroll&_et={i}&ep.n=a{i}" for i in range(100)])
    _, large = _pii_of([f"en=scroll&_et={i}&ep.n=a{i}" for i in range(1000)])
    assert large < 40 * max(small, 0.002), (small, large)
