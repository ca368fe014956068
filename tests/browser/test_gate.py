"""The gate: what may leave the machine, decided without knowing the vendor.

Third-party requests that can carry a hit (a POST, a beacon, a ping, an XHR/fetch) are
answered here, known vendor or not; a page's resources load unless their host is a tracking
endpoint; the site's own requests go on, except a catalogued collection endpoint on any host
(first-party GA4); `allow_hosts` and `--deliver-hits` let traffic through and say so.
"""

from __future__ import annotations

import pytest

from tagaudit.browser.gate import Gate, host_of

SITE = Gate(site_hosts=["www.shop.example"])


@pytest.mark.parametrize(
    ("url", "method", "kind"),
    [
        ("https://collector.nobody.example/e", "POST", "fetch"),
        ("https://collector.nobody.example/e", "POST", "ping"),
        ("https://collector.nobody.example/e?x=1", "GET", "xhr"),
        ("https://collector.nobody.example/e?x=1", "GET", "ping"),  # an image sent on unload
        ("https://edge.adobedc.net/ee/v1/interact?configId=1", "POST", "fetch"),
        ("https://www.facebook.com/tr/?id=1&ev=PageView", "GET", "image"),  # a known pixel
        ("https://shop.example/g/collect?v=2&tid=G-1&en=page_view", "POST", "ping"),
        ("https://cdp.customer.io/v1/projects/K/settings", "POST", "fetch"),  # a GET only
        ("https://cdp.customer.io/v1/t", "POST", "fetch"),  # the family's hit
    ],
)
def test_what_can_carry_a_hit_is_answered_here(url: str, method: str, kind: str) -> None:
    verdict = SITE.decide(url, method, kind)
    assert verdict.answer and verdict.let_through is None


@pytest.mark.parametrize(
    ("url", "method", "kind", "why"),
    [
        ("https://cdn.example/lib.js", "GET", "script", "page resource"),
        ("https://fonts.example/a.woff2", "GET", "font", "page resource"),
        ("https://images.example/p.jpg?w=400", "GET", "image", "page resource"),
        ("https://www.googletagmanager.com/gtag/js?id=G-1", "GET", "script", "page resource"),
        (
            "https://cdn.segment.com/v1/projects/K/settings",
            "GET",
            "fetch",
            "vendor library or settings",
        ),
        (  # Segment's spec on another vendor's CDN (Customer.io): the family's settings
            "https://cdp.customer.io/v1/projects/K/settings",
            "GET",
            "fetch",
            "vendor library or settings",
        ),
    ],
)
def test_what_the_page_needs_loads_and_says_why(url: str, method: str, kind: str, why: str) -> None:
    verdict = SITE.decide(url, method, kind)
    assert not verdict.answer and verdict.third_party and verdict.let_through == why


@pytest.mark.parametrize(
    "url",
    [
        "https://www.shop.example/api/cart",
        "https://api.shop.example/cart",
        "https://shop.example/x",
    ],
)
def test_the_site_and_its_subdomains_are_first_party(url: str) -> None:
    verdict = SITE.decide(url, "POST", "fetch")
    assert not verdict.answer and not verdict.third_party and verdict.let_through is None


def test_the_page_s_own_documents_are_first_party() -> None:
    landing = "https://landing.partner.example/api/lead"
    assert SITE.decide(landing, "POST", "fetch").answer
    assert not SITE.decide(landing, "POST", "fetch", page_hosts={"landing.partner.example"}).answer


def test_allow_hosts_and_deliver_hits_let_through_and_say_so() -> None:
    allowed = Gate(site_hosts=["shop.example"], allow_hosts=["*.nobody.example"])
    verdict = allowed.decide("https://collector.nobody.example/e", "POST", "fetch")
    assert not verdict.answer and verdict.let_through == "allow_hosts"
    assert allowed.decide("https://nobody.example.evil.test/e", "POST", "fetch").answer
    delivering = Gate(site_hosts=["shop.example"], deliver_hits=True)
    verdict = delivering.decide("https://www.facebook.com/tr/?id=1&ev=PageView", "GET", "image")
    assert not verdict.answer and verdict.let_through == "--deliver-hits"


def test_a_lookalike_host_is_not_the_site() -> None:
    assert SITE.decide("https://shop.example.evil.test/e", "POST", "fetch").answer
    assert host_of("data:text/plain,x") == "" and host_of("about:blank") == ""
