"""Request → TagHits: route with the catalog, split into records, read account/event/params.

This module owns `decode_request`, the one entry point the capture layer and `tagaudit
decode` use. It never raises on odd input (bad JSON, bad base64, binary bodies): it returns
what it could read. It imports the model, never a browser or httpx.

    >>> from tagaudit.model import Request
    >>> hit, = decode_request(Request(
    ...     "https://www.facebook.com/tr/?id=123&ev=Purchase&eid=o-1&cd[value]=9.5&cd[currency]=EUR"))
    >>> (hit.provider, hit.kind, hit.account, hit.event)
    ('meta_pixel', 'hit', '123', 'Purchase')
    >>> (hit.params["value"], hit.params["currency"], hit.params["event_id"])
    (9.5, 'EUR', 'o-1')
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from tagaudit.model import Request, TagHit
from tagaudit.providers import cdp, google, snowplow, vendors
from tagaudit.providers.body import looks_unread
from tagaudit.providers.catalog import SHARED_NAMES, Pick, Provider
from tagaudit.providers.consent_mode import decode_consent_params
from tagaudit.providers.families import find_family
from tagaudit.providers.records import Record, Wire, generic_records
from tagaudit.providers.routing import Catalog, default_catalog
from tagaudit.providers.wire import flatten, lookup, parse_json_loose, to_number

Decoder = Callable[[Wire], list[Record]]
DECODERS: dict[str, Decoder] = {
    "generic": generic_records,
    "ga4": google.ga4_records,
    "universal_analytics": google.universal_analytics_records,
    "google_ads": google.google_ads_records,
    "floodlight": google.floodlight_records,
    "x_ads": vendors.x_ads_records,
    "criteo": vendors.criteo_records,
    "matomo": vendors.matomo_records,
    "adobe_analytics": vendors.adobe_analytics_records,
    "cdp": cdp.cdp_records,
    "snowplow": snowplow.snowplow_records,
    "launchdarkly": vendors.launchdarkly_records,
    "faro": vendors.faro_records,
    "clarity": vendors.clarity_records,
}
DECODED_KINDS = ("hit", "aux")
# Events read from one request at most. SDKs batch tens (gtag a few, Amplitude 30, Mixpanel
# 50, PostHog 100 by default); a page that sends more makes every rule pay for each one
# (before: a 100,000-event batch never finished). The rest is said in `Request.cut`.
MAX_RECORDS = 1000
UNDECODED = "_undecoded"
# The wire-format family a hit was recognised by, on a host the catalog does not list.
FAMILY = "_family"
_FIELD = re.compile(r"\{([^{}]+)\}")


def decode_request(request: Request, catalog: Catalog | None = None) -> list[TagHit]:
    """Every TagHit one request carries (none for ordinary requests and pings).

    `url` and `method` come from the request; the caller sets `request_index`. A CORS
    preflight (`OPTIONS`) carries no data: it is never a hit (RudderStack's XHR with an
    `Authorization` header is preflighted; measured in fixtures/sdk-site). A request no
    endpoint claims is tried as a wire-format family (families.py), then as an
    event-shaped request to a collector nobody catalogued: provider `unknown` (unknown.py).
    """
    if (request.method or "GET").upper() == "OPTIONS":
        return []
    catalog = catalog or default_catalog()
    try:
        match = catalog.match(request.url)
    except (ValueError, TypeError, AttributeError):
        return []
    if match is None:
        return _beyond_the_catalog(request, catalog)
    if match.endpoint.kind == "ping":
        return []
    wire = Wire(request, match)
    if match.endpoint.kind not in DECODED_KINDS:
        return [_build_hit(wire, {**match.groups, **match.query})]
    try:
        records = DECODERS[match.provider.decoder](wire)
    except Exception:  # a vendor decoder tripping on odd input must not lose the hit
        records = [{**match.groups, **match.query}]
    if match.endpoint.kind == "aux":
        records = records[:1]  # a side request is one thing, whatever it carries
    return _hits(wire, records, catalog)


def _hits(wire: Wire, records: list[Record], catalog: Catalog) -> list[TagHit]:
    """The records as hits, marked as undecoded where they are, and with their collector
    when the endpoint was one of "any host" and the catalog does not name this host. At
    most MAX_RECORDS of them: the rest is said in `Request.cut`."""
    if len(records) > MAX_RECORDS:
        wire.request.cut = f"{len(records):,} events in one request: the first {MAX_RECORDS:,} read"
        records = records[:MAX_RECORDS]
    hits = [_build_hit(wire, record) for record in records]
    provider, host = wire.provider, wire.match.host
    on_any_host = "*" in wire.endpoint.hosts and not catalog.lists_host(provider.id, host)
    for hit in hits:
        _mark_undecoded(wire, hit)
        if on_any_host and hit.kind in DECODED_KINDS:
            hit.collector = host
            hit.params[FAMILY] = provider.family.name if provider.family else provider.name
    return hits


def family_provider(request: Request, catalog: Catalog | None = None) -> Provider | None:
    """The provider whose wire format `request` speaks on a host the catalog does not list
    (its family, by path and decoded events), or None: the edge answers such a hit as that
    vendor would, since SDKs such as Countly back off on any other answer."""
    found = find_family(request, catalog or default_catalog(), DECODERS)
    return found[0].provider if found is not None else None


def _beyond_the_catalog(request: Request, catalog: Catalog) -> list[TagHit]:
    found = find_family(request, catalog, DECODERS)
    if found is not None:
        match, records = found
        return _hits(Wire(request, match), records, catalog)
    from tagaudit.providers.unknown import unknown_hits  # it reads hits the way we do

    return unknown_hits(request, catalog)


def is_body_unread(request: Request) -> bool:
    """True when the request sent a body that could not be read as text.

    Said by the capture (`body_encoding` "unreadable…", or a body size with no text), or seen
    in the text itself: a body passed through Playwright's `post_data` without `read_body`.
    """
    if (request.body_encoding or "").startswith("unreadable"):
        return True
    if request.body_size and request.post_data is None:
        return True
    return looks_unread(request.post_data)


def _mark_undecoded(wire: Wire, hit: TagHit) -> None:
    """Silent-failure signals for rules: `params["_undecoded"]` lists what could not be read.

    "body" (a body was sent but is unreadable), "account", "event" (the provider defines how
    to read it and nothing was found). Only for kind `hit`: side requests need neither.
    """
    if hit.kind != "hit":
        return
    provider, endpoint = wire.provider, wire.endpoint
    missing = ["body"] if is_body_unread(wire.request) else []
    if hit.account is None and (endpoint.account or provider.account):
        missing.append("account")
    if hit.event is None and (endpoint.event or provider.event):
        missing.append("event")
    if missing:
        hit.params[UNDECODED] = missing


def _build_hit(wire: Wire, record: Record) -> TagHit:
    provider, endpoint = wire.provider, wire.endpoint
    is_hit = endpoint.kind in DECODED_KINDS
    account_picks = endpoint.account if endpoint.account is not None else provider.account
    event_picks = endpoint.event if endpoint.event is not None else provider.event
    # One copy of each parameter name for the whole run: a 2,000-page audit keeps some
    # 30,000 hits, each with its own copy of the same names otherwise.
    params = {sys.intern(name): value for name, value in flatten(record).items()}
    if is_hit:
        params.update(shared_params(provider, record))
        for name in SHARED_NAMES:  # a wire field of that name sent empty (Statsig's value)
            if name in params and params[name] is None:
                del params[name]
        transport = endpoint.transport or wire.match.groups.get("transport")
        if transport:
            params["transport"] = transport
    return TagHit(
        provider=provider.id,
        kind=endpoint.kind,
        account=pick(account_picks, record),
        event=pick(event_picks, record) if is_hit or endpoint.event is not None else None,
        params=params,
        consent=decode_consent_params(params, provider.consent) if is_hit else {},
        url=wire.request.url,
        method=(wire.request.method or "GET").upper(),
    )


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def fill(template: str, record: Record) -> str | None:
    """`"AW-{conversion_id}/{label}"` filled from `record`; None when any field is empty."""
    missing = False

    def value_of(found: re.Match[str]) -> str:
        nonlocal missing
        text = _scalar(lookup(record, found.group(1)))
        missing = missing or text is None
        return text or ""

    filled = _FIELD.sub(value_of, template)
    return None if missing else filled


def pick(picks: tuple[Pick, ...], record: Record) -> str | None:
    """The first alternative that yields a non-empty value."""
    for alternative in picks:
        if alternative.value is not None:
            if alternative.when is None or _present(lookup(record, alternative.when)):
                return alternative.value
            continue
        found = fill(alternative.template or "", record)
        if found is not None:
            return found
    return None


def _raw_pick(picks: tuple[Pick, ...], record: Record) -> Any:
    """Like `pick`, but a single-field template returns the raw value (numbers, lists)."""
    for alternative in picks:
        template = alternative.template or ""
        single = _FIELD.fullmatch(template)
        if single:
            value = lookup(record, single.group(1))
            if _present(value):
                return value
        elif (found := pick((alternative,), record)) is not None:
            return found
    return None


def _as_items(value: Any) -> list[Any] | None:
    if isinstance(value, str):
        value = parse_json_loose(value)
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else None


def shared_params(provider: Provider, record: Record) -> dict[str, Any]:
    """The shared names (value, currency, transaction_id, event_id, items, page_url)."""
    out: dict[str, Any] = {}
    for name, picks in provider.shared.items():
        value = _raw_pick(picks, record)
        if value is None:
            continue
        if name == "value":
            value = to_number(value) if isinstance(value, str) else value
        elif name == "items":
            value = _as_items(value)
        elif not isinstance(value, (str, int, float)):
            continue
        else:
            value = str(value)
        if value is not None:
            out[name] = value
    return out
