"""What a visit reached (model/reached.py): the page, the consent state, the goal, the empty
or error state a page shows, read from what the capture holds."""

from __future__ import annotations

import pytest

from tagaudit.model import (
    Banner,
    ConsentRecord,
    PageVisit,
    Reached,
    Request,
    TagHit,
    empty_state,
    reach,
    to_dict,
)
from tagaudit.model.reached import consent_state


@pytest.mark.parametrize(
    ("texts", "found"),
    [
        (["Thank you | Shop", "No order found"], ("no-order", "No order found")),
        (["Order #A-10002 was not found."], ("no-order", "Order #A-10002 was not found.")),
        (["We could not find your order"], ("no-order", "We could not find your order")),
        (["Keine Bestellung gefunden"], ("no-order", "Keine Bestellung gefunden")),
        (["Your basket is empty"], ("empty-cart", "Your basket is empty")),
        (["404 – Page not found"], ("not-found", "404 – Page not found")),
        (["Please log in to continue"], ("login", "Please log in to continue")),
        (["Your session has expired"], ("expired", "Your session has expired")),
        (["Something went wrong"], ("error", "Something went wrong")),
        # A product text is no empty state, nor is a page about errors.
        (["Trail Pack 38", "No order minimum, free returns"], None),
        (["Thank you for your order", "Order NW-10002, € 129.00."], None),
        ([], None),
    ],
)
def test_empty_states_are_read_from_the_page_words(texts: list[str], found: object) -> None:
    assert empty_state(texts) == found


def test_a_long_notice_is_kept_short() -> None:
    kind, words = empty_state(["No order found. " + "x" * 300]) or ("", "")
    assert kind == "no-order" and len(words) == 120 and words.endswith("…")


def test_a_plain_visit_reaches_its_page_and_its_tags() -> None:
    visit = PageVisit(url="https://shop.test/", status=200)
    visit.requests = [
        Request("https://www.google-analytics.com/g/collect?en=page_view", answered_locally=True),
        Request("https://www.facebook.com/tr/?ev=PageView", failure="csp"),
    ]
    visit.hits = [
        TagHit("ga4", account="G-1", event="page_view", request_index=0),
        TagHit("meta_pixel", account="7", event="PageView", request_index=1, blocked="csp"),
    ]
    reached = reach(visit).reached
    assert (reached.page, reached.consent, reached.goal) == ("loaded", "not-asked", None)
    assert reached.tags == ["ga4 G-1"]  # the blocked pixel never got through


def test_a_page_that_failed_to_load() -> None:
    assert reach(PageVisit(url="https://shop.test/x", status=404)).reached.page == "error"


def test_journey_steps_say_whether_they_loaded_a_page_of_their_own() -> None:
    loaded = PageVisit(url="https://shop.test/cart/", journey="j", step="cart", status=200)
    loaded.requests = [Request("https://shop.test/cart/", navigation=True, status=200)]
    view = PageVisit(url="https://shop.test/app/", journey="j", step="trip")
    view.requests = [Request("https://www.google-analytics.com/g/collect", view="/app/trip")]
    same = PageVisit(url="https://shop.test/cart/", journey="j", step="checkout")
    assert reach(loaded, "ok").reached.page == "loaded"
    assert reach(view, "ok").reached.page == "view"
    assert (reach(same, "failed").reached.page, same.reached.goal) == ("same", "failed")


def test_goals_a_page_can_reach() -> None:
    order = PageVisit(url="https://shop.test/thanks/")
    order.hits = [TagHit("ga4", event="purchase", params={"transaction_id": "A-1"})]
    refused = PageVisit(url="https://shop.test/pay/")
    refused.requests = [Request("https://shop.test/api/invoice", method="POST", status=422)]
    accepted = PageVisit(url="https://shop.test/lead/", data_layer=[{"event": "x"}])
    accepted.requests = [Request("https://shop.test/lead/thanks/", method="POST", status=303)]
    shown = PageVisit(url="https://shop.test/t/", data_layer=[{"ecommerce": {"order_id": 1}}])
    assert reach(order).reached.goal == "order-shown"
    assert reach(refused).reached.goal == "form-refused"
    assert reach(accepted).reached.goal == "form-accepted"
    assert reach(shown).reached.goal == "order-shown"
    assert reach(PageVisit(url="https://shop.test/"), "ok").reached.goal == "done"


def test_consent_states_from_a_banner_a_scenario_and_consent_mode() -> None:
    asked = PageVisit(url="https://shop.test/")
    asked.consent = ConsentRecord(banner=Banner(cmp="klaro", visible=True))
    accepted = PageVisit(url="https://shop.test/", scenario="accept")
    accepted.consent = ConsentRecord(method="builtin", popup=True, action={"result": True})
    failed = PageVisit(url="https://shop.test/", scenario="accept")
    failed.consent = ConsentRecord(method="builtin", popup=True, action={"result": False})
    rejected = PageVisit(url="https://shop.test/", scenario="reject")
    rejected.consent = ConsentRecord(method="builtin", popup=True, action={"result": True})
    mode = PageVisit(url="https://shop.test/")
    mode.hits = [TagHit("ga4", consent={"gcs": {"raw": "G100"}})]
    journey = PageVisit(url="https://shop.test/", journey="j", step="start")
    assert [consent_state(v) for v in (asked, accepted, failed, rejected, mode, journey)] == [
        "none",
        "granted",
        "none",
        "denied",
        "denied",
        None,  # a journey that made no choice: nobody looked
    ]


def test_a_consent_state_set_by_the_caller_is_kept() -> None:
    visit = PageVisit(url="https://shop.test/", journey="j", step="start")
    visit.reached.consent = "granted"  # the journey's `consent: accept` acted on the banner
    assert reach(visit, "ok").reached.consent == "granted"


def test_in_json_only_what_was_reached_is_written() -> None:
    visit = PageVisit(url="https://shop.test/thank-you/")
    visit.reached = Reached(page="loaded", empty="no-order", notice="No order found")
    assert to_dict(visit)["reached"] == {
        "page": "loaded",
        "empty": "no-order",
        "notice": "No order found",
    }
    assert Reached(goal="failed").blocks_tags() and not Reached(page="loaded").blocks_tags()
