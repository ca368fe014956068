"""Google transports that need code: GA4 batches and items, UA batches, Ads `data`, Floodlight.

This module owns the Google wire formats the catalog data cannot express (tag-anchors.md
§c.2–c.3). It imports only the model-free helpers of this package.

GA4 worked example::

    POST https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123&cid=1.2&dl=https%3A%2F%2Fshop.example%2F
    body:  en=view_item&ep.currency=EUR&epn.value=20&pr1=idSKU1~nmShoes~pr20~qt1
           en=add_to_cart&epn.value=20

gives two records (two TagHits): `view_item` and `add_to_cart`, each carrying the shared URL
params (`tid`, `cid`, `dl` …), the per-line params, `value` 20 (number, from `epn.value`),
`currency` "EUR" (from `ep.currency`) and, for the first, `items` =
`[{"item_id": "SKU1", "item_name": "Shoes", "price": 20, "quantity": 1}]`.
"""

from __future__ import annotations

import re
from typing import Any

from tagaudit.providers.records import Record, Wire, base_params
from tagaudit.providers.wire import parse_query, parse_semicolon_params, to_number

_LINES = re.compile(r"[\r\n]+")
_ITEM_KEY = re.compile(r"^pr(\d+)$")
# GA4 item fields: two-letter wire keys → the gtag item field names.
ITEM_FIELDS: dict[str, str] = {
    "id": "item_id",
    "nm": "item_name",
    "br": "item_brand",
    "ca": "item_category",
    "c2": "item_category2",
    "c3": "item_category3",
    "c4": "item_category4",
    "c5": "item_category5",
    "va": "item_variant",
    "pr": "price",
    "qt": "quantity",
    "cp": "coupon",
    "ds": "discount",
    "ln": "item_list_name",
    "li": "item_list_id",
    "lp": "index",
    "af": "affiliation",
    "lo": "location_id",
    "pi": "promotion_id",
    "pn": "promotion_name",
    "cn": "creative_name",
    "cs": "creative_slot",
}
_NUMERIC_ITEM_FIELDS = {"price", "quantity", "discount", "index"}


def body_lines(body: str) -> list[dict[str, Any]]:
    """One query-string dict per non-empty body line (GA4 / UA batches)."""
    return [parse_query(line.strip()) for line in _LINES.split(body) if "=" in line]


def parse_ga4_item(text: str) -> dict[str, Any]:
    """`idSKU1~nmShoes~pr20~k0color~v0red` → {'item_id': 'SKU1', …, 'color': 'red'}."""
    item: dict[str, Any] = {}
    custom: dict[str, str] = {}
    for chunk in text.split("~"):
        key, value = chunk[:2], chunk[2:]
        if re.fullmatch(r"[kv]\d", key):
            custom[key] = value
            continue
        name = ITEM_FIELDS.get(key, key)
        item[name] = to_number(value) if name in _NUMERIC_ITEM_FIELDS else value
    for key, name in custom.items():
        if key.startswith("k"):
            item[name] = custom.get("v" + key[1:], "")
    return item


def ga4_event(record: Record) -> Record:
    """Add the shared views of one GA4 event: `ep.x`/`epn.x` as `x`, `pr<n>` as `items`."""
    items: list[tuple[int, dict[str, Any]]] = []
    for key, value in list(record.items()):
        if key.startswith("ep.") and len(key) > 3:
            record.setdefault(key[3:], value)
        elif key.startswith("epn.") and len(key) > 4:
            record.setdefault(key[4:], to_number(value))
        elif _ITEM_KEY.match(key) and isinstance(value, str):
            items.append((int(key[2:]), parse_ga4_item(value)))
    if items:
        record["items"] = [item for _, item in sorted(items, key=lambda pair: pair[0])]
    return record


def ga4_records(wire: Wire) -> list[Record]:
    """Shared params from the URL; one event per body line (or the URL alone when no body)."""
    shared = base_params(wire, with_body=False)
    events = body_lines(wire.body)
    records = [{**shared, **event} for event in events] if events else [shared]
    return [ga4_event(record) for record in records]


def universal_analytics_records(wire: Wire) -> list[Record]:
    """`/batch` carries one complete hit per line; other hits are query (+ form body)."""
    if wire.match.path.rstrip("/").endswith("/batch"):
        hits = body_lines(wire.body)
        if hits:
            return [{**wire.match.query, **hit} for hit in hits]
    return [base_params(wire)]


def google_ads_records(wire: Wire) -> list[Record]:
    """Ads pings: path id (conversion_id) + query; `data=event=purchase;…` becomes a dict."""
    record = base_params(wire)
    data = record.get("data")
    if isinstance(data, str) and "=" in data:
        record["data"] = parse_semicolon_params(data)
    return [record]


_FLOODLIGHT_TAIL = re.compile(r"activityi?[;/](.*)$")


def floodlight_records(wire: Wire) -> list[Record]:
    """Floodlight keeps its params `;`-separated in the path: `/activity;src=1;type=t;cat=c`."""
    record = base_params(wire)
    tail = _FLOODLIGHT_TAIL.search(wire.match.path)
    if tail:
        for key, value in parse_semicolon_params(tail.group(1)).items():
            record.setdefault(key, value)
    return [record]
