"""The `tracking` fixture as a team uses it: their test file, run by pytest in a fresh process.

Suites against the demo site: assertions that pass and fail as they should, with failures
that list what was sent one line each; steps and single-page-app views told apart where
the page made each event; `tracking` recording pytest-playwright's own `page`. Then the
matching rules over fixed hits, no browser needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tagaudit.model import Finding, TagHit
from tagaudit.pytest_plugin import Tracking
from tagaudit.runner.sitesrv import SiteServer
from tests.pytest_plugin.suites import outcome, run_suite

SUITE = """
SHOP = "{base}"


def test_the_thank_you_page_converts(tracking):
    tracking.page.goto(SHOP + "/checkout/thank-you/")
    hit = tracking.expect_hit("ga4", event="purchase", params={{"currency": "EUR", "value": 129}})
    assert hit.params["transaction_id"] == "ACME-1001"
    tracking.expect_hit("meta_pixel", event="Purchase", count=1)
    tracking.expect_no_hit("ga4", event="refund")
    tracking.assert_no_findings(severity="error")


def test_steps_label_what_follows(tracking):
    page = tracking.page
    page.goto(SHOP + "/shop/trail-widget/")
    tracking.step("cart")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/shop/cart/")
    tracking.expect_hit("ga4", event="view_cart", step="cart", view="/shop/cart/")
    tracking.expect_hit("ga4", event="page_view", step="start", view="/shop/trail-widget/")
    assert {{h.step for h in tracking.hits(event="view_cart")}} == {{"cart"}}


def test_a_refund_that_never_comes(tracking):
    tracking.page.goto(SHOP + "/checkout/thank-you/")
    tracking.expect_hit("ga4", event="refund", timeout=1)


def test_a_purchase_counted_twice(tracking):
    tracking.page.goto(SHOP + "/checkout/thank-you-dup/")
    tracking.expect_hit("ga4", event="purchase", count=1)


def test_a_page_with_findings(tracking):
    tracking.page.goto(SHOP + "/landing/webinar/")
    tracking.expect_hit("ga4", event="page_view")
    tracking.assert_no_findings(severity="error")


def test_the_readme_way_with_a_plain_assert(tracking):
    tracking.page.goto(SHOP + "/landing/webinar/")
    tracking.expect_hit("ga4", event="page_view")
    assert tracking.findings(severity="error") == []
"""


@pytest.mark.e2e
def test_a_suite_with_tracking_checks(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    files = {"test_tracking.py": SUITE.format(base=demo_site.base_url)}
    done = run_suite(tmp_path, files, "-q", "-p", "no:cacheprovider", chromium=chromium_path)
    out = done.stdout
    assert "4 failed, 2 passed" in out, outcome(done)
    # A missing hit: what was wanted, then every hit sent, one line each.
    assert "no ga4 refund hit within 1 s; the hits sent:" in out
    assert "ga4 G-DEMO12345 purchase (step start) transaction_id=ACME-1001" in out
    # A count that is off says how many there were.
    assert "2 ga4 purchase hit(s), 1 expected; the hits sent:" in out
    # Findings: one line each, rule, page and message, never a cut repr.
    assert "1 finding(s) at error or worse:" in out
    where = "journey test_a_page_with_findings, step start, /landing/webinar/"
    assert f"error tag-blocked-by-csp {where}: meta_pixel 1234567890123456 PageView" in out
    # pytest cuts a long repr in its middle (unless CI is set): its head is what it shows.
    assert "<Finding error tag-blocked-by-csp journey test_the_readme_way_with_a_plain" in out
    assert "aseline=None" not in out


SPA_SUITE = """
SHOP = "{base}"


def test_the_payment_view_of_a_single_page_checkout(tracking):
    page = tracking.page
    page.goto(SHOP + "/spa-checkout/")
    tracking.step("payment")
    page.get_by_role("button", name="Continue to payment").click()
    tracking.expect_hit("ga4", event="add_payment_info", step="payment", view="**/payment")
    tracking.expect_hit("ga4", event="page_view", view="/spa-checkout/payment", step="payment")
    # The shipping view's page view was made before step("payment"), on the shipping view.
    tracking.expect_hit("ga4", event="page_view", view="/spa-checkout/", step="start")
    tracking.expect_no_hit("ga4", event="page_view", view="/spa-checkout/", step="payment")
    tracking.expect_hit("ga4", event="page_view", step="payment", count=1)
"""


@pytest.mark.e2e
def test_events_belong_to_the_step_and_view_the_page_made_them_in(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    files = {"test_spa.py": SPA_SUITE.format(base=demo_site.base_url)}
    done = run_suite(tmp_path, files, "-q", "-p", "no:cacheprovider", chromium=chromium_path)
    assert "1 passed" in done.stdout, outcome(done)


WITH_PYTEST_PLAYWRIGHT = """
SHOP = "{base}"


def test_tracking_records_pytest_playwrights_page(page, tracking):
    assert tracking.page is page
    page.goto(SHOP + "/lead/thanks/")
    tracking.expect_hit("ga4", event="generate_lead")
    tracking.expect_hit("google_ads", event="conversion")


def test_tracking_alone_after_a_page_test(tracking):
    tracking.page.goto(SHOP + "/lead/thanks/")
    tracking.expect_hit("ga4", event="generate_lead")
"""


@pytest.mark.e2e
def test_alongside_pytest_playwright_with_no_conftest(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    """pytest-playwright's `page` starts the Chromium tagaudit finds (no conftest), and a
    `tracking` test after it shares pytest-playwright's Playwright (one per thread)."""
    files = {"test_tracking.py": WITH_PYTEST_PLAYWRIGHT.format(base=demo_site.base_url)}
    done = run_suite(tmp_path, files, "-q", "-p", "no:cacheprovider", chromium=chromium_path)
    assert "2 passed" in done.stdout, outcome(done)


# Matching, over a recording that holds fixed hits: no browser needed.


class FixedRecording:
    """What Tracking reads of a live recording: its page and the hits decoded so far."""

    def __init__(self, hits: list[TagHit]) -> None:
        self.page: Any = None
        self._hits = hits

    def hits(self) -> list[TagHit]:
        return self._hits

    def wait(self, milliseconds: int) -> None:
        pass

    def settle(self, quiet_ms: int = 500, max_wait_ms: int = 5000) -> None:
        pass


CART = "https://shop.example/spa/cart"
HITS = [
    TagHit("google_ads", account="AW-1/signup", event="conversion"),
    TagHit("google_ads", account="AW-1/purchase", event="conversion"),
    TagHit("google_ads", account="AW-2", event="page_view"),
    TagHit("ga4", account="G-ABC123", event="purchase", step="pay", params={"value": 129}),
    TagHit("ga4", account="G-ABC123", event="page_view", step="cart", view=CART),
    TagHit(
        "ga4", account="G-ABC123", event="page_view", params={"page_url": "https://shop.example/"}
    ),
    TagHit("ga4", account="G-ABC123", event="add_to_cart", blocked="csp"),
]


def _tracking() -> Tracking:
    return Tracking(FixedRecording(HITS), "test")  # type: ignore[arg-type]


def _accounts(account: str) -> list[str | None]:
    return [h.account for h in _tracking().hits(account=account)]


def test_a_labelled_account_matches_only_that_label() -> None:
    assert _accounts("AW-1/purchase") == ["AW-1/purchase"]
    assert _accounts("AW-1/refund") == []


def test_an_account_matches_all_its_labels() -> None:
    assert _accounts("AW-1") == ["AW-1/signup", "AW-1/purchase"]


def test_accounts_compare_case_insensitively() -> None:
    assert _accounts("g-abc123") == ["G-ABC123"] * 3
    assert _accounts("aw-1/SIGNUP") == ["AW-1/signup"]


def test_views_match_by_url_path_or_glob() -> None:
    tracking = _tracking()
    assert [h.view for h in tracking.hits(view=CART)] == [CART]
    assert [h.view for h in tracking.hits(view="/spa/cart")] == [CART]
    assert [h.view for h in tracking.hits(view="**/cart")] == [CART]
    # No single-page-app view: the page the hit reports is its view.
    assert [h.event for h in tracking.hits("ga4", view="/")] == ["page_view"]
    assert tracking.hits(view="/spa/checkout") == []


def test_steps_and_params_narrow_the_match() -> None:
    tracking = _tracking()
    assert [h.event for h in tracking.hits("ga4", step="pay")] == ["purchase"]
    assert [h.event for h in tracking.hits(params={"value": "129"})] == ["purchase"]
    assert [h.event for h in tracking.hits(params={"value": ...})] == ["purchase"]


def test_a_hit_the_csp_blocked_never_counts() -> None:
    assert _tracking().hits(event="add_to_cart") == []
    with pytest.raises(AssertionError, match="no ga4 add_to_cart hit within 0 s"):
        _tracking().expect_hit("ga4", event="add_to_cart", timeout=0)


def test_expect_hit_of_another_label_fails_listing_what_was_sent() -> None:
    tracking = _tracking()
    with pytest.raises(AssertionError) as failed:
        tracking.expect_hit("google_ads", event="conversion", account="AW-1/refund", timeout=0)
    lines = str(failed.value).splitlines()
    assert lines[0] == "no google_ads AW-1/refund conversion hit within 0 s; the hits sent:"
    assert "  ga4 G-ABC123 page_view (step cart, view /spa/cart)" in lines
    assert "  ga4 G-ABC123 purchase (step pay) value=129" in lines
    hit = tracking.expect_hit("google_ads", event="conversion", account="aw-1/purchase", timeout=0)
    assert hit.account == "AW-1/purchase"


def test_expect_no_hit_lists_the_ones_that_were_sent() -> None:
    tracking = _tracking()
    tracking.expect_no_hit("ga4", event="refund")
    with pytest.raises(AssertionError) as failed:
        tracking.expect_no_hit("ga4", event="page_view", step="cart")
    assert str(failed.value).splitlines() == [
        "1 ga4 page_view in step cart hit(s), none expected:",
        "  ga4 G-ABC123 page_view (step cart, view /spa/cart)",
    ]


def test_expect_hit_counts_exactly() -> None:
    tracking = _tracking()
    assert tracking.expect_hit("ga4", event="page_view", count=2).event == "page_view"
    with pytest.raises(AssertionError, match=r"^2 ga4 page_view hit\(s\), 1 expected"):
        tracking.expect_hit("ga4", event="page_view", count=1, timeout=0)


def test_findings_and_hits_print_one_line_each() -> None:
    finding = Finding(
        "journey-step-failed",
        "journey-step",
        "error",
        "click: the button named 'Pay' did not appear within 3 s",
        url="https://shop.example/checkout/?a=1",
        location={"journey": "checkout", "step": "pay"},
        evidence={"long": "x" * 500},
    )
    assert repr([finding]) == (
        "[<Finding error journey-step-failed journey checkout, step pay, /checkout/?a=1: "
        "click: the button named 'Pay' did not appear within 3 s>]"
    )
    plain = Finding("page-load-error", "page-error", "error", "HTTP 404", url=CART)
    assert plain.describe() == "error page-load-error /spa/cart: HTTP 404"
    assert repr(HITS[3]) == "<TagHit ga4 G-ABC123 purchase (step pay) value=129>"
    assert repr(HITS[6]) == "<TagHit ga4 G-ABC123 add_to_cart blocked: csp>"


def test_a_count_of_none_is_expect_no_hit() -> None:
    with pytest.raises(ValueError, match="expect_no_hit"):
        _tracking().expect_hit("ga4", event="refund", count=0)


def test_a_failure_message_shows_page_data_escaped_masked_and_short() -> None:
    """A page sends what it likes; pytest prints the message into a CI log: no terminal
    escape may act, no credential or address may show, no value may fill a screen."""
    hostile = [
        TagHit(
            "ga4",
            account="G-\x1b[2J\x1b]0;pwned\x07",
            event="purchase\u202e",
            params={
                "transaction_id": "https://ann:hunter2@shop.test/?access_token=AT-1&a=1",
                "currency": "jane.doe@example.com",
                "value": "9" * 1_000_000,
            },
        )
    ] + [TagHit("ga4", account="G-1", event=f"e{i}") for i in range(500)]
    tracking = Tracking(FixedRecording(hostile), "test")
    with pytest.raises(AssertionError) as caught:
        tracking.expect_hit("ga4", event="refund", params={"token": "x"}, timeout=0)
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message and "\u202e" not in message
    assert "\\x1b[2J" in message and "\\u202e" in message  # shown, not acted on
    assert "hunter2" not in message and "AT-1" not in message and "jane.doe@" not in message
    assert "access_token=***" in message and "j***@example.com" in message
    assert len(message) < 20_000 and max(len(line) for line in message.splitlines()) < 400
    assert message.splitlines()[-1] == "  … and 471 more"
