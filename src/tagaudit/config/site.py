"""The site half of tagaudit.yaml: `base_url`, staging access under `browser:`, and the crawl
keys that choose targets (`crawl.sitemap`, `robots`, `include`, `exclude`, `per_template`,
`templates`). Every mistake is one ConfigError naming file, line and field.

    base_url: https://staging.shop.example       # then pages, journeys, sitemaps are paths
    browser:
      headers: {CF-Access-Client-Secret: "${CF_ACCESS_SECRET}"}
      cookies: [{name: preview, value: "1"}]
      basic_auth: {username: "${STAGING_USER}", password: "${STAGING_PASSWORD}"}
      storage_state: auth/state.json              # relative to this file
      device: iPhone 13                           # or viewport: 390x844 / {width:, height:}
    crawl: {sitemap: true, robots: true, exclude: ["/admin/**"], per_template: 5}

Secrets come from the environment: `${NAME}` in a header, cookie or credential is replaced
by that variable (`$$` is a plain `$`). One that is missing or empty is an error naming it
when a browser is about to use the access (SiteAccess.unresolved), not when the file is read:
`tagaudit merge` and `tagaudit rules` need no staging secrets. Credentials in
the base URL (`https://user:pass@host`) become basic auth and leave the URL. Split from
config.py, which calls these readers; a storage-state file is checked field by field by
config/storage_state.py. Imports tagaudit.errors, tagaudit.yamlfile, tagaudit.config's
own readers and the plain settings types of the browser and the crawl.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from tagaudit.browser.settings import SiteAccess
from tagaudit.config import rules as config_rules
from tagaudit.config.fields import Reader
from tagaudit.config.storage_state import StateProblem, read_storage_state
from tagaudit.config.storage_state import holds_local_storage as has_local_storage
from tagaudit.config.targets import resolve_target
from tagaudit.crawl.settings import AUTO
from tagaudit.errors import ConfigError
from tagaudit.model.urls import url_problem
from tagaudit.yamlfile import MarkedList, Where

COOKIE_KEYS = ("name", "value", "domain", "path", "url", "secure", "http_only", "same_site")
SAME_SITE = ("Strict", "Lax", "None")
ENV_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
VIEWPORT_TEXT = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$")


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


def readers(base: Path, missing: list[str]) -> dict[str, Reader]:
    """The readers of the site's keys that are more than a type: staging access under
    `browser:` (secrets from the environment; unset ones go to `missing`), and the crawl's
    sitemap and patterns. `base` is the folder relative paths start from."""
    return {
        "browser.headers": lambda inner, key: _headers(inner, missing),
        "browser.cookies": lambda inner, key: [
            _cookie(e, missing) for e in config_rules.entries(inner, key)
        ],
        "browser.basic_auth": lambda inner, key: _basic_auth(inner, missing),
        "browser.storage_state": lambda inner, key: _storage_state(inner, base),
        "browser.device": _text,
        "browser.viewport": lambda inner, key: _viewport(inner),
        "crawl.sitemap": _sitemap,
        "crawl.include": config_rules.pattern_list,
        "crawl.exclude": config_rules.pattern_list,
        "crawl.templates": config_rules.pattern_list,
        "crawl.per_template": _per_template,
    }


def _sitemap(inner: Where, key: str) -> list[str]:
    """`sitemap: true` (robots.txt's Sitemap lines, else /sitemap.xml), or the sitemaps."""
    value = inner.data.get(key)
    if value is True:
        return [AUTO]
    if value in (None, False):
        return []
    return config_rules.string_list(inner, key)


def _per_template(inner: Where, key: str) -> int:
    value = inner.data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        inner.fail(key, f"must be a whole number ≥ 0 (0: no sampling), not {value!r}")
    return value


def bind_access(
    access: SiteAccess, credentials: dict[str, str] | None, inner: Where | None
) -> None:
    """Credentials of `base_url` become basic auth (a second set under `browser:` is refused);
    a storage state's localStorage means every page needs a context of its own."""
    if credentials is not None:
        if access.basic_auth is not None and inner is not None:
            inner.fail("basic_auth", "credentials are also in base_url: keep one of the two")
        access.basic_auth = credentials
    access.local_storage = bool(access.storage_state) and holds_local_storage(access.storage_state)


def page_lines(pages_where: Where) -> dict[str, str]:
    """Each `pages:` entry as written (a URL or a path) → `file:line`."""
    pages = pages_where.data.get("pages")
    if not isinstance(pages, MarkedList) or pages_where.path is None:
        return {}
    lines = ((raw, pages.line_of(index)) for index, raw in enumerate(pages))
    return {raw: f"{pages_where.path}:{line}" for raw, line in lines if line is not None}


def declared_pages(lines: dict[str, str], base: str | None) -> dict[str, str]:
    """Each `pages:` entry's URL (resolved against the base URL) → `file:line`."""
    declared: dict[str, str] = {}
    for raw, place in lines.items():
        try:
            url = resolve_target(str(raw), base)
        except Exception:  # a bad page is reported when the run checks it
            continue
        declared.setdefault(url, place)
    return declared


def expand_env(where: Where, key: Any, value: Any, missing: list[str] | None = None) -> str:
    """`value` with `${NAME}` replaced by environment variables.

    A variable that is not set (or empty) is a ConfigError naming it, file and line; with
    `missing` given, that one line is added there instead, so a config can be read where its
    secrets are not needed (`tagaudit merge`, `tagaudit rules`) and refused where they are.
    """
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        where.fail(key, f"must be a string, not {value!r}")

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        found = os.environ.get(name)
        if not found:
            state = "is empty" if name in os.environ else "is not set"
            try:
                where.fail(key, f"environment variable {name} {state}")
            except ConfigError as problem:
                if missing is None:
                    raise
                missing.append(str(problem))
        return found or ""

    return ENV_REFERENCE.sub(replace, str(value))


def _text(inner: Where, key: str) -> str:
    value = inner.data.get(key)
    if not isinstance(value, str) or not value.strip():
        inner.fail(key, f"must be a non-empty string, not {value!r}")
    return value.strip()


def _headers(inner: Where, missing: list[str]) -> dict[str, str]:
    section = inner.data.get("headers")
    if not isinstance(section, dict):
        inner.fail("headers", "must be a mapping of header names to values")
    headers = inner.child("headers")
    result = {}
    for name, value in section.items():
        if not isinstance(name, str) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            headers.fail(name, f"{name!r} is not an HTTP header name")
        if name.lower() in ("host", "content-length", "cookie"):
            headers.fail(name, f"{name} cannot be set here (use `cookies:` for cookies)")
        text = expand_env(headers, name, value, missing)
        if "\n" in text or "\r" in text:
            headers.fail(name, "a header value must be one line")
        result[name] = text
    return result


def _cookie(entry: Where, missing: list[str]) -> dict[str, Any]:
    data = entry.data
    for key in data:
        if key not in COOKIE_KEYS:
            entry.fail(key, f"unknown cookie field (known: {', '.join(COOKIE_KEYS)})")
    cookie: dict[str, Any] = {"name": _text(entry, "name")}
    cookie["value"] = expand_env(entry, "value", data.get("value", ""), missing)
    for key in ("domain", "path", "url"):
        if data.get(key) is not None:
            cookie[key] = _text(entry, key)
    if "path" in cookie and "domain" not in cookie:
        entry.fail("path", "a cookie with a `path` needs a `domain` too (or give a `url`)")
    for key, name in (("secure", "secure"), ("http_only", "httpOnly")):
        if key in data:
            if not isinstance(data[key], bool):
                entry.fail(key, "must be true or false")
            cookie[name] = data[key]
    if data.get("same_site") is not None:
        if data["same_site"] not in SAME_SITE:
            entry.fail("same_site", f"must be one of {', '.join(SAME_SITE)}")
        cookie["sameSite"] = data["same_site"]
    return cookie


def _basic_auth(inner: Where, missing: list[str]) -> dict[str, str]:
    section = inner.data.get("basic_auth")
    if not isinstance(section, dict):
        inner.fail("basic_auth", 'must be {username: "${USER_VAR}", password: "${PASSWORD_VAR}"}')
    auth = inner.child("basic_auth")
    for key in section:
        if key not in ("username", "password"):
            auth.fail(key, "unknown field (known: username, password)")
    if "password" not in section or "username" not in section:
        auth.fail(None, "needs both username and password")
    if "${" not in str(section["password"]):
        auth.fail("password", 'take it from the environment, e.g. "${STAGING_PASSWORD}"')
    return {key: expand_env(auth, key, section[key], missing) for key in ("username", "password")}


def _storage_state(inner: Where, base: Path) -> str:
    """The storage-state file's path, once it is known to be one that a browser takes
    (config/storage_state.py checks every cookie and origin in it)."""
    path = base / _text(inner, "storage_state")
    if not path.is_file():
        inner.fail("storage_state", f"storage-state file not found: {path}")
    try:
        read_storage_state(path)
    except StateProblem as problem:
        inner.fail("storage_state", f"{path}: {problem}")
    return str(path)


def holds_local_storage(path: str) -> bool:
    """Does the (checked) storage-state file hold localStorage, not only cookies?"""
    return has_local_storage(read_storage_state(Path(path)))


def _viewport(inner: Where) -> dict[str, int]:
    value = inner.data.get("viewport")
    if isinstance(value, str) and (match := VIEWPORT_TEXT.match(value)):
        width, height = int(match.group(1)), int(match.group(2))
    elif isinstance(value, dict) and set(value) == {"width", "height"}:
        width, height = value["width"], value["height"]
    else:
        shapes = "WIDTHxHEIGHT (390x844) or {width:, height:}"
        inner.fail("viewport", f"must be {shapes}, not {value!r}")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (width, height)):
        inner.fail("viewport", "width and height must be whole numbers of pixels")
    return {"width": width, "height": height}
