"""Segment-spec CDP transports (Segment, RudderStack): the write key from `Authorization`.

Both speak the Segment spec: one call per request on `/v1/t|p|i|…` (Segment) or
`/v1/track|page|identify|…` (RudderStack), or many in `/v1/batch` (`{"batch": [...]}`, split by
the catalog's `records`). Segment's analytics.js also puts `writeKey` in the body; RudderStack's
JavaScript SDK v3 does not — the write key travels only as HTTP Basic auth user name
(`Authorization: Basic base64(writeKey:)`, RudderStack HTTP API docs), so the account must be
read from the request headers. Only the user name is kept; a password is never read.

Worked example (measured, fixtures/sdk-site/MEASUREMENTS.md)::

    POST https://tagauditfixture.dataplane.rudderstack.com/v1/track
    Authorization: Basic MlRhZ2F1ZGl0Rml4dHVyZVdyaXRlS2V5MDFBOg==
    {"event": "Order Completed", "type": "track", "properties": {"revenue": 129.8}, …}

gives one record with `_basic_auth_user` "2TagauditFixtureWriteKey01A", which the catalog's
`account: [_basic_auth_user, writeKey]` reads. Pure: imports only this package's helpers.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from tagaudit.providers.records import Record, Wire, generic_records

AUTH_USER = "_basic_auth_user"


def basic_auth_user(headers: Any) -> str | None:
    """The user name of an `Authorization: Basic …` header, or None.

    >>> basic_auth_user({"authorization": "Basic d3JpdGVLZXk6"})
    'writeKey'
    """
    if not isinstance(headers, dict):
        return None
    value = next((str(v) for k, v in headers.items() if str(k).lower() == "authorization"), "")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user = decoded.partition(":")[0]
    return user or None


def header_write_key(headers: Any) -> str | None:
    """The key id of an `X-Write-Key: id:secret` header (Jitsu), never the secret.

    >>> header_write_key({"X-Write-Key": "js1:s3cret"})
    'js1'
    """
    if not isinstance(headers, dict):
        return None
    value = next((str(v) for k, v in headers.items() if str(k).lower() == "x-write-key"), "")
    return value.partition(":")[0].strip() or None


def cdp_records(wire: Wire) -> list[Record]:
    """The generic records, each given the write key sent in a header (Basic auth user name,
    or an X-Write-Key id) when there is one; a key in the body is cut at its `:` (Jitsu
    masks its secret there as `id:***`)."""
    records = generic_records(wire)
    headers = wire.request.headers
    user = basic_auth_user(headers) or header_write_key(headers)
    for record in records:
        key = record.get("writeKey")
        if isinstance(key, str) and ":" in key:
            record["writeKey"] = key.partition(":")[0]
    if user:
        for record in records:
            record.setdefault(AUTH_USER, user)
    return records
