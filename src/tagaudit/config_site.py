"""The site half of tagaudit.yaml: `base_url`, so pages (and everything else that names a
page) are written as paths and one file serves staging, preview deployments and production.

    base_url: https://staging.shop.example
    pages: [/, /checkout/thank-you/]

Credentials in the base URL (`https://user:pass@host`) leave the URL (the audit's basic auth
takes them). Split from config.py, which calls these readers; every mistake is one
ConfigError naming file, line and field. Imports tagaudit.errors, tagaudit.yamlfile and
tagaudit.urls.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from tagaudit.urls import resolve_target, url_problem
from tagaudit.yamlfile import MarkedList, Where


def base_url(where: Where) -> tuple[str | None, dict[str, str] | None]:
    """`base_url` without credentials, and the credentials it carried (or None)."""
    value = where.data.get("base_url")
    if value is None:
        return None, None
    if not isinstance(value, str) or not value.strip():
        where.fail("base_url", "must be a URL such as https://staging.shop.example")
    problem = url_problem(value.strip())
    if problem is not None:
        where.fail("base_url", f"{problem}: {value!r}")
    parts = urlsplit(value.strip())
    credentials = None
    if parts.username is not None or parts.password is not None:
        credentials = {
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
        }
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        netloc += f":{parts.port}" if parts.port else ""
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts._replace(path=parts.path or "/")), credentials


def declared_pages(pages_where: Where, base: str | None) -> dict[str, str]:
    """Each `pages:` entry's URL (resolved against the base URL) → `file:line`."""
    pages = pages_where.data.get("pages")
    if not isinstance(pages, MarkedList) or pages_where.path is None:
        return {}
    declared = {}
    for index, raw in enumerate(pages):
        line = pages.line_of(index)
        if isinstance(raw, str) and line is not None:
            try:
                url = resolve_target(raw, base)
            except Exception:  # a bad page is reported when the run checks it
                continue
            declared.setdefault(url, f"{pages_where.path}:{line}")
    return declared
