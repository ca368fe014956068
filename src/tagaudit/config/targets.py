"""Targets the user typed, made into URLs: strict checks that raise one clear line.

`check_url(raw)` accepts `shop.example/x` as `https://shop.example/x` and raises UsageError
(exit 2, one line) for anything else that cannot be loaded; `resolve_target(raw, base_url)`
also takes paths (`/checkout/`), joined to the base URL as a browser joins a link
(`urljoin`), so one tagaudit.yaml serves staging, preview deployments and production.
Imports the model's URL vocabulary and tagaudit.errors.
"""

from __future__ import annotations

from urllib.parse import urljoin

from tagaudit.errors import UsageError
from tagaudit.model.urls import is_path, url_problem


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
