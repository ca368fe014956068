"""Getting into a staging site, on the Playwright side: context options from SiteAccess
(device, viewport, user agent, basic auth, storage state), and what each context needs
after it opens or is wiped (cookies, the header route).

Secrets stay with the site, after every redirect too: `headers` are added only to requests
for the site's own origins, by a route that fetches each of them itself without following
redirects (`route.fetch(max_redirects=0)`, then `route.fulfill`). Chromium keeps headers a
route added when it follows a redirect (measured: a staging header reached another origin on
a 302 and a 307), so a redirect goes back to the browser as an answer, and the browser asks
for its target as a new request, which gets the headers only if it is on the site again.
Context-wide extra headers are never used: Chromium would send them to every tag vendor.
Basic-auth credentials are bound to the site's first origin (Playwright's
`http_credentials.origin`); cookies go where cookies go (their domain, RFC 6265). The
recorder sees requests before routes change them, so the added headers never reach a
report. `is_site` and `headers_for` answer the same question for tagaudit's own requests
(browser/fetch.py). Devices come from Playwright's own descriptors (`playwright.devices`,
the list `playwright codegen --device` knows). Imports Playwright and
tagaudit.browser.settings.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Playwright, Request, Route
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.settings import DEFAULT_USER_AGENT, SessionSettings, SiteAccess
from tagaudit.errors import ConfigError

STORAGE_COOKIE_KEYS = ("name", "value", "domain", "path", "expires", "httpOnly", "secure")
# Request headers the route does not hand on: its own client sets them (the body is decoded
# by it, so its own Accept-Encoding), or the browser's cookie jar does (`cookie`).
NOT_FORWARDED = frozenset({"cookie", "host", "content-length", "connection", "accept-encoding"})
# Seconds the route waits for the site: past any page timeout (the page engine gives up first).
FETCH_TIMEOUT = 300.0
# Playwright's error text → the network error the browser reports for the page (route.abort).
ABORT_REASONS = (
    ("ECONNREFUSED", "connectionrefused"),
    ("ENOTFOUND", "namenotresolved"),
    ("EAI_AGAIN", "namenotresolved"),
    ("ECONNRESET", "connectionreset"),
    ("ETIMEDOUT", "timedout"),
    ("Timeout", "timedout"),
    ("EHOSTUNREACH", "addressunreachable"),
)


class Access:
    """The run's SiteAccess, resolved once per session (device looked up, files read)."""

    def __init__(self, settings: SessionSettings, pw: Playwright) -> None:
        self.settings = settings
        self.site: SiteAccess = settings.access
        self.device = device_descriptor(pw, self.site.device) if self.site.device else {}
        self.cookies = [_with_place(c, self.site.cookie_url) for c in self.site.cookies]
        # Read once: Playwright would read and parse a path again for every new context.
        self.storage_state = _read_state(self.site.storage_state)
        self.stored_cookies = _stored_cookies(self.storage_state)
        self.pattern = _origin_pattern(self.site.origins)

    def context_options(self) -> dict[str, Any]:
        """new_context() options: the device, then the user's viewport, UA, locale, login."""
        settings, site = self.settings, self.site
        options: dict[str, Any] = {
            "user_agent": DEFAULT_USER_AGENT,
            "locale": settings.locale,
            "viewport": settings.viewport,
        }
        options.update(self.device)
        if settings.user_agent:
            options["user_agent"] = settings.user_agent
        if site.viewport:
            options["viewport"] = dict(site.viewport)
        if settings.timezone:
            options["timezone_id"] = settings.timezone
        if site.basic_auth:
            credentials = dict(site.basic_auth)
            if site.origins:
                credentials["origin"] = site.origins[0]
            options["http_credentials"] = credentials
        if self.storage_state is not None:
            options["storage_state"] = self.storage_state
        return options

    async def prepare(self, context: BrowserContext) -> None:
        """Cookies and the header route of a new context (storage state is an option).

        The site's documents then come from the route, whose answers Chromium counts as
        from the public internet: its Local Network Access check would refuse their requests
        to private and loopback hosts (measured: a redirect to 127.0.0.2 failed with
        `LocalNetworkAccessPermissionDenied`), which the site itself, served from there,
        may make. The site's origins get that permission back, nothing else does."""
        if self.cookies:
            await context.add_cookies(self.cookies)
        if self.site.headers and self.pattern is not None:
            await context.route(self.pattern, self._add_headers)
            for origin in self.site.origins:
                with contextlib.suppress(PlaywrightError):  # a browser without LNA
                    await context.grant_permissions(["local-network-access"], origin=origin)

    async def restore(self, context: BrowserContext) -> None:
        """Put the configured and stored cookies back after a wipe (visitor.py)."""
        if self.cookies or self.stored_cookies:
            await context.add_cookies([*self.stored_cookies, *self.cookies])

    def is_site(self, url: str) -> bool:
        """Is `url` on one of the site's origins (any URL, when no site is known)?"""
        return self.pattern is None or self.pattern.match(url) is not None

    def headers_for(self, url: str) -> dict[str, str]:
        """The site's extra headers when `url` is on one of its origins, else none."""
        if self.pattern is not None and self.pattern.match(url):
            return dict(self.site.headers)
        return {}

    async def _add_headers(self, route: Route, request: Request) -> None:
        """This one request with the site's headers; a redirect answered to the browser."""
        try:
            sent = await request.all_headers()
            headers = {k: v for k, v in sent.items() if _forwarded(k)}
            headers.update(self.site.headers)
            response = await route.fetch(
                headers=headers, max_redirects=0, timeout=FETCH_TIMEOUT * 1000
            )
        except PlaywrightError as problem:
            with contextlib.suppress(PlaywrightError):  # the page may be gone already
                await route.abort(_abort_reason(str(problem)))
            return
        with contextlib.suppress(PlaywrightError):
            await route.fulfill(response=response)


def _forwarded(name: str) -> bool:
    return not name.startswith(":") and name.lower() not in NOT_FORWARDED


def _abort_reason(problem: str) -> str:
    """The browser's error code for why the site gave no answer (`failed` when unknown)."""
    return next((code for mark, code in ABORT_REASONS if mark in problem), "failed")


def device_descriptor(pw: Playwright, name: str) -> dict[str, Any]:
    """Playwright's descriptor of `name` as context options; ConfigError naming close ones."""
    descriptor = pw.devices.get(name)
    if descriptor is None:
        lowered = {n.lower(): n for n in pw.devices}
        match = lowered.get(name.lower())
        near = [match] if match else difflib.get_close_matches(name, list(pw.devices), n=3)
        hint = f"did you mean {', '.join(repr(n) for n in near)}?" if near else None
        raise ConfigError(f"unknown Playwright device {name!r}", field="browser.device", hint=hint)
    return {k: v for k, v in descriptor.items() if k != "default_browser_type"}


def _with_place(cookie: dict[str, Any], url: str | None) -> dict[str, Any]:
    """A configured cookie for Playwright: it names a URL, or a domain and path."""
    if "url" in cookie or "domain" in cookie:
        return {"path": "/", **cookie} if "domain" in cookie else dict(cookie)
    if url is None:
        raise ConfigError(
            f"cookie {cookie['name']!r} needs a `domain` or `url` (or a base_url)",
            field="browser.cookies",
        )
    return {**cookie, "url": url}


def _read_state(path: str | None) -> dict[str, Any] | None:
    """A storage-state file's contents (checked when the config was read)."""
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else None


def _stored_cookies(state: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The cookies of a storage state, as add_cookies takes them after a wipe."""
    if not state:
        return []
    cookies = []
    for cookie in state.get("cookies", []):
        kept = {k: cookie[k] for k in STORAGE_COOKIE_KEYS if k in cookie}
        if cookie.get("sameSite") in ("Strict", "Lax", "None"):
            kept["sameSite"] = cookie["sameSite"]
        cookies.append(kept)
    return cookies


def _origin_pattern(origins: list[str]) -> re.Pattern[str] | None:
    """Requests to these origins (scheme://host[:port]), and nothing else."""
    if not origins:
        return None
    alternatives = "|".join(re.escape(o.rstrip("/")) for o in origins)
    return re.compile(rf"^(?:{alternatives})(?:[/?#]|$)")
