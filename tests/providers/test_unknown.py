"""No silent collector, no false hit: provider `unknown` and the event-shape judgement.

Two sets hold the judgement (providers/shapes.py) both ways. `ORDINARY` are the non-tracking
calls a shop makes — search suggest, cart updates, GraphQL, feature-flag and experiment
fetches, login, payments, chat — written by us as realistic JSON APIs: none may become a hit.
`EVENTS` are event-shaped payloads of collectors the catalog does not know (the shapes of
common SDK families): each must become `unknown` hits with the right event names. The SDKs'
own non-event calls on hosts nobody lists (posthog-js-lite's /flags/, Countly's /o/sdk) are
golden cases in fixtures/beacons/, and the demo site's own fetches are held to its exact
inventory by tests/e2e/test_demo_hits.py.
"""

from __future__ import annotations

import json

import pytest

from tagaudit.model import Request
from tagaudit.providers import decode_request
from tagaudit.providers.routing import default_catalog
from tagaudit.providers.shapes import event_records
from tagaudit.providers.unknown import guess_vendor, tracker_domains


def _post(url: str, body: object, content_type: str = "application/json") -> Request:
    text = body if isinstance(body, str) else json.dumps(body)
    return Request(
        url, "POST", resource_type="fetch", post_data=text, headers={"content-type": content_type}
    )


def _get(url: str) -> Request:
    return Request(url, resource_type="xhr")


ORDINARY = {
    "search suggest": _get("https://search.shop.example/suggest?q=runn&limit=8&session=s-81f2"),
    "algolia multi-query": _post(
        "https://abcd1234-dsn.algolia.net/1/indexes/*/queries?x-algolia-application-id=ABCD1234",
        {"requests": [{"indexName": "products", "params": "query=runn&hitsPerPage=8"}]},
    ),
    "cart add (Shopify Ajax API)": _post(
        "https://shop.example/cart/add.js", {"items": [{"id": 4242, "quantity": 1}]}
    ),
    "cart update": _post(
        "https://shop.example/cart/update.js",
        {"updates": {"4242": 2}, "attributes": {"gift": "yes"}, "note": "ring twice"},
    ),
    "graphql query": _post(
        "https://api.shop.example/graphql",
        {
            "operationName": "ProductPage",
            "query": "query ProductPage($handle: String!) { product(handle: $handle) { id } }",
            "variables": {"handle": "runner", "userId": "u-1"},
        },
    ),
    "graphql mutation": _post(
        "https://api.shop.example/graphql",
        {
            "operationName": "AddToCart",
            "query": "mutation AddToCart($line: CartLineInput!) { cartLinesAdd(line: $line) { id } }",  # noqa: E501
            "variables": {
                "line": {"merchandiseId": "gid://shopify/ProductVariant/1", "quantity": 1}
            },
        },
    ),
    "feature flags (LaunchDarkly evalx)": _get(
        "https://clientsdk.flags.example/sdk/evalx/abc123/contexts/eyJrZXkiOiJ1MSJ9"
    ),
    "feature flags (Statsig-style initialize)": _post(
        "https://flags.shop.example/v1/initialize",
        {
            "user": {"userID": "u-1", "customIDs": {"stableID": "st-1"}},
            "hash": "djb2",
            "statsigMetadata": {"sdkType": "js-client", "sessionID": "s-1", "stableID": "st-1"},
            "sinceTime": 1712345678901,
        },
    ),
    "feature flags (Unleash frontend)": _get(
        "https://unleash.shop.example/api/frontend?appName=shop&sessionId=s-1&userId=u-1"
    ),
    "feature flag metrics (Unleash)": _post(
        "https://unleash.shop.example/api/frontend/client/metrics",
        {
            "appName": "shop",
            "instanceId": "browser",
            "bucket": {
                "start": "2024-04-05T10:00:00.000Z",
                "stop": "2024-04-05T10:01:00.000Z",
                "toggles": {"new-checkout": {"yes": 3, "no": 1, "variants": {}}},
            },
        },
    ),
    "growthbook features": _get("https://cdn.growthbook.example/api/features/sdk-abc123"),
    "login": _post("https://shop.example/api/login", {"email": "a@shop.example", "password": "x"}),
    "payment intent (form)": _post(
        "https://api.payments.example/v1/payment_intents",
        "amount=12980&currency=eur&payment_method_types%5B%5D=card&metadata%5Border_id%5D=1001",
        "application/x-www-form-urlencoded",
    ),
    "address autocomplete": _get(
        "https://maps.example/place/autocomplete/json?input=Hauptstr&sessiontoken=tok-1&key=k"
    ),
    "product list": _get("https://api.shop.example/products?page=2&per_page=24&sort=price"),
    "chat message": _post(
        "https://chat.example/api/messages",
        {"type": "message", "text": "hello", "conversationId": "c-1", "timestamp": 1712345678},
    ),
    "client log line": _post(
        "https://shop.example/api/log",
        {"level": "warn", "message": "slow image", "timestamp": 1712345678901, "sessionId": "s"},
    ),
    "stock check with numeric flags": _get(
        "https://api.shop.example/stock?sku=SKU-1&t=1&e=0&ts=1712345678901&uid=42"
    ),
    "link preview": _post(
        "https://api.shop.example/unfurl", {"url": "https://news.example/a", "maxwidth": 600}
    ),
    "oEmbed lookup": _get("https://oembed.example/oembed?url=https%3A%2F%2Fv.example%2F1"),
    "CMS page by path and locale": _get("https://cms.shop.example/pages?path=/about&locale=de"),
    "page data with a ref tag": _get("https://api.shop.example/page-data?path=/about&ref=nav"),
    "product record with properties": _post(
        "https://api.shop.example/products",
        {"name": "Runner", "type": "shoe", "properties": {"color": "red"}, "path": "/runner"},
    ),
    "order with a transaction id and a date": _post(
        "https://api.payments.example/v1/refunds",
        {"type": "refund", "transaction_id": "t-1", "created": "2024-04-05T10:00:00Z"},
    ),
    "newsletter signup form": _post(
        "https://shop.example/newsletter",
        "email=a%40shop.example&source=footer&consent=1",
        "application/x-www-form-urlencoded",
    ),
}


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_an_ordinary_api_call_is_no_hit(name: str) -> None:
    assert decode_request(ORDINARY[name]) == []


EVENTS = {
    "a batch of named events with a device id (product analytics)": (
        _post(
            "https://collect.newvendor.example/v2/track",
            {
                "key": "nv_live_123",
                "events": [
                    {"name": "Signup", "device_id": "d-1", "time": 1712345678901},
                    {"name": "Purchase", "device_id": "d-1", "time": 1712345679901},
                ],
            },
        ),
        ["Signup", "Purchase"],
    ),
    "NDJSON telemetry with session ids and dates (RUM)": (
        _post(
            "https://rum.newvendor.example/intake?client=pub_1",
            '{"type":"view","date":1712345678901,"session":{"id":"s-1"}}\n'
            '{"type":"action","date":1712345679901,"session":{"id":"s-1"}}',
            "text/plain",
        ),
        ["view", "action"],
    ),
    "a GET pixel with an event name and a client id": (
        _get("https://px.newvendor.example/p.gif?ev=AddToCart&cid=c-1&ts=1712345678"),
        ["AddToCart"],
    ),
    "a form beacon carrying base64 JSON": (
        _post(
            "https://events.newvendor.example/e",
            "data=eyJldmVudCI6ICJwYWdlX3ZpZXciLCAiYW5vbnltb3VzX2lkIjogImExIn0=",
            "application/x-www-form-urlencoded",
        ),
        ["page_view"],
    ),
    "nested experiment events (Optimizely-like)": (
        _post(
            "https://logx.newvendor.example/v1/events",
            {
                "account_id": "123",
                "visitors": [
                    {
                        "visitor_id": "v-1",
                        "snapshots": [
                            {
                                "events": [
                                    {"key": "purchase", "timestamp": 1712345678901, "uuid": "e1"}
                                ]
                            }
                        ],
                    }
                ],
            },
        ),
        ["purchase"],
    ),
    "NDJSON of typed records with trace ids and the page (APM-like RUM)": (
        _post(
            "https://apm.newvendor.example/intake/v2/rum/events",
            '{"metadata":{"service":{"name":"shop-web"}}}\n'
            '{"transaction":{"id":"a1","trace_id":"0af7651916cd43dd8448eb211c80319c",'
            '"name":"checkout","type":"custom","context":{"page":{"url":"https://shop.example/"}}}}',
            "text/plain",
        ),
        ["checkout"],
    ),
    "envelopes whose type tag holds the key (telemetry envelopes)": (
        _post(
            "https://in.newvendor.example/v2/track",
            [
                {
                    "time": "2024-04-05T10:00:00.000Z",
                    "name": "Vendor.Telemetry.5b0e7c3a1d2f4e5a8b9c0d1e2f3a4b5c.Pageview",
                    "tags": {"ai.user.id": "u-1"},
                    "data": {"baseType": "PageviewData", "baseData": {"name": "Home"}},
                },
                {
                    "time": "2024-04-05T10:00:01.000Z",
                    "name": "Vendor.Telemetry.5b0e7c3a1d2f4e5a8b9c0d1e2f3a4b5c.Event",
                    "tags": {"ai.user.id": "u-1"},
                    "data": {"baseType": "EventData", "baseData": {"name": "purchase"}},
                },
            ],
        ),
        ["Pageview", "purchase"],
    ),
    "a protocol verb around a named event with page properties": (
        _post(
            "https://api.newvendor.example/track",
            {"type": "track", "payload": {"name": "sign_up", "properties": {"__path": "/join"}}},
        ),
        ["sign_up"],
    ),
    "a short event key with the page it happened on": (
        _post("https://stats.newvendor.example/log/custom", {"ev": "purchase", "pg": "/cart"}),
        ["purchase"],
    ),
    "a page view without a name (page, locale, time zone)": (
        _post("https://stats.newvendor.example/log", {"pg": "/cart", "lc": "en-US", "tz": "UTC"}),
        ["page_view"],
    ),
    "a page view pixel without a name (path, referrer)": (
        _get("https://count.newvendor.example/collect?p=%2Fcart&h=https%3A%2F%2Fshop.example&r="),
        ["page_view"],
    ),
}


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_an_event_shaped_request_is_an_unknown_hit(name: str) -> None:
    request, events = EVENTS[name]
    hits = decode_request(request)
    assert [h.event for h in hits] == events
    assert {h.provider for h in hits} == {"unknown"}
    assert {h.collector for h in hits} == {request.url.split("/")[2]}


def test_the_account_is_read_from_the_payload_or_its_headers() -> None:
    request, _ = EVENTS["a batch of named events with a device id (product analytics)"]
    assert {h.account for h in decode_request(request)} == {"nv_live_123"}
    pixel = _post(
        "https://t.newvendor.example/collect",
        {"event": "Lead", "anonymousId": "a1"},
    )
    pixel.headers["X-Write-Key"] = "wk_1:secret"
    assert [h.account for h in decode_request(pixel)] == ["wk_1"]
    stats = _post(
        "https://stats.newvendor.example/log/custom", {"ev": "buy", "pg": "/", "pid": "P1"}
    )
    assert [h.account for h in decode_request(stats)] == ["P1"]  # a project id


def test_documents_scripts_and_navigations_are_never_hits() -> None:
    script = Request("https://cdn.newvendor.example/sdk.js?event=x&uid=1", resource_type="script")
    page = Request("https://shop.example/?event=sale&uid=1", resource_type="document")
    assert decode_request(script) == [] and decode_request(page) == []


def test_the_vendor_is_guessed_from_the_catalog_then_the_tracker_list() -> None:
    catalog = default_catalog()
    assert guess_vendor("us.i.posthog.com", catalog) == ("posthog", "catalog host")
    assert guess_vendor("browser-intake-datadoghq.eu", catalog)[0] == "datadog_rum"
    assert guess_vendor("o123.ingest.sentry.io", catalog) == ("Sentry", "tracker list")
    assert guess_vendor("api.newvendor.example", catalog) == (None, None)
    assert all(domain == domain.lower() and "." in domain for domain in tracker_domains())


def test_shapes_need_a_name_and_an_id_or_time() -> None:
    assert event_records({"event": "x"}) == []  # a name alone is not an event
    assert event_records({"type": "view", "session_id": "s"}) == []  # weak name: id and time
    assert [r.event for r in event_records({"type": "view", "sid": "s1", "ts": 1712345678})] == [
        "view"
    ]
    assert event_records({"event": "1", "uid": "u"}) == []  # a flag, not a name
    assert event_records({"type": "track", "sid": "s1", "ts": 1712345678}) == []  # a verb
    assert event_records({"pg": "/cart", "lc": "en-US"}) == []  # a page view needs more
    assert event_records({"name": "x", "path": "/a"}) == []  # weak name, page, nothing else
