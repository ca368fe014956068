"""The interception pattern pauses vendor hits (by host and path) and nothing else; a hit
kept here is answered as its vendor would, on any host."""

from __future__ import annotations

import pytest

from tagaudit.browser.hits import answer_for, interception_pattern
from tagaudit.model import Request
from tagaudit.providers.routing import load_catalog


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view",
        "https://region1.google-analytics.com/g/collect?v=2&tid=G-1",
        "https://metrics.shop.example/g/collect?v=2&tid=G-1&en=page_view",
        "https://www.facebook.com/tr/?id=1&ev=PageView",
        "https://www.facebook.com:443/tr?id=1",
        "https://stats.shop.example/b/ss/suite1/1/JS-2.22/s123",
        "https://shop.example/analytics/matomo.php?idsite=1&rec=1",
    ],
)
def test_hits_are_paused(url: str) -> None:
    assert interception_pattern().search(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/",
        "https://shop.example/page?next=https://www.facebook.com/tr/",
        "https://www.facebook.com.evil.test/tr/?id=1",
        "https://connect.facebook.net/en_US/fbevents.js",
        "https://shop.example/g/collect-stamps/",
        "http://127.0.0.1:8000/checkout/?dl=https%3A%2F%2Fwww.google-analytics.com%2Fg%2Fcollect",
    ],
)
def test_other_traffic_is_not_paused(url: str) -> None:
    assert not interception_pattern().search(url)


def test_user_endpoints_join_the_pattern() -> None:
    extra = [
        {
            "id": "acme_pixel",
            "name": "Acme pixel",
            "endpoints": [{"kind": "hit", "hosts": ["px.acme.example"], "paths": ["^/p$"]}],
        }
    ]
    pattern = interception_pattern(load_catalog(extra))
    assert pattern.search("https://px.acme.example/p?e=1")
    assert not interception_pattern().search("https://px.acme.example/p?e=1")


COUNTLY_BODY = (
    "app_key=0123456789abcdef0123456789abcdef01234567&device_id=d1&begin_session=1"
    "&timestamp=1700000000000"
)


def test_a_hit_on_a_host_nobody_listed_is_answered_as_its_wire_format_vendor_would() -> None:
    """A self-hosted Countly backs off for a minute unless its answer reads `Success`."""
    url = "https://countly.shop.example/i"
    request = Request(url, "POST", resource_type="xhr", post_data=COUNTLY_BODY)
    answer = answer_for(url, "xhr", "https://shop.example", request=request)
    assert (answer.status, answer.body) == (200, b'{"result": "Success"}')
    assert answer.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    other = Request(url, "POST", resource_type="xhr", post_data="hello=1")
    assert answer_for(url, "xhr", None, request=other).status == 204


def test_a_preflight_is_granted_exactly_what_it_asked_for() -> None:
    """With credentials, `Access-Control-Allow-Headers: *` grants no header at all: the
    answer names the ones the preflight asked for, and the method it asked for."""
    asked = {
        "Origin": "https://shop.example",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "content-type,x-api-key",
    }
    url = "https://collect.nobody-catalogued.example/v1/events"
    headers = answer_for(url, "preflight", "https://shop.example", asked=asked).headers
    assert headers["Access-Control-Allow-Headers"] == "content-type,x-api-key"
    assert "PATCH" in headers["Access-Control-Allow-Methods"].split(", ")
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert headers["Access-Control-Allow-Origin"] == "https://shop.example"
    plain = answer_for(url, "xhr", "https://shop.example").headers
    assert plain["Access-Control-Allow-Methods"] == "GET, POST, PUT, OPTIONS"
