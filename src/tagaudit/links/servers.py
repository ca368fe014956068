"""Who answered a hop: the web server or CDN behind it.

Owns a plain table (lychee's habit: per-site oddities as data) and `server_of`, which
reads it from response headers (any case-insensitive mapping, such as httpx.Headers).
Imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping

# Response headers that give away a CDN or platform even when `Server` says little.
CDN_SIGNATURES: tuple[tuple[str, str], ...] = (
    ("cf-ray", "cloudflare"),
    ("x-amz-cf-id", "cloudfront"),
    ("x-vercel-id", "vercel"),
    ("x-nf-request-id", "netlify"),
    ("fly-request-id", "fly"),
    ("x-served-by", "fastly"),
    ("x-akamai-transformed", "akamai"),
)


def server_of(headers: Mapping[str, str]) -> str | None:
    """`nginx`, `apache`, `cloudflare` … from the Server header or a CDN's own headers."""
    for name, cdn in CDN_SIGNATURES:
        if name in headers:
            return cdn
    server = headers.get("server", "").strip().lower()
    if not server:
        return None
    return server.split("/", 1)[0].split(" ", 1)[0] or None
