"""The interception pattern pauses vendor hits (by host and path) and nothing else."""

from __future__ import annotations

import pytest

from tagaudit.browser.hits import interception_pattern
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
