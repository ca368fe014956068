"""How a request is answered here, and which requests the edge must pause to decide.

The edge (browser/edge.py) answers what the gate (browser/gate.py) keeps on the machine:
as the vendor would (the catalog's `answer:`) where an SDK reads the answer — PostHog
re-sends on a 204, Amplitude on a body without `code` — else a 1×1 GIF for images and 204
for everything else, with CORS headers so a page's `fetch` reads it as a success.

Only some requests are paused by the browser at all (`pause_patterns`): every request that
can carry a hit whatever its host (XHR/fetch, beacons and pings, event sources, preflights,
"other") and any request to a catalogued collection host. A page's own documents, scripts,
styles, fonts and images of other hosts never wait for Python. `interception_pattern` is the
same catalog knowledge as one regex, for code that routes with Playwright (benchmarks).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tagaudit.model import Request
from tagaudit.providers import family_provider
from tagaudit.providers.routing import Catalog, default_catalog

ONE_PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
CORS_HEADERS = {
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, OPTIONS",
    "Cache-Control": "no-store",
}
# Chromium's resource types (Network.ResourceType) of requests that can carry a hit to any
# host: paused for every URL. Images, scripts and documents are paused only on catalogued
# collection hosts (a tracking pixel, a JSONP hit, Floodlight's iframe).
HIT_TYPES = (
    "XHR",
    "Fetch",
    "Ping",
    "EventSource",
    "Other",
    "CSPViolationReport",
)
# Resource types, as Playwright names them, that the edge pauses on any host.
PAUSED_TYPES = frozenset(t.lower() for t in HIT_TYPES) | {"beacon", "preflight"}
# The page's own "I am hidden" beacon (browser/leaving.py): answered here, never delivered.
LEFT_PATH = "/.well-known/tagaudit-left"
# A literal this long from an any-host path regex is specific enough to pause on.
MIN_LITERAL = 5


@dataclass(frozen=True)
class Answer:
    """What a request kept on the machine is answered with."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def cdp(self, request_id: str) -> dict[str, Any]:
        """`Fetch.fulfillRequest` parameters."""
        headers = dict(self.headers)
        if self.content_type:
            headers["Content-Type"] = self.content_type
        return {
            "requestId": request_id,
            "responseCode": self.status,
            "responseHeaders": [{"name": k, "value": v} for k, v in headers.items()],
            "body": base64.b64encode(self.body).decode(),
        }

    def playwright(self) -> dict[str, Any]:
        """`route.fulfill(**…)` keyword arguments."""
        fulfil: dict[str, Any] = {"status": self.status, "body": self.body, "headers": self.headers}
        if self.content_type:
            fulfil["content_type"] = self.content_type
        return fulfil


def cors_headers(origin: str | None, asked: Mapping[str, str] | None = None) -> dict[str, str]:
    """CORS headers that let the page read the answer, and a preflight grant what it asked
    (`asked`: the request's headers). With credentials, as `sendBeacon` and most SDKs send,
    `Access-Control-Allow-Headers: *` is no wildcard: a beacon of a JSON Blob (Optimizely's
    on page hide) asks for `content-type`, and its POST never followed a `*` answer."""
    headers = {**CORS_HEADERS, "Access-Control-Allow-Origin": origin or "*"}
    lowered = {k.lower(): v for k, v in (asked or {}).items()}
    if lowered.get("access-control-request-headers"):
        headers["Access-Control-Allow-Headers"] = lowered["access-control-request-headers"]
    method = lowered.get("access-control-request-method", "").strip().upper()
    if method and method not in headers["Access-Control-Allow-Methods"].split(", "):
        headers["Access-Control-Allow-Methods"] += f", {method}"
    return headers


def answer_for(
    url: str,
    resource_type: str,
    origin: str | None,
    catalog: Catalog | None = None,
    request: Request | None = None,
    asked: Mapping[str, str] | None = None,
) -> Answer:
    """The local answer for a request kept here (see the module docstring); `request` (its
    record, body read) lets a hit to a host nobody listed be answered as the vendor whose
    wire format it speaks would answer it; `asked` (its headers) is what a preflight asks."""
    headers = cors_headers(origin, asked)
    catalog = catalog or default_catalog()
    match = catalog.match(url)
    given = match.endpoint.answer if match is not None else None
    if match is None and request is not None and request.method != "OPTIONS":
        given = _family_answer(request, catalog)
    if given:
        given = dict(given)
        body = given.get("body") or ""
        return Answer(
            int(given.get("status", 200)),
            body.encode() if isinstance(body, str) else bytes(body),
            given.get("content_type"),
            headers,
        )
    if resource_type.lower() == "image":
        return Answer(200, ONE_PIXEL_GIF, "image/gif", headers)
    return Answer(204, b"", None, headers)


def _family_answer(request: Request, catalog: Catalog) -> dict[str, Any] | None:
    provider = family_provider(request, catalog)
    if provider is None:
        return None
    answers = (e.answer for e in provider.endpoints if e.kind == "hit" and e.answer)
    return next(answers, None)


def is_leave_mark(url: str) -> bool:
    """Is this the page's own "I am hidden" beacon?"""
    return url.split("?", 1)[0].endswith(LEFT_PATH)


def local_answer(request: Any, catalog: Catalog | None = None) -> dict[str, Any] | None:
    """`route.fulfill` arguments for a catalogued collection hit, or None to let it through
    (Playwright routes: the benchmarks' bare loops answer hits as tagaudit does)."""
    catalog = catalog or default_catalog()
    if not catalog.is_collection_endpoint(request.url):
        return None
    origin = request.headers.get("origin")
    answer = answer_for(request.url, request.resource_type, origin, catalog, asked=request.headers)
    return answer.playwright()


def pause_patterns(catalog: Catalog | None = None) -> list[dict[str, str]]:
    """`Fetch.enable` patterns: hit-carrying types on any URL, images with a query string
    (a pixel to a collector nobody catalogued, a Snowplow `/i`), any type on collection
    hosts. (`\\?` is a literal question mark: `?` alone is a one-character wildcard.)"""
    patterns = [{"urlPattern": "*", "resourceType": t} for t in HIT_TYPES]
    patterns.append({"urlPattern": "*\\?*", "resourceType": "Image"})
    return patterns + [{"urlPattern": glob} for glob in collection_globs(catalog)]


def is_paused(url: str, resource_type: str, catalog: Catalog | None = None) -> bool:
    """Would the edge pause this request (as `pause_patterns` say), Playwright's names?"""
    kind = resource_type.lower()
    if kind in PAUSED_TYPES or (kind == "image" and "?" in url):
        return True
    return (catalog or default_catalog()).match(url) is not None


def collection_globs(catalog: Catalog | None = None) -> list[str]:
    """URL globs (`*` any run, as Fetch patterns read them) for every collection endpoint:
    its hosts, or for any-host endpoints the longest literal of their path regex."""
    globs: set[str] = set()
    for provider in (catalog or default_catalog()).providers.values():
        for endpoint in provider.endpoints:
            if not endpoint.is_collection:
                continue
            for host in endpoint.hosts:
                globs.update(_host_globs(host))
            if "*" in endpoint.hosts:
                globs.update(f"*{lit}*" for p in endpoint.paths for lit in _literals(p.pattern))
    return sorted(globs)


def _host_globs(host: str) -> list[str]:
    if host == "*":
        return []
    if host.startswith("*."):
        return [f"*://{host[2:]}/*", f"*://{host[2:]}:*", f"*://*.{host[2:]}/*"]
    return [f"*://{host}/*", f"*://{host}:*"]


def _literals(pattern: str) -> list[str]:
    """The plain runs of an any-host path regex that every match contains, long enough to
    pause on: `/g/collect` of `/g/collect/?$`, `matomo` and `piwik` of `(matomo|piwik)`.
    A character a quantifier makes optional ends its run."""
    found = []
    for run in re.finditer(r"(?:\\[./-]|[A-Za-z0-9_/-])+", pattern):
        text = run.group()
        if pattern[run.end() : run.end() + 1] in ("?", "*", "{"):
            text = text[:-2] if text[-2:-1] == "\\" else text[:-1]
        text = text.replace("\\", "")
        if len(text) >= MIN_LITERAL:
            found.append(text)
    return found


def interception_pattern(catalog: Catalog | None = None) -> re.Pattern[str]:
    """A regex for the URLs of collection endpoints: anchored on scheme and host.

    Built from the catalog's collection endpoints: their hosts (exact, `*.suffix`,
    `prefix.*`), and for any-host endpoints (first-party GA4 `/g/collect`, self-hosted
    Matomo …) their path patterns. Playwright evaluates it in the browser process too, so it
    must mean the same in Python and JavaScript: no named groups, `$` as a lookahead.
    """
    hosts: set[str] = set()
    paths: set[str] = set()
    for provider in (catalog or default_catalog()).providers.values():
        for endpoint in provider.endpoints:
            if not endpoint.is_collection:
                continue
            if "*" in endpoint.hosts:
                paths.update(_portable_path(p.pattern) for p in endpoint.paths)
            hosts.update(_host_regex(h) for h in endpoint.hosts if h != "*")
    alternatives = [rf"(?:{'|'.join(sorted(hosts))})(?::\d+)?(?=[/?#]|$)"] if hosts else []
    alternatives += [rf"[^/?#]+{path}" for path in sorted(paths)]
    return re.compile(rf"^https?://(?:{'|'.join(alternatives) or '(?!)'})")


def _host_regex(host: str) -> str:
    if host.startswith("*."):
        return rf"(?:[^/?#@:]+\.)?{re.escape(host[2:])}"
    if host.endswith(".*"):
        return rf"{re.escape(host[:-1])}[^/?#@:]+"
    return re.escape(host)


def _portable_path(pattern: str) -> str:
    """A path regex (searched in the path) rewritten to follow the host in a full URL."""
    body = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    body = body[1:] if body.startswith("^") else rf"[^?#]*?{body}"
    return body[:-1] + "(?=[?#]|$)" if body.endswith("$") else body
