"""Hits belong to the step and view the page made them in (browser/attribution.py).

First the rule over fixed places and requests, then a real page in headless Chromium whose
queue leaves after `step()` and a pushState (fixtures/batched-spa), through the pytest
plugin as a team would use it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tagaudit.browser.attribution import Place, Places, is_page_view
from tagaudit.model import Request, TagHit
from tests.pytest_plugin.suites import outcome, run_suite
from tests.support.servers import serve_folder

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHOP = "https://shop.example/"
CART = "https://shop.example/cart"

# The page loads / (step start), the test calls step("cart"), a click pushes /cart.
MARKS = [Place(1.0, SHOP, "cart", None), Place(1.5, CART, "cart", CART)]
REQUESTS = [
    Request(url=SHOP, navigation=True, timestamp=0.1, step="start"),
    Request(
        url="https://www.google-analytics.com/g/collect", timestamp=2.0, step="cart", view=CART
    ),
]


def _hit(event: str, page: str | None) -> TagHit:
    params = {"page_url": page} if page else {}
    return TagHit("ga4", event=event, params=params, request_index=1, step="cart", view=CART)


def _labels(*hits: TagHit) -> list[tuple[str | None, str | None]]:
    Places.of(MARKS, REQUESTS).attribute(list(hits), REQUESTS)
    return [(h.step, h.view) for h in hits]


def test_a_page_view_belongs_to_the_step_that_reached_its_page() -> None:
    assert _labels(_hit("page_view", SHOP)) == [("start", None)]


def test_other_events_belong_to_the_last_step_on_their_page() -> None:
    assert _labels(_hit("add_to_cart", SHOP)) == [("cart", None)]


def test_an_event_made_where_it_left_keeps_its_labels() -> None:
    assert _labels(_hit("page_view", CART), _hit("add_to_cart", CART)) == [
        ("cart", CART),
        ("cart", CART),
    ]


def test_a_page_never_seen_or_not_said_changes_nothing() -> None:
    assert _labels(_hit("add_to_cart", "https://elsewhere.example/"), _hit("x", None)) == [
        ("cart", CART),
        ("cart", CART),
    ]


def test_page_views_as_the_vendors_name_them() -> None:
    for event in ("page_view", "PageView", "Pageview", "$pageview", "pageLoad", "pagevisit"):
        assert is_page_view(event), event
    assert not is_page_view("purchase")
    assert not is_page_view(None)


SUITE = """
SHOP = "{base}"


def test_a_batch_that_leaves_after_the_step(tracking):
    page = tracking.page
    page.goto(SHOP + "/")
    tracking.step("cart")
    page.get_by_role("button", name="Add to cart").click()
    # One request carries all three events, sent from /cart in step cart.
    tracking.expect_hit("ga4", event="page_view", view="/cart", step="cart")
    tracking.expect_hit("ga4", event="page_view", view="/", step="start")
    tracking.expect_hit("ga4", event="add_to_cart", step="cart", view="/")
    tracking.expect_hit("ga4", event="page_view", step="cart", count=1)
    tracking.expect_no_hit("ga4", event="page_view", view="/", step="cart")
"""


@pytest.mark.e2e
def test_a_batched_page_view_is_not_the_next_steps(chromium_path: str, tmp_path: Path) -> None:
    with serve_folder(FIXTURES / "batched-spa") as site:
        files = {"test_spa.py": SUITE.format(base=site.base_url)}
        done = run_suite(tmp_path, files, "-q", "-p", "no:cacheprovider", chromium=chromium_path)
    assert "1 passed" in done.stdout, outcome(done)
