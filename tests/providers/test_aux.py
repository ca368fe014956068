"""link_aux: side requests (kind `aux`) point at the hit they follow; never counted as events."""

from __future__ import annotations

from tagaudit.model import Request, TagHit
from tagaudit.providers import decode_request, link_aux

GA4 = "https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ&cid=1.2&en=page_view"
SIGNALS = "https://stats.g.doubleclick.net/g/collect?v=2&tid=G-ABC123XYZ&cid=1.2&aip=1"
OTHER_GA4 = "https://www.google-analytics.com/g/collect?v=2&tid=G-OTHER0000&cid=1.2&en=page_view"
X_HIT = "https://analytics.twitter.com/1/i/adsct?txn_id=o1abc&events=%5B%5B%22pageview%22%2C%7B%7D%5D%5D"
X_TWIN = "https://t.co/1/i/adsct?txn_id=o1abc&events=%5B%5B%22pageview%22%2C%7B%7D%5D%5D"
TD_RUL = "https://td.doubleclick.net/td/rul/987654321?random=1&cv=11&data=event%3Dgtag.config"
ADS = (
    "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/987654321/"
    "?random=1&data=event%3Dgtag.config"
)


def decoded(*urls: str) -> list[TagHit]:
    return [hit for url in urls for hit in decode_request(Request(url))]


def test_signals_copy_follows_the_ga4_hit_of_its_measurement_id() -> None:
    hits = link_aux(decoded(GA4, OTHER_GA4, SIGNALS))
    assert [(h.kind, h.account, h.follows) for h in hits] == [
        ("hit", "G-ABC123XYZ", None),
        ("hit", "G-OTHER0000", None),
        ("aux", "G-ABC123XYZ", 0),
    ]


def test_t_co_twin_follows_the_x_hit_and_td_rul_the_ads_hit() -> None:
    hits = link_aux(decoded(X_HIT, ADS, X_TWIN, TD_RUL))
    assert [(h.provider, h.kind, h.follows) for h in hits] == [
        ("x_ads", "hit", None),
        ("google_ads", "hit", None),
        ("x_ads", "aux", 0),
        ("google_ads", "aux", 1),
    ]
    assert hits[3].account == "AW-987654321"


def test_an_aux_with_no_earlier_hit_stays_unlinked_and_input_is_not_changed() -> None:
    hits = decoded(SIGNALS, GA4)
    linked = link_aux(hits)
    assert [h.follows for h in linked] == [None, None]
    already = [*decoded(GA4), TagHit("ga4", kind="aux", account="G-ABC123XYZ", follows=7)]
    assert link_aux(already)[1].follows == 7
    fresh = decoded(GA4, SIGNALS)
    link_aux(fresh)
    assert fresh[1].follows is None  # pure: copies, never mutates


def test_aux_hits_carry_no_undecoded_marker() -> None:
    (twin,) = decoded("https://t.co/1/i/adsct?p_id=Twitter")
    assert twin.kind == "aux" and "_undecoded" not in twin.params
