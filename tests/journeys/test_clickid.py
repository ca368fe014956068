"""The click id's chain, from a journey's visits (pure): each place it can break, and why."""

from __future__ import annotations

from tagaudit.journeys.clickid import click_ids_of, follow_click_ids
from tagaudit.model import Cookie, JourneyResult, PageVisit, TagHit

START = "https://shop.test/go/x?utm_source=g&gclid=G1&fbclid=F1"
LANDING = "https://shop.test/landing/?utm_source=g&gclid=G1&fbclid=F1"


def _visits(
    landing: str = LANDING,
    cookies: list[Cookie] | None = None,
    conversion: dict[str, str] | None = None,
) -> list[PageVisit]:
    land = PageVisit(url=landing, final_url=landing, journey="j", step="start")
    land.hits = [TagHit("ga4", account="G-1", event="page_view", params={"dl": landing})]
    land.cookies = (
        cookies
        if cookies is not None
        else [
            Cookie("_gcl_aw", "shop.test", value="GCL.1700000000.G1", step="start"),
            Cookie("_fbc", "shop.test", value="fb.1.1700000000.F1", step="start"),
        ]
    )
    done = PageVisit(url="https://shop.test/thank-you/", journey="j", step="confirmation")
    params = conversion if conversion is not None else {"gclaw": "G1"}
    done.hits = [
        TagHit("google_ads", account="AW-1/x", event="conversion", params=params),
        TagHit("meta_pixel", account="9", event="Purchase", params={"fbc": "fb.1.1.F1"}),
    ]
    return [land, done]


def _paths(visits: list[PageVisit]) -> dict[str, object]:
    result = JourneyResult("j", start=START)
    return {p.name: p for p in follow_click_ids(result, visits)}


def test_click_ids_are_read_from_query_and_fragment() -> None:
    assert click_ids_of("https://a.test/?gclid=1&utm_source=x#fbclid=2") == {
        "gclid": "1",
        "fbclid": "2",
    }
    assert click_ids_of("https://a.test/?gclid=") == {}


def test_a_whole_chain() -> None:
    paths = _paths(_visits())
    assert {name: p.broken_at for name, p in paths.items()} == {"gclid": None, "fbclid": None}


def test_dropped_by_the_redirects() -> None:
    path = _paths(_visits(landing="https://shop.test/landing/"))["gclid"]
    assert path.broken_at == "landing"
    assert path.reason.startswith("gclid was lost on the way to the landing page")


def test_a_cookie_holding_another_click() -> None:
    cookies = [Cookie("_gcl_aw", "shop.test", value="GCL.1.OTHER", step="start")]
    path = _paths(_visits(cookies=cookies))["gclid"]
    assert path.broken_at == "cookie"
    assert "_gcl_aw holds another click id" in path.reason


def test_a_conversion_without_its_click_id() -> None:
    path = _paths(_visits(conversion={"value": "9"}))["gclid"]
    assert path.broken_at == "conversion"
    assert path.reason.startswith("the conversion hit at step confirmation carries no click id")


def test_no_conversion_hit_of_the_platform_at_all() -> None:
    visits = _visits()
    visits[0].hits.append(TagHit("google_ads", kind="config", account="AW-1"))
    visits[1].hits = [h for h in visits[1].hits if h.provider != "google_ads"]
    path = _paths(visits)["gclid"]
    assert (path.broken_at, path.links[-1].detail) == (
        "conversion",
        "no google_ads hit was sent",
    )
    assert path.reason == (
        "no google_ads / floodlight conversion hit was sent at step confirmation: "
        "the conversion tag did not fire at that step"
    )


def test_one_sentence_per_break_never_two_causes() -> None:
    """Each break reads as what happened, then its one usual cause, never a contradiction."""
    reasons = [
        _paths(_visits(landing="https://shop.test/landing/"))["gclid"].reason,
        _paths(_visits(cookies=[]))["gclid"].reason,
        _paths(_visits(conversion={"value": "9"}))["gclid"].reason,
    ]
    assert reasons == [
        "gclid was lost on the way to the landing page (landed on https://shop.test/landing/ "
        "without gclid): a redirect dropped it: keep the query string on every hop",
        "gclid reached the landing page but _gcl_aw was never set: the tag that stores it "
        "(Google's Conversion Linker, the Meta pixel …) did not run on the landing page, or "
        "consent denied ad storage",
        "the conversion hit at step confirmation carries no click id: the conversion tag did "
        "not read the cookie, or sends no click identifier",
    ]
    for reason in reasons:
        assert reason.count(": ") <= 2 and "(the conversion hit was sent without" not in reason


def test_a_click_id_no_tag_of_its_platform_could_use_is_not_lost() -> None:
    visits = _visits(cookies=[])
    visits[1].hits = [h for h in visits[1].hits if h.provider != "google_ads"]  # GA4 only
    path = _paths(visits)["gclid"]
    assert (path.broken_at, path.tags) == (None, [])
    assert path.reason.startswith("gclid is on the start link, but no google_ads or floodlight")
    assert _paths(visits)["fbclid"].tags == ["meta_pixel 9"]


def test_tags_waiting_for_consent_are_the_cause_the_journey_names() -> None:
    visits = _visits(cookies=[])
    visits[0].reached.consent = "none"  # a banner asked, the journey made no choice
    path = _paths(visits)["gclid"]
    assert path.broken_at == "cookie"
    assert path.reason.endswith(
        "the tags wait for consent, which this journey did not give (add `consent: accept` "
        "to the journey)"
    )


def test_a_journey_that_failed_before_its_conversion_does_not_judge_it() -> None:
    from tagaudit.model import StepResult

    visits = _visits(conversion={"value": "9"})
    result = JourneyResult("j", start=START)
    result.steps = [StepResult("start"), StepResult("confirmation", status="failed")]
    path = {p.name: p for p in follow_click_ids(result, visits)}["gclid"]
    assert path.broken_at is None
    assert path.reason == "not judged from the conversion on: step confirmation failed"
