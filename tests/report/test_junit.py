"""JUnit XML that means something: only the rules that applied to what ran, real times, and
well-formed XML whatever the pages put into their console, URLs and parameters."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tagaudit.model import ConsentRecord, Finding, LinkResult, PageVisit, Report
from tagaudit.report import junit
from tagaudit.rules.engine import apply, load_rules
from tagaudit.rules.options import Expectation, RuleOptions

XSD = Path(__file__).resolve().parents[2] / "schemas" / "junit.xsd"
SHOP = "https://shop.test"


def _cases(xml: str) -> dict[str, list[str]]:
    """Suite name → its test case names."""
    root = ET.fromstring(xml)
    return {s.get("name"): [c.get("name") for c in s.iter("testcase")] for s in root}


def _audited(pages: list[PageVisit], **options: object) -> Report:
    report = Report(
        tool_version="0-test",
        started="2026-01-01T10:00:00+00:00",
        finished="2026-01-01T10:00:42.500000+00:00",
        pages=pages,
    )
    apply(report, load_rules(RuleOptions(**options)))  # type: ignore[arg-type]
    return report


def test_a_run_without_consent_scenarios_lists_no_consent_rule() -> None:
    report = _audited([PageVisit(f"{SHOP}/", status=200), PageVisit(f"{SHOP}/cart", status=200)])
    cases = _cases(junit.render(report))
    assert set(cases) == {"/", "/cart"}
    for names in cases.values():
        assert names, "the page rules that ran are listed"
        assert not [n for n in names if n.startswith(("consent-", "link-", "utm-"))], names


def test_consent_rules_are_listed_on_the_scenario_visits_only() -> None:
    scenario = ConsentRecord(cmp="onetrust", method="builtin")
    pages = [
        PageVisit(f"{SHOP}/", status=200, scenario="reject", consent=scenario),
        PageVisit(f"{SHOP}/about", status=200),  # a plain visit in the same run
    ]
    cases = _cases(junit.render(_audited(pages)))
    assert "consent-hit-after-reject" in cases["/ [reject]"]
    assert not [n for n in cases["/about [none]"] if n.startswith("consent-")]


def test_a_scoped_expectation_is_listed_where_it_applies() -> None:
    expect = [Expectation("ga4", event="purchase", on=["/checkout/thank-you*"], id="purchase")]
    pages = [
        PageVisit(f"{SHOP}/", status=200),
        PageVisit(f"{SHOP}/checkout/thank-you/", status=200),
    ]
    cases = _cases(junit.render(_audited(pages, expect=expect), fail_on="error"))
    assert "purchase" in cases["/checkout/thank-you/"]
    assert "purchase" not in cases["/"]


def test_a_page_that_did_not_load_lists_only_the_load_rule() -> None:
    pages = [PageVisit(f"{SHOP}/", status=200), PageVisit(f"{SHOP}/down", error="net::ERR_FAILED")]
    root = ET.fromstring(junit.render(_audited(pages)))
    (down,) = [s for s in root if s.get("name") == "/down"]
    # page-error rules (the load itself, console errors) read it; tag and data rules skip it
    assert [c.get("name") for c in down.iter("testcase")] == [
        "capture-cut",  # a page that failed may still have sent more than tagaudit reads
        "console-errors",
        "page-load-error",
    ]
    assert down.find("testcase[@name='page-load-error']/failure") is not None


def test_times_are_the_pages_and_the_runs_own() -> None:
    pages = [
        PageVisit(f"{SHOP}/", status=200, timings={"load_ms": 900.0, "total_ms": 1734.4}),
        PageVisit(f"{SHOP}/cart", status=200, timings={"load_ms": 300.0, "total_ms": 1200.0}),
    ]
    report = _audited(pages)
    root = ET.fromstring(junit.render(report))
    assert root.get("time") == "42.500"
    assert [s.get("time") for s in root] == ["1.734", "1.200"]
    assert all(s.get("timestamp") == report.started for s in root)
    applied = [i for i in report.config.rules.values() if i.pages or i.links]
    evaluated = sum(info.seconds or 0.0 for info in applied)
    cases = [float(c.get("time")) for c in root.iter("testcase")]
    # each case is written to the microsecond: the sum may be off by half of one per case
    rounding = 0.5e-6 * len(cases) + 1e-9
    assert evaluated > 0 and sum(cases) == pytest.approx(evaluated, rel=0.05, abs=rounding)


def test_link_suites_take_their_hops_time() -> None:
    from tagaudit.model import Hop

    hops = [Hop("https://go.test/a", 301, "https://shop.test/", elapsed=0.25), Hop(SHOP, 200)]
    report = Report(links=[LinkResult("https://go.test/a?utm_source=x", hops=hops)])
    apply(report, load_rules())
    (suite,) = ET.fromstring(junit.render(report))
    assert suite.get("time") == "0.250"
    names = [c.get("name") for c in suite.iter("testcase")]
    assert "link-broken" in names and not [n for n in names if n.startswith("pii")]


CONTROL = "".join(chr(c) for c in range(0x20)) + "\ud800\ufffe"


def test_control_characters_from_page_data_keep_the_xml_well_formed() -> None:
    page = PageVisit(f"{SHOP}/?q=\x01", status=200, console_errors=[f"boom {CONTROL}"])
    report = Report(pages=[page])
    report.findings = [
        Finding(
            "console-errors",
            "page-error",
            "warning",
            f"console error: boom {CONTROL}",
            url=page.url,
            help=f"help {CONTROL}",
        )
    ]
    for fail_on in ("warning", "error"):
        xml = junit.render(report, fail_on=fail_on)
        root = ET.fromstring(xml)  # raises on an unescaped control character
        xmlschema.XMLSchema(XSD).validate(xml)
        text = "".join(root.itertext())
        assert "boom \\x00\\x01" in text and "\t\n" in text  # tab and newline stay
        assert "\\ud800" not in text and "\\x1f" in text
        (suite,) = root
        assert suite.get("name") == "/"  # the page's path: its query is no part of its name


def test_xml_safe_keeps_what_xml_allows() -> None:
    assert junit.xml_safe("a\tb\nc\rd é 🛒") == "a\tb\nc\rd é 🛒"
    assert junit.xml_safe("\x00\x0b\x0c\x1b\ufffe") == "\\x00\\x0b\\x0c\\x1b\\xfffe"


def test_names_stay_the_same_from_run_to_run() -> None:
    """A page is its path without its query (order ids, cache-busters change every run); a
    journey step is `journey NAME / STEP`; two pages of one path are numbered."""
    pages = [
        PageVisit(f"{SHOP}/checkout/thank-you/?order=A-10002", status=200),
        PageVisit(f"{SHOP}/search?q=packs", status=200),
        PageVisit(f"{SHOP}/search?q=tents", status=200),
        PageVisit(f"{SHOP}/cart/", status=200, journey="checkout", step="cart"),
        PageVisit(f"{SHOP}/cart/", status=200, journey="reorder", step="cart"),
    ]
    names = junit.page_names(Report(pages=pages))
    assert names == [
        "/checkout/thank-you/",
        "/search",
        "/search (2)",
        "journey checkout / cart",
        "journey reorder / cart",
    ]


def test_a_failed_step_fails_once_and_skips_what_was_meant_for_it() -> None:
    from tagaudit.model import JourneyResult, Reached, StepResult

    expect = [
        Expectation("ga4", account="G-1"),  # site-wide: every page and step
        Expectation("ga4", event="purchase", journey="checkout", step="confirmation"),
    ]
    cart = PageVisit(f"{SHOP}/cart/", status=200, journey="checkout", step="checkout")
    cart.reached = Reached(page="same", goal="failed")
    journey = JourneyResult(
        "checkout",
        status="failed",
        steps=[
            StepResult("checkout", status="failed", error="click: Checkout did not appear"),
            StepResult("confirmation", status="skipped"),
        ],
    )
    report = Report(pages=[PageVisit(f"{SHOP}/", status=200), cart], journeys=[journey])
    apply(report, load_rules(RuleOptions(expect=expect)))
    root = ET.fromstring(junit.render(report))
    suites = {s.get("name"): s for s in root}

    def outcome(suite: str, case: str) -> str:
        [found] = [c for c in suites[suite].iter("testcase") if c.get("name") == case]
        return found[0].tag if len(found) else "passed"

    assert outcome("journey checkout / checkout", "journey-step-failed") == "failure"
    assert outcome("journey checkout / checkout", "expect tag ga4:G-1") == "skipped"
    assert outcome("journey checkout / confirmation", "expect event ga4:purchase") == "skipped"
    assert outcome("/", "expect tag ga4:G-1") == "failure"  # the home page has no GA4
    message = suites["journey checkout / checkout"].find("testcase/skipped").get("message")
    assert message == "step failed: its expectations were not checked"
    # The failed step's page names no missing tag: the step's one finding is its failure.
    on_journey = [f.rule_id for f in report.findings if f.location.get("journey")]
    assert on_journey == ["journey-step-failed"]


def test_a_rule_is_listed_where_it_had_something_to_check() -> None:
    from tagaudit.model import TagHit

    thanks = PageVisit(f"{SHOP}/thanks/", status=200)
    thanks.hits = [TagHit("ga4", account="G-1", event="purchase", params={"value": 9})]
    cases = _cases(junit.render(_audited([PageVisit(f"{SHOP}/", status=200), thanks])))
    assert "ga4-purchase-params" in cases["/thanks/"]
    assert "ga4-purchase-params" not in cases["/"]
    assert "tag-collector-down" not in cases["/thanks/"]  # no hit went to the site itself
