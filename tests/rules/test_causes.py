"""One root cause, one finding: the page-level rule, an `expect:` and the site-wide inference
meeting the same cause on a page are reported once, with the fix that matches the cause."""

from __future__ import annotations

from pathlib import Path

import tagaudit
from tagaudit.model import Finding, PageVisit, Report, Request, TagHit
from tagaudit.rules.causes import one_per_cause
from tagaudit.rules.engine import RuleSet, evaluate

PIXEL = "https://www.facebook.com/tr/?id=77&ev=PageView"


def _page(path: str, blocked: bool = False) -> PageVisit:
    request = Request(PIXEL, resource_type="image", status=None if blocked else 200)
    if blocked:
        request.failure = "csp"
    hit = TagHit("meta_pixel", "hit", "77", "PageView", request_index=0)
    hit.blocked = "csp" if blocked else None
    violations = [{"blocked_url": PIXEL, "directive": "img-src"}] if blocked else []
    return PageVisit(
        f"https://shop.test{path}",
        status=200,
        requests=[request],
        hits=[hit],
        csp_violations=violations,
    )


def _site() -> Report:
    pages = [_page(p) for p in ("/", "/a", "/b")]
    return Report(pages=[*pages, _page("/webinar/", blocked=True)])


def load_rules(config: Path) -> RuleSet:
    return tagaudit.load_rules(config)


def _rules(tmp_path: Path, expect: str = "") -> RuleSet:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(expect or "disable: [console-errors]\n")
    return load_rules(config)


def test_three_rules_one_cause_one_finding(tmp_path: Path) -> None:
    expect = "expect:\n  - tag: meta_pixel:77\n    severity: warning\n"
    findings = evaluate(_site(), _rules(tmp_path, expect))
    webinar = [f for f in findings if f.url.endswith("/webinar/")]
    assert [f.rule_id for f in webinar] == ["tag-blocked-by-csp"]
    [finding] = webinar
    assert finding.severity == "error"
    assert finding.help.startswith("Add https://www.facebook.com to the img-src directive")
    also = {a["rule"]: a for a in finding.evidence["also"]}
    assert set(also) == {"expect-1", "tag-inferred-missing"}
    assert "3 of 4 pages" in also["tag-inferred-missing"]["message"]


def test_the_worst_severity_of_the_group_is_kept(tmp_path: Path) -> None:
    """A user's expectation at error keeps failing the run when the page-level rule is a
    warning: the merged finding carries the worse of the two."""
    config = tmp_path / "tagaudit.yaml"
    config.write_text("expect:\n  - tag: meta_pixel:77\nseverity: {tag-blocked-by-csp: warning}\n")
    findings = evaluate(_site(), load_rules(config))
    [finding] = [f for f in findings if f.url.endswith("/webinar/")]
    assert (finding.rule_id, finding.severity) == ("tag-blocked-by-csp", "error")


def test_an_expectation_alone_gets_the_cause_specific_fix(tmp_path: Path) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "expect:\n  - tag: meta_pixel:77\ndisable: [tag-blocked-by-csp, tag-inferred-missing]\n"
    )
    findings = evaluate(_site(), load_rules(config))
    [finding] = [f for f in findings if f.url.endswith("/webinar/")]
    assert finding.rule_id == "expect-1"
    assert "img-src directive" in finding.help and "Install" not in finding.help


def test_different_causes_stay_apart() -> None:
    def finding(rule: str, cause: str, scenario: str = "none") -> Finding:
        return Finding(
            rule,
            "missing-tag",
            "warning",
            rule,
            url="https://shop.test/",
            location={"provider": "ga4", "scenario": scenario},
            evidence={"cause": cause},
        )

    kept = one_per_cause(
        [
            ("tag-inferred", finding("a", "csp img-src https://x")),
            ("tag-inferred", finding("b", "csp connect-src https://x")),
            ("tag-present", finding("c", "csp img-src https://x", scenario="accept")),
            ("tag-present", finding("d", "csp img-src https://x")),
        ]
    )
    assert [f.rule_id for f in kept] == ["d", "b", "c"]


def _dropping_link(must: list[str]) -> Report:
    from tagaudit.model import Hop, LinkResult, ParamChange

    url = "https://shop.test/go/old?utm_source=g&gclid=1"
    link = LinkResult(url, final_url="https://shop.test/lp/", verdict="ok")
    link.hops = [Hop(url, 301), Hop("https://shop.test/lp/", 200)]
    link.ledger = [
        ParamChange(0, kept=["utm_source", "gclid"]),
        ParamChange(1, dropped=["utm_source", "gclid"]),
    ]
    link.expected = {"must_arrive": must}
    return Report(links=[link])


def test_a_required_click_id_a_redirect_dropped_is_the_redirect_finding() -> None:
    from tagaudit.rules.engine import load_rules

    found = evaluate(_dropping_link(["gclid"]), load_rules())
    mine = [f for f in found if f.rule_id.startswith("link-") and f.severity != "info"]
    assert [f.rule_id for f in mine] == ["link-stripped-params"]
    assert mine[0].message.startswith("utm_source, gclid dropped at hop 1")
    assert [a["rule"] for a in mine[0].evidence["also"]] == ["link-must-arrive"]
    # A required parameter the link never carried is a finding of its own.
    found = evaluate(_dropping_link(["gclid", "utm_campaign"]), load_rules())
    rules = sorted(
        f.rule_id for f in found if f.rule_id.startswith("link-") and f.severity != "info"
    )
    assert rules == ["link-must-arrive", "link-stripped-params"]
