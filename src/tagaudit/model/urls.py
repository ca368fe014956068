"""URLs as tagaudit reads them: can this be loaded or followed, is it a path, whose origin.

`url_problem(url)` says why a URL cannot be loaded or followed (or None), the one answer for
every command and the library; the strict forms that raise for what a user typed live with
the config (tagaudit.config.targets). Pure; imports nothing from tagaudit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEMES = ("http", "https")
# Schemes whose URLs have an origin of their own (urlsplit lower-cases the scheme).
ORIGIN_SCHEMES = ("http", "https", "ws", "wss")
# Inside a URL these mean a cell or line was split or joined by mistake (urlsplit would
# silently drop them); a plain space is left to the UTM hygiene rule (browsers encode it),
# and so is any other Unicode space.
BREAKS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def url_problem(url: str) -> str | None:
    """Why `url` cannot be loaded or followed, or None when it can."""
    if any(ch in BREAKS for ch in url.strip()):
        return "a line break or tab inside the URL"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as problem:
        return f"malformed URL ({problem})"
    if not parts.scheme:
        return "no scheme (write https://…)"
    if parts.scheme.lower() not in SCHEMES:
        return f"unsupported scheme {parts.scheme!r} (only http and https)"
    if not parts.hostname:
        return "no host"
    if any(ch.isspace() for ch in parts.netloc):
        return "spaces in the host"
    return None


def is_path(raw: str) -> bool:
    """Is this a path (or query) to join to a base URL rather than a URL of its own?"""
    return raw.strip().startswith(("/", ".", "?"))


def origin_of(url: str | None) -> str:
    """`https://ann:pw@Shop.example:8443/a?b` → `https://shop.example:8443`, or "" when it
    has none.

    Scheme and host are lower-cased, as browsers compare origins. Only http(s) and ws(s)
    URLs with a host have an origin here; `about:blank`, `data:`, `blob:`, `file:`, a path
    and a URL that does not parse give "" (their origin is opaque: WHATWG URL, "origin").
    """
    try:
        parts = urlsplit(url or "")
    except ValueError:  # `http://[::1` (an unclosed IPv6 host)
        return ""
    host = parts.netloc.rpartition("@")[2].lower()  # user-info is no part of an origin
    if parts.scheme not in ORIGIN_SCHEMES or not host:
        return ""
    return f"{parts.scheme}://{host}"


def page_of(url: str | None) -> str:
    """The page a URL names, as a person reads it in one line: its path and query for a
    web page (`/checkout/?step=2`), the URL itself otherwise (`about:blank`, `journey:x`)."""
    if not url:
        return "-"
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
