"""Is this a URL tagaudit can load or follow? One answer for every command and the library.

`url_problem(url)` says why not (or None); `check_url(raw)` is the strict form for targets the
user typed: it accepts `shop.example/x` as `https://shop.example/x` and raises UsageError
(exit 2, one line) otherwise. `resolve_target(raw, base_url)` also takes paths (`/checkout/`),
joined to the base URL as a browser joins a link (`urljoin`), so one tagaudit.yaml serves
staging, preview deployments and production. Imports only tagaudit.errors.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from tagaudit.errors import UsageError

SCHEMES = ("http", "https")
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


def check_url(raw: str, assume_https: bool = True) -> str:
    """A usable absolute http(s) URL from what the user typed, or UsageError saying why not.

    With `assume_https`, a bare `shop.example/path` means `https://shop.example/path`.
    """
    url = raw.strip()
    if assume_https and url and "://" not in url and not url.startswith("/"):
        url = "https://" + url
    problem = url_problem(url)
    if problem is None and " " in url:
        problem = "spaces in the URL"
    if problem is not None and problem.startswith("unsupported scheme"):
        raise UsageError(f"unsupported URL scheme in {raw!r} (use http or https)")
    if problem is not None:
        raise UsageError(f"malformed URL {raw!r}: {problem}")
    return url


def is_path(raw: str) -> bool:
    """Is this a path (or query) to join to a base URL rather than a URL of its own?"""
    return raw.strip().startswith(("/", ".", "?"))


def resolve_target(raw: str, base_url: str | None) -> str:
    """The URL a target names: a path joined to `base_url`, anything else as `check_url`.

    >>> resolve_target("/checkout/", "https://staging.shop.example")
    'https://staging.shop.example/checkout/'
    """
    if not is_path(raw):
        return check_url(raw)
    if base_url is None:
        raise UsageError(
            f"{raw.strip()!r} is a path: give the site's address as base_url in tagaudit.yaml "
            "or --base-url"
        )
    return check_url(urljoin(base_url, raw.strip()))


def origin_of(url: str) -> str:
    """`https://shop.example:8443/a?b` → `https://shop.example:8443` (scheme and host
    lower-cased, as browsers compare origins)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
