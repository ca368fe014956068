"""The demo site's journeys, played for real: steps, views, click-id chains and the findings.

One run of every journey in fixtures/demo-site/tagaudit.yaml (real Chromium, the demo served
on 127.0.0.1), through the library API as a user would call it; the tests read its Report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tagaudit
from tagaudit.model import JourneyResult, PageVisit, Report
from tagaudit.report import html, json_report
from tagaudit.runner.sitesrv import SiteServer

pytestmark = pytest.mark.e2e
DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo-site"
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"


@pytest.fixture(scope="module")
def report(demo_site: SiteServer, chromium_path: str) -> Report:
    return tagaudit.audit(
        [demo_site.url("/privacy/")], config=DEMO / "tagaudit.yaml", browser=chromium_path
    )


def journey(report: Report, name: str) -> JourneyResult:
    return next(j for j in report.journeys if j.name == name)


def visits(report: Report, name: str) -> dict[str, PageVisit]:
    return {p.step: p for p in report.pages if p.journey == name}  # type: ignore[misc]


def findings(report: Report, rule_id: str) -> list[Any]:
    return [f for f in report.findings if f.rule_id == rule_id]


def test_the_checkout_runs_every_step_in_one_context(report: Report) -> None:
    checkout = journey(report, "checkout")
    assert [(s.name, s.status) for s in checkout.steps] == [
        ("start", "ok"),
        ("product", "ok"),
        ("cart", "ok"),
        ("checkout", "ok"),
        ("confirmation", "ok"),
    ]
    steps = visits(report, "checkout")
    assert steps["confirmation"].url.endswith("/shop/thank-you/")
    # The order form was POSTed: the confirmation is only reachable that way.
    posts = [r for r in steps["confirmation"].requests if r.method == "POST" and r.navigation]
    assert [r.url.rsplit("/", 1)[-1] for r in posts] == ["place-order"]
    purchase = next(h for h in steps["confirmation"].hits if h.event == "purchase")
    assert purchase.step == "confirmation" and purchase.params["currency"] == "EUR"
    assert all(r.step == "cart" for r in steps["cart"].requests)
    # One context: the cookie set on the landing is still there at the end, and says where
    # it was first seen.
    gcl_aw = next(c for c in steps["confirmation"].cookies if c.name == "_gcl_aw")
    assert gcl_aw.step == "start" and gcl_aw.value and "TEST-GCLID-1" in gcl_aw.value


def test_the_click_ids_reach_the_conversion(report: Report) -> None:
    paths = {p.name: p for p in journey(report, "checkout").click_ids}
    assert set(paths) == {"gclid", "fbclid"}
    for path in paths.values():
        assert path.broken_at is None, path
        assert [link.stage for link in path.links] == [
            "link", "landing", "hits", "cookie", "conversion",
        ]  # fmt: skip
    assert "conversion" in paths["gclid"].links[-1].detail  # the Ads conversion's gclaw
    assert "Purchase" in paths["fbclid"].links[-1].detail  # Meta's fbc


def test_a_lost_gclid_is_found_where_it_breaks(report: Report) -> None:
    [path] = journey(report, "checkout-autumn").click_ids
    assert (path.name, path.broken_at) == ("gclid", "cookie")
    [finding] = findings(report, "click-id-lost")
    assert finding.severity == "error" and finding.category == "click-id"
    assert "gclid reached the landing page but _gcl_aw was never set" in finding.message
    assert finding.location["journey"] == "checkout-autumn"


def test_single_page_app_views_label_the_hits(report: Report) -> None:
    spa = journey(report, "spa-checkout")
    payment = next(s for s in spa.steps if s.name == "payment")
    assert payment.views[-1].endswith("/spa-checkout/confirmation")
    step = visits(report, "spa-checkout")["payment"]
    purchase = next(h for h in step.hits if h.event == "purchase")
    assert purchase.view and purchase.view.endswith("/spa-checkout/confirmation")
    views = [
        h.view for h in visits(report, "spa-checkout")["shipping"].hits if h.event == "page_view"
    ]
    assert views[0] is None and views[-1].endswith(
        "/spa-checkout/payment"
    )  # GA4's history page view
    assert not [f for f in report.findings if f.rule_id.startswith("expect-spa-checkout")]


def test_a_conversion_before_the_order_succeeded(report: Report) -> None:
    found = findings(report, "conversion-before-success")
    assert {(f.location["provider"], f.location["event"]) for f in found} == {
        ("ga4", "purchase"),
        ("google_ads", "conversion"),
    }
    assert all(f.location["journey"] == "spa-invoice" for f in found)
    assert "POST /spa-checkout/api/invoice → HTTP 404" in found[0].message


def test_a_missing_button_fails_its_step_with_a_screenshot(report: Report) -> None:
    quote = journey(report, "quote")
    [step] = quote.steps
    assert step.status == "failed" and quote.status == "failed"
    # The button, not the page: the fills found their fields, the click waited its 10 s.
    assert (step.error or "").endswith(
        "click: the button named 'Request a quote' did not appear (or was not usable) within 10 s"
    )
    [finding] = findings(report, "journey-step-failed")
    assert finding.category == "journey-step"
    assert finding.evidence["screenshot"].startswith("data:image/jpeg;base64,")
    assert not findings(report, "page-load-error")  # one finding for one cause


def test_the_step_expectations_hold_where_the_purchase_fires(report: Report) -> None:
    assert not [f for f in report.findings if f.rule_id.startswith("expect-checkout-")]


def test_the_journeys_are_in_the_json_and_the_html(report: Report) -> None:
    import jsonschema

    data = json.loads(json_report.render(report))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(data)
    again = Report.from_dict(data)
    assert [j.name for j in again.journeys] == [j.name for j in report.journeys]
    assert again.journeys[1].click_ids[0].links[3].ok is False
    page = html.render(report)
    assert page.count('class="chain"') == 3
    assert page.count('class="link broken"') == 2  # autumn: cookie and conversion
    assert 'class="shot"' in page
