"""Non-Google transports that need code: X events, Criteo OneTag, Matomo bulk, Adobe products.

Everything else (Meta, TikTok, LinkedIn, UET, Pinterest, Snap, Reddit, Segment, …) is pure
catalog data read by the generic transport in records.py.

X worked example: `https://t.co/1/i/adsct?txn_id=o1abc&p_id=Twitter&events=[["pageview",{}]]`
→ one record with `pixel_id` "o1abc" and `event_name` "pageview"; an event tag
`txn_id=tw-o1abc-o1xyz` → pixel "o1abc", event "tw-o1abc-o1xyz" (the event id X shows).

Criteo worked example: `https://sslwidget.criteo.com/event?a=12345&p0=e%3Dexd%26site_type%3Dd
&p1=e%3Dvp%26p%3DSKU1` → one record per real event (`vp`, account 12345); set-up entries
(`exd` extra data, `dis`, `ce` e-mail) are not events.
"""

from __future__ import annotations

import re
from typing import Any

from tagaudit.providers.records import Record, Wire, base_params, generic_records
from tagaudit.providers.wire import parse_json_loose, parse_query, to_number

_X_EVENT_TAG = re.compile(r"^tw-([a-z0-9]+)-([a-z0-9]+)$", re.IGNORECASE)


def x_ads_records(wire: Wire) -> list[Record]:
    """Derive `pixel_id` and `event_name` from `txn_id` and the `events` JSON array."""
    records = generic_records(wire)
    for record in records:
        txn = str(record.get("txn_id") or "")
        tag = _X_EVENT_TAG.match(txn)
        if tag:
            record["pixel_id"], record["event_name"] = tag.group(1), txn
            continue
        record["pixel_id"] = txn or None
        events = record.get("events")
        if isinstance(events, list) and events and isinstance(events[0], list) and events[0]:
            record["event_name"] = str(events[0][0])
    return records


# OneTag entries that configure the tag rather than report a shopper action.
CRITEO_SETUP_EVENTS = frozenset({"exd", "dis", "ce", "ac", "sd", "setdata"})
_CRITEO_SLOT = re.compile(r"^p\d+$")
_CRITEO_ITEM = {"i": "id", "pr": "price", "q": "quantity"}


def _criteo_items(value: Any) -> list[dict[str, Any]] | None:
    parsed = parse_json_loose(value) if isinstance(value, str) else value
    if isinstance(parsed, list):
        return [
            {_CRITEO_ITEM.get(k, k): v for k, v in item.items()}
            for item in parsed
            if isinstance(item, dict)
        ]
    if isinstance(value, str) and value:
        return [{"id": product} for product in value.split(",")]
    return None


def criteo_records(wire: Wire) -> list[Record]:
    """One record per `pN` slot whose `e` is a shopper event (vh, vl, vp, vb, vc …)."""
    envelope = base_params(wire)
    slots = sorted((k for k in envelope if _CRITEO_SLOT.match(k)), key=lambda k: int(k[1:]))
    records: list[Record] = []
    for slot in slots:
        entry = parse_query(str(envelope[slot]))
        code = entry.get("e")
        if not code or code in CRITEO_SETUP_EVENTS:
            continue
        record = {**envelope, **entry, "criteo_event": code}
        items = _criteo_items(entry.get("p"))
        if items is not None:
            record["item"] = items
        records.append(record)
    return records or [envelope]


# Matomo `ec_items` rows: [sku, name, category (or list), price, quantity] (tracking API docs).
_MATOMO_ITEM = ("item_id", "item_name", "item_category", "price", "quantity")


def _matomo_items(rows: Any) -> list[dict[str, Any]] | None:
    if not isinstance(rows, list):
        return None
    return [dict(zip(_MATOMO_ITEM, row, strict=False)) for row in rows if isinstance(row, list)]


def matomo_records(wire: Wire) -> list[Record]:
    """Matomo bulk tracking: `{"requests": ["?idsite=1&…", …]}` → one record per request."""
    params = base_params(wire)
    bulk = params.get("requests")
    if isinstance(bulk, list) and bulk and all(isinstance(r, str) for r in bulk):
        envelope = {k: v for k, v in params.items() if k != "requests"}
        records = [{**envelope, **parse_query(r.split("?", 1)[-1])} for r in bulk]
    else:
        records = [params]
    names = wire.provider.json_params
    for record in records:
        for name in names:
            if isinstance(record.get(name), str):
                parsed = parse_json_loose(record[name])
                record[name] = record[name] if parsed is None else parsed
        items = _matomo_items(record.get("ec_items"))
        if items:
            record["items"] = items
    return records


# Adobe `products`: "category;product;quantity;price;events;eVars", entries joined by ",".
_ADOBE_ITEM = ("category", "item_id", "quantity", "price")


def adobe_analytics_records(wire: Wire) -> list[Record]:
    """Query and form body as usual; the `products` string also becomes `items`."""
    record = base_params(wire)
    products = record.get("products")
    if isinstance(products, str) and ";" in products:
        items = []
        for entry in products.split(","):
            fields = entry.split(";")[: len(_ADOBE_ITEM)]
            item = {k: v for k, v in zip(_ADOBE_ITEM, fields, strict=False) if v}
            for key in ("quantity", "price"):
                if key in item:
                    item[key] = to_number(item[key])
            if item.get("item_id"):
                items.append(item)
        record["items"] = items
    return [record]


def launchdarkly_records(wire: Wire) -> list[Record]:
    """LaunchDarkly `/events/bulk`: a JSON array of events, one record each.

    A custom event (`track`) is named by its key ("purchase"); the SDK's own events by their
    kind (`identify`, `summary` of flag evaluations, `feature`, `index`).
    """
    records = generic_records(wire)
    for record in records:
        kind = str(record.get("kind") or "")
        key = record.get("key")
        record["event_name"] = str(key) if kind == "custom" and key else (kind or None)
    return records


# Faro's payload: lists of signals; events are named, the other signals by their kind.
_FARO_SIGNALS = (("events", "name"), ("measurements", "type"), ("exceptions", None),
                 ("logs", None))  # fmt: skip


def faro_records(wire: Wire) -> list[Record]:
    """Grafana Faro `/collect/<key>`: `{meta, events, measurements, logs, exceptions}`.

    One record per event (named by `name`), per measurement (by its `type`, e.g.
    web-vitals), per exception (`exception`) and per log (`log`); each keeps `meta`.
    """
    params = base_params(wire)
    envelope = {k: v for k, v in params.items() if k not in dict(_FARO_SIGNALS)}
    records: list[Record] = []
    for signal, name_key in _FARO_SIGNALS:
        for item in params.get(signal) or ():
            if not isinstance(item, dict):
                continue
            name = item.get(name_key) if name_key else signal.rstrip("s")
            record = {**envelope, **item, "event_name": name or signal.rstrip("s")}
            if signal == "exceptions" and "value" in record:  # the message, not an amount
                record["message"] = record.pop("value")
            records.append(record)
    return records or [params]


# Clarity's analysis events are arrays `[time, type, …tokens]`; type 24 is a custom event
# (`clarity("event", …)`): clarity-js 0.8, src/data/custom.ts and encode.ts.
CLARITY_CUSTOM = 24
CLARITY_ENVELOPE = ("version", "sequence", "start", "duration", "project", "user_id",
                    "session_id", "page_num", "upload", "end", "platform", "page_url")  # fmt: skip


def clarity_records(wire: Wire) -> list[Record]:
    """Microsoft Clarity `/collect`: `{"e": envelope, "a": analysis, "p": playback}`.

    The envelope (an array) gives the project, session, page and the upload's sequence in the
    page. The page's first upload (sequence 1, which opens the page in Clarity) is the record
    `page_view`, a later one `upload` (replay and metrics); each custom event in `a`
    (`[time, 24, value]`, or `[time, 24, key, value]`) is one more record, named by its key,
    else its value. A body that cannot be read is one record, unnamed.
    """
    params = base_params(wire)
    envelope = params.get("e")
    if not isinstance(envelope, list):
        return [params]
    params.update({k: v for k, v in zip(CLARITY_ENVELOPE, envelope, strict=False)})
    base = {k: v for k, v in params.items() if k not in ("a", "p")}
    first = {**base, "event_name": "page_view" if base.get("sequence") == 1 else "upload"}
    custom = [
        {**base, "event_name": str(event[2])}
        for event in params.get("a") or ()
        if isinstance(event, list) and len(event) > 2 and event[1] == CLARITY_CUSTOM
    ]
    return [first, *custom]
