"""The pytest plugin as a team uses it: a test file of theirs, run by pytest in a fresh process.

Three suites against the demo site: `tracking` on its own page (the plugin's browser), a
failing assertion that lists the hits that did fire, and `tracking` recording
pytest-playwright's own `page` fixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tagaudit.model import TagHit
from tagaudit.pytest_plugin import Tracking
from tagaudit.runner.sitesrv import SiteServer

SUITE = """
SHOP = "{base}"


def test_the_thank_you_page_converts(tracking):
    tracking.page.goto(SHOP + "/checkout/thank-you/")
    hit = tracking.expect_hit("ga4", event="purchase", params={{"currency": "EUR", "value": 129}})
    assert hit.params["transaction_id"] == "ACME-1001"
    tracking.expect_hit("meta_pixel", event="Purchase")
    assert tracking.findings(severity="error") == []


def test_steps_label_what_follows(tracking):
    page = tracking.page
    page.goto(SHOP + "/shop/trail-widget/")
    tracking.step("cart")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/shop/cart/")
    tracking.expect_hit("ga4", event="view_cart")
    assert {{h.step for h in tracking.hits(event="view_cart")}} == {{"cart"}}


def test_a_refund_that_never_comes(tracking):
    tracking.page.goto(SHOP + "/checkout/thank-you/")
    tracking.expect_hit("ga4", event="refund", timeout=1)
"""

WITH_PYTEST_PLAYWRIGHT = """
import pytest

SHOP = "{base}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {{**browser_type_launch_args, "executable_path": "{chromium}", "args": ["--no-sandbox"]}}


def test_tracking_records_pytest_playwrights_page(page, tracking):
    assert tracking.page is page
    page.goto(SHOP + "/lead/thanks/")
    tracking.expect_hit("ga4", event="generate_lead")
    tracking.expect_hit("google_ads", event="conversion")
"""


def _pytest(tmp_path: Path, source: str, chromium: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_tracking.py").write_text(source)
    env = {**os.environ, "TAGAUDIT_BROWSER": chromium}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_tracking.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.e2e
def test_a_suite_with_tracking_checks(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    done = _pytest(tmp_path, SUITE.format(base=demo_site.base_url), chromium_path)
    out = done.stdout
    assert "1 failed, 2 passed" in out, out + done.stderr
    # The failing assertion shows what did fire, so the fix is one look away.
    assert "no ga4 refund hit within 1 s; the hits that fired:" in out
    assert "ga4 G-DEMO12345 purchase  transaction_id=ACME-1001" in out


@pytest.mark.e2e
def test_alongside_pytest_playwright(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    source = WITH_PYTEST_PLAYWRIGHT.format(base=demo_site.base_url, chromium=chromium_path)
    done = _pytest(tmp_path, source, chromium_path)
    assert "1 passed" in done.stdout, done.stdout + done.stderr


# The plugin matches accounts as the rules do (tagaudit.model.account_matches): over a
# recording that holds fixed hits, no browser needed.


class FixedRecording:
    """What Tracking reads of a live recording: its page and the hits decoded so far."""

    def __init__(self, hits: list[TagHit]) -> None:
        self.page: Any = None
        self._hits = hits

    def hits(self) -> list[TagHit]:
        return self._hits

    def wait(self, ms: int) -> None:
        pass


HITS = [
    TagHit("google_ads", account="AW-1/signup", event="conversion"),
    TagHit("google_ads", account="AW-1/purchase", event="conversion"),
    TagHit("google_ads", account="AW-2", event="page_view"),
    TagHit("ga4", account="G-ABC123", event="purchase"),
]


def _accounts(account: str) -> list[str | None]:
    tracking = Tracking(FixedRecording(HITS), "test")
    return [h.account for h in tracking.hits(account=account)]


def test_a_labelled_account_matches_only_that_label() -> None:
    assert _accounts("AW-1/purchase") == ["AW-1/purchase"]
    assert _accounts("AW-1/refund") == []


def test_an_account_matches_all_its_labels() -> None:
    assert _accounts("AW-1") == ["AW-1/signup", "AW-1/purchase"]


def test_accounts_compare_case_insensitively() -> None:
    assert _accounts("g-abc123") == ["G-ABC123"]
    assert _accounts("aw-1/SIGNUP") == ["AW-1/signup"]


def test_expect_hit_of_another_label_fails_listing_what_fired() -> None:
    tracking = Tracking(FixedRecording(HITS), "test")
    with pytest.raises(AssertionError, match="no google_ads AW-1/refund conversion hit"):
        tracking.expect_hit("google_ads", event="conversion", account="AW-1/refund", timeout=0)
    hit = tracking.expect_hit("google_ads", event="conversion", account="aw-1/purchase", timeout=0)
    assert hit.account == "AW-1/purchase"


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
    assert len(message) < 10_000 and max(len(line) for line in message.splitlines()) < 400
    assert message.splitlines()[-1] == "  … and 471 more"
