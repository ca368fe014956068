"""Reading HAR files (HTTP Archive 1.2, as exported by browser devtools) into Requests.

This module owns turning `log.entries[]` into `tagaudit.model.Request` values, POST bodies
included, so `tagaudit decode --har FILE` can reuse the providers without a browser. It
imports only the model, the error tree and the providers' pure body reader (`read_body`, which
undoes gzip/deflate/br and base64 and keeps the raw size and sha256 — PostHog and Amplitude
gzip their bodies in the browser). A `postData` whose `encoding` is "base64" (how exporters
store binary bodies) is base64-decoded to its bytes first. An unreadable or malformed file
raises UsageError (exit 2, one line); an odd entry inside a good file is skipped, not fatal.

Worked example — a devtools entry::

    {"startedDateTime": "2024-04-05T19:34:38.000Z",
     "_resourceType": "ping",
     "request": {"method": "POST",
                 "url": "https://www.google-analytics.com/g/collect?v=2&tid=G-1",
                 "headers": [{"name": "content-type", "value": "text/plain"}],
                 "postData": {"mimeType": "text/plain", "text": "en=page_view"}},
     "response": {"status": 204}}

becomes `Request(url=…, method="POST", resource_type="ping", post_data="en=page_view",
headers={"content-type": "text/plain"}, status=204, timestamp=1712345678.0)`.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tagaudit.errors import UsageError
from tagaudit.model import Request
from tagaudit.providers.body import Body, read_body


def read_har(path: str | Path) -> list[Request]:
    """Every request of a HAR file, in file order."""
    return parse_har(_read_text(Path(path)), str(path))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"HAR file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as problem:
        reason = getattr(problem, "strerror", None) or str(problem)
        raise UsageError(f"cannot read HAR file {path}: {reason}") from None


def parse_har(text: str, source: str = "HAR") -> list[Request]:
    """HAR JSON text → Requests; raises UsageError when it is not a HAR at all."""
    try:
        data = json.loads(text)
    except ValueError as problem:
        raise UsageError(f"{source} is not valid JSON: {problem}") from None
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise UsageError(
            f"{source} is not a HAR file (no log.entries list)",
            hint="export it from the browser devtools Network panel: 'Save all as HAR'",
        )
    return [r for r in (entry_to_request(e) for e in entries) if r is not None]


def entry_to_request(entry: Any) -> Request | None:
    """One HAR entry → Request, or None when it has no usable request URL."""
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        return None
    request = entry["request"]
    url = request.get("url")
    if not isinstance(url, str) or not url:
        return None
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    status = response.get("status")
    headers = _headers(request.get("headers"))
    body = post_body(request.get("postData"), headers, url)
    return Request(
        url=url,
        method=str(request.get("method") or "GET").upper(),
        resource_type=str(entry.get("_resourceType") or "other"),
        **(body.request_fields() if body else {}),
        headers=headers,
        timestamp=_timestamp(entry.get("startedDateTime")),
        status=status if isinstance(status, int) and status > 0 else None,
        failure=_failure(response, status),
    )


def post_body(post_data: Any, headers: dict[str, str] | None = None, url: str = "") -> Body | None:
    """`postData.text` (base64-decoded when `encoding` says so), or its `params` re-encoded as
    a form body when text is absent, read by `read_body`."""
    if not isinstance(post_data, dict):
        return None
    text = post_data.get("text")
    if isinstance(text, str):
        return read_body(_text_bytes(text, post_data.get("encoding")), headers or {}, url)
    params = post_data.get("params")
    if isinstance(params, list):
        pairs = [(p.get("name", ""), p.get("value", "")) for p in params if isinstance(p, dict)]
        return read_body(urlencode(pairs).encode(), headers or {}, url)
    return None


def _text_bytes(text: str, encoding: Any) -> bytes:
    """The bytes a HAR `postData.text` stands for."""
    if encoding == "base64":
        try:
            return base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            pass
    if text[:2] == "\x1f\x8b" and all(ord(c) < 256 for c in text):
        return text.encode("latin-1")  # binary kept one byte per character
    return text.encode("utf-8", errors="surrogatepass")


def _headers(raw: Any) -> dict[str, str]:
    if not isinstance(raw, list):
        return {}
    return {
        str(h["name"]): str(h.get("value", ""))
        for h in raw
        if isinstance(h, dict) and isinstance(h.get("name"), str) and not h["name"].startswith(":")
    }


def _timestamp(raw: Any) -> float:
    if not isinstance(raw, str):
        return 0.0
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _failure(response: dict[str, Any], status: Any) -> str | None:
    error = response.get("_error") or response.get("_failureText")
    if isinstance(error, str) and error:
        return error
    return "no response" if status == 0 else None
