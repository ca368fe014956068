"""How one HTTP answer or network error turns into a verdict: ok, broken or unverifiable.

Owns the plain tables of bot-wall signs and error classes, so per-site oddities stay data
(lychee's habit). A dead link is a value here, never an exception. Imports only httpx.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Answers whose Location is followed (RFC 9110 15.4; 300, 304 and 305 are not redirects).
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Non-standard answers that mean "a bot wall stood in the way", not "the link is dead":
# LinkedIn answers 999 to automated clients; Cloudflare marks challenges with `cf-mitigated`.
BOT_WALL_STATUSES = frozenset({999})
BOT_WALL_HEADERS = {"cf-mitigated": "challenge"}
BOT_WALL_BODY_MARKERS = (
    b"cf-chl-",
    b"challenge-platform",
    b"just a moment...",
    b"attention required!",
    b"px-captcha",
    b"_incapsula_resource",
    b"captcha-delivery.com",
    b"g-recaptcha",
    b"h-captcha",
)
# Substrings of an error's text (and its causes') → a stable reason code.
ERROR_MARKERS: tuple[tuple[str, str], ...] = (
    ("name or service not known", "dns"),
    ("nodename nor servname", "dns"),
    ("temporary failure in name resolution", "dns"),
    ("getaddrinfo", "dns"),
    ("no address associated", "dns"),
    ("certificate", "tls"),
    ("ssl", "tls"),
    ("tls", "tls"),
)


def is_bot_wall(status: int, headers: Mapping[str, str], body_start: bytes = b"") -> bool:
    """403/503 with a challenge, or a status that only bot walls use (lower-case names)."""
    if status in BOT_WALL_STATUSES:
        return True
    if status not in (403, 503, 429):
        return False
    for name, value in BOT_WALL_HEADERS.items():
        if value in headers.get(name, "").lower():
            return True
    lowered = body_start.lower()
    return any(marker in lowered for marker in BOT_WALL_BODY_MARKERS)


def verdict_for_status(status: int, retry_after: bool = False) -> tuple[str, str | None]:
    """The verdict of a final (non-redirect) answer and its reason code.

    429 is about us (RFC 6585 4: too many requests from this client): `rate-limited`. A 503
    with `Retry-After` is the server announcing it is down for a while, for everyone (RFC
    9110 15.6.4): `unavailable`. Neither says whether the link works, so both are
    unverifiable; a 503 without advice is a server error like any 5xx.
    """
    if 200 <= status < 300:
        return "ok", None
    if status == 429:
        return "unverifiable", "rate-limited"
    if status == 503 and retry_after:
        return "unverifiable", "unavailable"
    if 300 <= status < 400:
        return "broken", "redirect-without-location"
    return "broken", "http-status"


def classify_error(problem: BaseException) -> tuple[str, str]:
    """A network error → (reason code, one readable line)."""
    chain = _chain(problem)
    text = "; ".join(dict.fromkeys(str(p).strip() for p in chain if str(p).strip()))
    names = " ".join(type(p).__name__.lower() for p in chain)
    if "dns" in names:
        return "dns", text
    if "ssl" in names or "certificate" in names:
        return "tls", text
    # httpx-aiohttp maps aiohttp's ClientConnectorError to ConnectTimeout; the cause tells.
    if "connectionrefused" in names or "clientconnectorerror" in names:
        return "connect", text or "connection refused"
    if isinstance(problem, (httpx.TimeoutException, TimeoutError)):
        return "timeout", "timed out"
    if isinstance(problem, httpx.UnsupportedProtocol):
        return "unsupported-scheme", text or "unsupported scheme"
    if isinstance(problem, httpx.RemoteProtocolError) and "location" in text.lower():
        return "invalid-location", text
    lowered = text.lower()
    for marker, reason in ERROR_MARKERS:
        if marker in lowered:
            return reason, text
    if isinstance(problem, httpx.ConnectError):
        return "connect", text or "connection failed"
    return "network", text or type(problem).__name__


def _chain(problem: BaseException) -> list[BaseException]:
    """The error and its causes, so aiohttp's DNS/TLS details are not lost."""
    chain: list[BaseException] = []
    seen: BaseException | None = problem
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    return chain
