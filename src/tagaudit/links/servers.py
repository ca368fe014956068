"""Who answered a hop: the web server or CDN, and where its redirect rules keep the query.

Owns two plain tables (lychee's habit: per-site oddities as data) and `server_of`, which
reads them from response headers (any case-insensitive mapping, such as httpx.Headers).
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
# Where the redirect rule usually lives, and how it keeps the query string (only what the
# vendors document: nginx rewrite module docs, Apache httpd "Manipulating the Query String",
# Cloudflare Single/Bulk Redirects "Preserve query string").
SERVER_HINTS: dict[str, str] = {
    "nginx": "nginx: `return 301 https://host$request_uri;` or append `$is_args$args`",
    "apache": "Apache mod_rewrite: add [QSA]; a substitution with its own ?query replaces it",
    "cloudflare": "Cloudflare Single/Bulk Redirects: turn on 'Preserve query string'",
}


def server_of(headers: Mapping[str, str]) -> str | None:
    """`nginx`, `apache`, `cloudflare` … from the Server header or a CDN's own headers."""
    for name, cdn in CDN_SIGNATURES:
        if name in headers:
            return cdn
    server = headers.get("server", "").strip().lower()
    if not server:
        return None
    return server.split("/", 1)[0].split(" ", 1)[0] or None
