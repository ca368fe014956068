"""The generic transport: one request → a list of records (one dict of params per event).

This module owns the data-driven part of decoding that needs no vendor code: query params,
path groups and the body (form, multipart or JSON) merged into one dict; params holding JSON
or base64 JSON text parsed in place (`json_params`); lists of events split into one record per
element (`records`), each merged over the rest of the request (the envelope). Vendor modules
(google.py, vendors.py) start from `base_params` and add only what their wire format needs.

Example: a TikTok beacon `POST https://analytics.tiktok.com/api/v2/pixel` with body
`{"event":"Purchase","context":{"pixel":{"code":"C1"}}}` gives one record
`{"event": "Purchase", "context": {"pixel": {"code": "C1"}}}`; the catalog's
`account: [context.pixel.code]` then reads `C1` from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tagaudit.model import Request
from tagaudit.providers.catalog import Endpoint, Provider
from tagaudit.providers.routing import Match
from tagaudit.providers.wire import parse_body, parse_json, parse_json_loose

Record = dict[str, Any]
RAW_BODY_LIMIT = 2000


@dataclass
class Wire:
    """A request routed to a provider endpoint: what every decoder starts from."""

    request: Request
    match: Match

    @property
    def provider(self) -> Provider:
        return self.match.provider

    @property
    def endpoint(self) -> Endpoint:
        return self.match.endpoint

    @property
    def body(self) -> str:
        return self.request.post_data or ""

    @property
    def content_type(self) -> str:
        for name, value in (self.request.headers or {}).items():
            if name.lower() == "content-type":
                return str(value)
        return ""


def base_params(wire: Wire, *, with_body: bool = True) -> Record:
    """Path groups, then query params, then the parsed body, in one dict (later wins)."""
    params: Record = {**wire.match.groups, **wire.match.query}
    if not with_body:
        return params
    body = parse_body(wire.body, wire.content_type)
    if isinstance(body, dict):
        params.update(body)
    elif isinstance(body, list):
        params["_batch"] = body
    elif isinstance(body, str) and body.strip():
        lines = ndjson(body)
        if lines:
            params["_batch"] = lines
        else:
            params["_body"] = body[:RAW_BODY_LIMIT]
    return params


def ndjson(body: str) -> list[dict[str, Any]] | None:
    """Newline-delimited JSON (Datadog RUM, Elastic APM) → one dict per line, or None."""
    lines = [line for line in body.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    parsed = [parse_json(line) for line in lines]
    if parsed and all(isinstance(item, dict) for item in parsed):
        return parsed  # type: ignore[return-value]
    return None


def apply_json_params(params: Record, names: tuple[str, ...]) -> Record:
    """Replace each named param holding JSON (or base64 JSON) text by its parsed value."""
    for name in names:
        value = params.get(name)
        if isinstance(value, str):
            parsed = parse_json_loose(value)
            if parsed is not None:
                params[name] = parsed
    return params


def expand_records(params: Record, keys: tuple[str, ...]) -> list[Record]:
    """One record per event: the first of `keys` holding a list (or object) of events wins.

    >>> expand_records({"api_key": "k", "events": [{"event_type": "a"}, {"event_type": "b"}]},
    ...                ("events",))
    [{'api_key': 'k', 'event_type': 'a'}, {'api_key': 'k', 'event_type': 'b'}]
    """
    for key in (*keys, "_batch"):
        value = params.get(key)
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            envelope = {k: v for k, v in params.items() if k != key}
            return [{**envelope, **item} for item in value]
        if isinstance(value, dict) and key in keys:
            envelope = {k: v for k, v in params.items() if k != key}
            return [{**envelope, **value}]
    return [params]


def generic_records(wire: Wire) -> list[Record]:
    """The data-driven transport: base params, JSON params parsed, events split."""
    params = apply_json_params(base_params(wire), wire.provider.json_params)
    return expand_records(params, wire.provider.records)
