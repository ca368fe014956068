"""No silent collector: an event-shaped request nobody catalogued becomes a hit of `unknown`.

When no endpoint and no wire-format family claims a request (decoding.py), it may still
carry events: an SDK tagaudit has never seen, a vendor's new endpoint, a home-made
collector. If its query or body is event-shaped (shapes.py: event names with ids or
timestamps, batches of them), each event becomes a TagHit of provider `unknown`, `collector`
its host, `event` the best-effort name, `account` a key the payload names (api key, write
key, site id …) — and the report can say "these events went to a collector I cannot read"
instead of "clean". A request that looks like a catalogued vendor's hit on a host the
catalog does not list (lookalike.py: a first-party proxy of Meta's `/tr/`) is read with that
vendor's decoder and also becomes `unknown`, with the vendor as its guess.

`params["_guess"]` names the vendor when it can be told (`_guess_from` says how): the wire
format (lookalike), a host the catalog lists for a vendor under another path, or
trackers.yaml, tagaudit's own list of tracker domains (why our own: trackers.yaml's header).
Pure: the model and this package.

    >>> from tagaudit.model import Request
    >>> hit, = unknown_hits(Request("https://rum.example-vendor.io/v1/events", "POST",
    ...     resource_type="fetch",
    ...     post_data='{"events": [{"name": "view", "session_id": "s1", "ts": 1712345678901}]}'))
    >>> (hit.provider, hit.event, hit.collector)
    ('unknown', 'view', 'rum.example-vendor.io')
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from tagaudit.model import UNKNOWN_PROVIDER, Request, TagHit
from tagaudit.providers.cdp import basic_auth_user, header_write_key
from tagaudit.providers.lookalike import BEACON_TYPES, lookalike_hits
from tagaudit.providers.routing import Catalog, default_catalog
from tagaudit.providers.shapes import (
    EventRecord,
    account_of,
    event_records,
    flat_fields,
    norm,
)
from tagaudit.providers.wire import parse_body, parse_json_loose, parse_query, split_url

UNKNOWN = UNKNOWN_PROVIDER
GUESS, GUESS_FROM = "_guess", "_guess_from"
MAX_PARAMS = 40
# Form fields that vendors fill with JSON or base64 JSON (PostHog `data`, Countly `events`).
_JSON_FIELDS = frozenset({"data", "events", "event", "e", "batch", "payload", "d", "json"})


def unknown_hits(request: Request, catalog: Catalog | None = None) -> list[TagHit]:
    """The events of a request no endpoint or family claimed; [] when it is not event-shaped."""
    catalog = catalog or default_catalog()
    if request.resource_type not in BEACON_TYPES or request.navigation:
        return []
    host = split_url(request.url)[0]
    if not host:
        return []
    borrowed = lookalike_hits(request, catalog)
    if borrowed:
        vendor = borrowed[0].provider
        return [_from_vendor(hit, host, vendor) for hit in borrowed]
    query, body = _payloads(request)
    records = event_records(body, query) if body is not None else []
    records = records or event_records(query)
    if not records:
        return []
    account = account_of(_account_fields(request, query, body))
    guess, source = guess_vendor(host, catalog)
    return [_hit(request, host, record, account, guess, source) for record in records]


def _from_vendor(hit: TagHit, host: str, vendor: str) -> TagHit:
    hit.params.update({GUESS: vendor, GUESS_FROM: "wire format"})
    hit.provider, hit.collector, hit.consent = UNKNOWN, host, {}
    hit.params.pop("_undecoded", None)
    return hit


def _hit(
    request: Request,
    host: str,
    found: EventRecord,
    account: str | None,
    guess: str | None,
    source: str | None,
) -> TagHit:
    params: dict[str, Any] = {}
    for key, value in found.record.items():
        if len(params) >= MAX_PARAMS:
            break
        if isinstance(value, (str, int, float, bool)) or value is None:
            params[str(key)] = value
    params["_shape"] = found.signals
    if guess:
        params.update({GUESS: guess, GUESS_FROM: source})
    return TagHit(
        provider=UNKNOWN,
        account=account,
        event=found.event,
        params=params,
        url=request.url,
        method=(request.method or "GET").upper(),
        collector=host,
    )


def _payloads(request: Request) -> tuple[dict[str, Any], Any]:
    """The query (JSON values parsed) and the body (JSON, NDJSON lines, form with JSON)."""
    query = {k: _maybe_json(k, v) for k, v in parse_query(split_url(request.url)[2]).items()}
    text = request.post_data
    if not text or not text.strip():
        return query, None
    headers = request.headers or {}
    content_type = next((str(v) for k, v in headers.items() if k.lower() == "content-type"), "")
    body = parse_body(text, content_type)
    if isinstance(body, str):
        lines = [parse_json_loose(line) for line in body.splitlines() if line.strip()]
        parsed = [line for line in lines if isinstance(line, (dict, list))]
        body = parsed or parse_json_loose(body)
    elif isinstance(body, dict):
        body = _unwrap({k: _maybe_json(k, v) for k, v in body.items()})
    return query, body


def _unwrap(form: dict[str, Any]) -> dict[str, Any]:
    """A form whose `data` (`events`, `payload` …) field held JSON: that JSON is the body,
    the form's other fields its envelope."""
    for key, value in form.items():
        if norm(key) in _JSON_FIELDS and isinstance(value, (dict, list)):
            rest = {k: v for k, v in form.items() if k != key}
            return {**rest, **value} if isinstance(value, dict) else {**rest, "batch": value}
    return form


def _maybe_json(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text[:1] in ("{", "[") or norm(key) in _JSON_FIELDS:
        parsed = parse_json_loose(text)
        if isinstance(parsed, (dict, list)):
            return parsed
    return value


def _account_fields(request: Request, query: dict[str, Any], body: Any) -> list[tuple[str, Any]]:
    """Where an account can be: headers (write keys), the query, the body's envelope."""
    fields: list[tuple[str, Any]] = []
    user = basic_auth_user(request.headers) or header_write_key(request.headers)
    if user:  # the key's id, never a secret after its colon
        fields.append(("writekey", user))
    for name, value in (request.headers or {}).items():
        if norm(name) not in ("xwritekey", "authorization"):
            fields.append((norm(name).removeprefix("x"), value))
    fields += flat_fields(query)
    if isinstance(body, dict):
        fields += flat_fields(body)
    elif isinstance(body, list) and body and isinstance(body[0], dict):
        fields += flat_fields(body[0])
    return fields


def guess_vendor(host: str, catalog: Catalog) -> tuple[str | None, str | None]:
    """Who a host belongs to: a provider the catalog lists it for, or trackers.yaml."""
    listed = {e.provider for e in catalog._host_endpoints(host)}
    if listed:
        return sorted(listed)[0], "catalog host"
    domains = tracker_domains()
    labels = host.split(".")
    for start in range(len(labels) - 1):
        vendor = domains.get(".".join(labels[start:]))
        if vendor:
            return vendor, "tracker list"
    return None, None


@functools.lru_cache(maxsize=1)
def tracker_domains() -> dict[str, str]:
    """trackers.yaml as {domain: vendor}: a domain covers its subdomains."""
    text = resources.files("tagaudit.providers").joinpath("trackers.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    out: dict[str, str] = {}
    for vendor, domains in (data.get("vendors") or {}).items():
        for domain in domains or ():
            out[str(domain).lower()] = str(vendor)
    return out
