"""Wire-format helpers shared by every decoder: URLs, query strings, bodies, JSON, base64.

This module owns turning raw request pieces into plain Python values. It is pure (no I/O),
imports nothing from tagaudit, and never raises on odd input: what cannot be read is returned
as the raw string (or left out).

    >>> parse_query("id=1&ev=PageView&cd[value]=9.5")
    {'id': '1', 'ev': 'PageView', 'cd[value]': '9.5'}
    >>> parse_body('{"event":"Purchase"}', "text/plain")
    {'event': 'Purchase'}
    >>> lookup({"context": {"pixel": {"code": "C1"}}}, "context.pixel.code")
    'C1'
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_PART_NAME = re.compile(r'name="([^"]*)"', re.IGNORECASE)


def split_url(url: str) -> tuple[str, str, str]:
    """`(host, path, query)` of an absolute URL, fast and without raising.

    The host is lowercased, without port, userinfo or trailing dot; the path starts with
    `/`. Anything that is not `scheme://host…` gives an empty host.

    >>> split_url("https://User@WWW.Example.com:8443/a/b?x=1#f")
    ('www.example.com', '/a/b', 'x=1')
    """
    start = url.find("://")
    if start <= 0:
        return "", "", ""
    rest = url[start + 3 :]
    cut = len(rest)
    for stop in "/?#":
        at = rest.find(stop)
        if 0 <= at < cut:
            cut = at
    host, tail = rest[:cut], rest[cut:]
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if host.startswith("["):
        host = host[: host.find("]") + 1]
    elif ":" in host:
        host = host.split(":", 1)[0]
    tail = tail.split("#", 1)[0]
    path, _, query = tail.partition("?")
    return host.rstrip(".").lower(), path or "/", query


def parse_query(query: str) -> dict[str, Any]:
    """Query string → dict; a repeated key keeps its first value (vendors rarely repeat)."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        out.setdefault(key, value)
    return out


def looks_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return stripped[:1] in ("{", "[")


def parse_json(text: Any) -> Any:
    """JSON text → value, or None when it is not JSON."""
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def decode_base64(text: str) -> str | None:
    """Base64 or base64url text (padding optional) → UTF-8 string, or None."""
    cleaned = re.sub(r"\s+", "", unquote_plus(text)) if "%" in text else re.sub(r"\s", "", text)
    if not cleaned or not re.fullmatch(r"[A-Za-z0-9+/_-]+=*", cleaned):
        return None
    cleaned = cleaned.rstrip("=")
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        return base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_")).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def parse_json_loose(text: Any) -> Any:
    """JSON, or base64/base64url-encoded JSON; None when neither (the caller keeps raw)."""
    if not isinstance(text, str) or not text.strip():
        return None
    if looks_like_json(text):
        return parse_json(text)
    decoded = decode_base64(text)
    return parse_json(decoded) if decoded and looks_like_json(decoded) else None


def parse_multipart(body: str, content_type: str) -> dict[str, Any]:
    """multipart/form-data text (e.g. Meta's FormData beacons) → {field: value}."""
    match = _BOUNDARY.search(content_type or "")
    boundary = match.group(1) if match else body.lstrip().split("\r\n", 1)[0].split("\n")[0][2:]
    if not boundary:
        return {}
    out: dict[str, Any] = {}
    for part in body.split("--" + boundary):
        head, sep, value = part.partition("\r\n\r\n")
        if not sep:
            head, sep, value = part.partition("\n\n")
        name = _PART_NAME.search(head)
        if sep and name:
            out.setdefault(name.group(1), value.rstrip("\r\n"))
    return out


def parse_body(body: str | None, content_type: str = "") -> Any:
    """A POST body → a dict (form, multipart, JSON object), a list (JSON array), or raw str.

    Vendors send JSON as text/plain (sendBeacon), so the body's shape decides, not the
    declared type; multipart is recognised by its type or its leading boundary line.
    """
    if not body or not body.strip():
        return {}
    content_type = content_type or ""
    if looks_like_json(body):
        parsed = parse_json(body)
        if parsed is not None:
            return parsed
    if "multipart/" in content_type.lower() or body.startswith("--"):
        parts = parse_multipart(body, content_type)
        if parts:
            return parts
    if "=" in body and "\n" not in body.strip():
        return parse_query(body.strip())
    return body


def lookup(data: Any, path: str) -> Any:
    """Walk a dotted path through dicts and lists; an exact key wins over splitting.

    `ep.value` finds the GA4 key `ep.value`; `context.pixel.code` walks nested dicts;
    `e.4` indexes a list. Returns None when nothing is there.
    """
    if isinstance(data, dict):
        if path in data:
            return data[path]
        head, dot, rest = path.partition(".")
        while dot:
            if head in data:
                found = lookup(data[head], rest)
                if found is not None:
                    return found
            more, dot, rest = rest.partition(".")
            head = f"{head}.{more}"
        return None
    if isinstance(data, list):
        head, _, rest = path.partition(".")
        if head.isdigit() and int(head) < len(data):
            return data[int(head)] if not rest else lookup(data[int(head)], rest)
    return None


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts → dotted keys; lists and scalars are kept as they are (JSON-safe).

    >>> flatten({"context": {"pixel": {"code": "C1"}}, "ids": [1, 2]})
    {'context.pixel.code': 'C1', 'ids': [1, 2]}
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def to_number(value: Any) -> Any:
    """'99.90' → 99.9, '3' → 3; anything else comes back unchanged."""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    text = value.strip()
    if re.fullmatch(r"-?\d{1,15}", text):
        return int(text)
    if re.fullmatch(r"-?\d{0,15}\.\d{1,15}", text):
        return float(text)
    return value


def parse_semicolon_params(text: str) -> dict[str, str]:
    """`a=1;b=2` (Floodlight paths, Google Ads `data`) → {'a': '1', 'b': '2'}."""
    out: dict[str, str] = {}
    for piece in text.split(";"):
        key, sep, value = piece.partition("=")
        if sep and key:
            out.setdefault(unquote_plus(key), unquote_plus(value))
    return out
