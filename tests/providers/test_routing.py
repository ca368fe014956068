"""is_collection_endpoint and routing: host/path decisions, lookalikes, speed."""

from __future__ import annotations

import time

import pytest

from tagaudit.browser.hits import interception_pattern
from tagaudit.providers import default_catalog, is_collection_endpoint, load_catalog

COLLECTION = [
    # Google Ads remarketing (td/rul, often an iframe): answered locally like the hit it follows
    "https://td.doubleclick.net/td/rul/987654321?random=1&cv=11&fst=1",
    "https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view",
    "https://region1.google-analytics.com/g/collect?v=2&tid=G-1",
    "https://analytics.google.com/g/collect?v=2&tid=G-1",
    "https://metrics.shop.example/g/collect?v=2&tid=G-ABC123",
    "https://www.googleadservices.com/pagead/conversion/123/?label=x",
    "https://www.google.com/pagead/1p-conversion/123/?label=x",
    "https://www.google.co.uk/pagead/1p-user-list/123/?data=event%3Dgtag.config",
    "https://www.google.com/ccm/collect?tid=AW-1&en=page_view",
    "https://www.facebook.com/tr/?id=1&ev=PageView",
    "https://www.facebook.com/tr",
    "https://analytics.tiktok.com/api/v2/pixel",
    "https://px.ads.linkedin.com/collect?pid=1",
    "https://bat.bing.com/action/0?ti=1&evt=pageLoad",
    "https://ct.pinterest.com/v3/?event=pagevisit&tid=1",
    "https://t.co/1/i/adsct?txn_id=o1abc",
    "https://tr.snapchat.com/p",
    "https://alb.reddit.com/rp.gif?id=t2_1&event=PageVisit",
    "https://first.party.example/b/ss/rsid/1/JS-2.22.4/s1?AQB=1",
    "https://api.segment.io/v1/t",
    "https://stats.shop.example/matomo.php?idsite=1&rec=1",
    "https://plausible.io/api/event",
    "https://us.i.posthog.com/e/?ip=1",
    "https://in.hotjar.com/api/v2/client/sites/1/visit-data",
    "https://k.clarity.ms/collect",
    "https://api2.amplitude.com/2/httpapi",
    "https://api-js.mixpanel.com/track/?ip=1",
    "https://sslwidget.criteo.com/event?a=1",
    "https://ad.doubleclick.net/activity;src=1;type=a;cat=b;ord=1?",
    "https://WWW.Google-Analytics.COM:443/g/collect?v=2&tid=G-1",
]
NOT_COLLECTION = [
    "https://www.googletagmanager.com/gtag/js?id=G-1",
    "https://www.googletagmanager.com/gtm.js?id=GTM-1",
    "https://connect.facebook.net/en_US/fbevents.js",
    "https://connect.facebook.net/signals/config/123",
    "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C1",
    "https://snap.licdn.com/li.lms-analytics/insight.min.js",
    "https://bat.bing.com/bat.js",
    "https://www.google-analytics.com/analytics.js",
    "https://shop.example/?next=https://www.google-analytics.com/g/collect?v=2&tid=G-1",
    "https://shop.example/page?u=https%3A%2F%2Fwww.facebook.com%2Ftr%2F",
    "https://www.google-analytics.com.evil.test/g/collect?x=1",
    "https://evilfacebook.com/tr/?id=1",
    "https://shop.example/collect?v=2&tid=G-1",
    "https://shop.example/g/collect?v=1&tid=UA-1",
    "https://www.google.com/search?q=x",
    "https://googleads.g.doubleclick.net/pagead/ads?client=ca-pub-1",
    "not a url",
    "",
    "data:image/png;base64,AAAA",
]


@pytest.mark.parametrize("url", COLLECTION)
def test_collection_endpoints(url: str) -> None:
    assert is_collection_endpoint(url) is True
    # and the browser pauses it, so the route can answer it here (browser/hits.py)
    assert interception_pattern().search(url), url


@pytest.mark.parametrize("url", NOT_COLLECTION)
def test_not_collection_endpoints(url: str) -> None:
    assert is_collection_endpoint(url) is False


@pytest.mark.timing
def test_speed_on_ordinary_and_tracking_urls() -> None:
    """20k calls well under a second of CPU (measured ~3 µs per ordinary URL on a shared 2-core
    box). CPU time, not wall time: a loaded machine slows the clock on the wall, not the work."""
    urls = [
        "https://www.shop.example/static/js/app.4f3a2b.js?v=12",
        "https://cdn.shop.example/images/products/runner-shoe-large.webp",
        "https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view",
        "https://metrics.shop.example/api/v1/cart?id=42",
    ]
    is_collection_endpoint(urls[0])  # build the catalog outside the timing
    start = time.process_time()
    for index in range(20_000):
        is_collection_endpoint(urls[index % 4])
    assert time.process_time() - start < 1.0


def test_user_endpoint_makes_a_first_party_path_a_collection_endpoint() -> None:
    catalog = load_catalog(
        [
            {
                "id": "ga4",
                "endpoints": [{"kind": "hit", "hosts": ["t.shop.example"], "paths": ["^/x$"]}],
            }
        ]
    )
    assert is_collection_endpoint("https://t.shop.example/x?v=2", catalog)
    assert not is_collection_endpoint("https://t.shop.example/x?v=2")  # built-in unchanged
    assert catalog.match("https://t.shop.example/x").provider.id == "ga4"


def test_match_exposes_path_groups() -> None:
    found = default_catalog().match("https://www.googleadservices.com/pagead/conversion/987/?x=1")
    assert found is not None
    assert found.groups == {"transport": "conversion", "conversion_id": "987"}
    assert found.query == {"x": "1"}
