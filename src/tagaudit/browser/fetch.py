"""Fetching the files around a site (robots.txt, sitemaps, the base URL's first answer)
through the run's browser, so they get the same staging access as its pages.

A context of the session is made once (`SiteFetcher`), and its request API fetches: it
shares the context's basic auth, cookies and storage state; the site's extra headers are
added for the site's own origins, as the page route does. Redirects are followed here, one
hop at a time, and each hop is asked with the access of its own origin: the site's
headers, cookies and login only on the site, a bare request (no headers, no cookies, no
credentials) anywhere else, another port of the same host included (a request API that
follows redirects itself sent the staging header to every hop, and a cookie of the host to
its other ports). Problems are values: a `Fetched` with `error` set (no answer at all) or a
status. Imports Playwright and tagaudit.browser.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import urljoin

from playwright.async_api import APIRequestContext, APIResponse, BrowserContext
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.session import BrowserSession
from tagaudit.errors import first_line

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Fetched:
    """What one GET got: the final status and body, or why there was no answer."""

    url: str
    status: int | None = None
    body: bytes = b""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class SiteFetcher:
    """GETs with the site's access, in one context of the session (close it when done)."""

    def __init__(self, session: BrowserSession, timeout: float = 30.0) -> None:
        self.session, self.timeout = session, timeout
        self._context: BrowserContext | None = None
        self._bare: APIRequestContext | None = None

    async def get(self, url: str) -> Fetched:
        """GET `url`, following up to MAX_REDIRECTS redirects, each with its origin's access."""
        target = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = await self._get_one(target)
                location = response.headers.get("location")
                if response.status not in REDIRECTS or not location:
                    return Fetched(url, response.status, await response.body())
                target = urljoin(target, location)
        except PlaywrightError as problem:
            # `APIRequestContext.get: connect ECONNREFUSED …` → `connect ECONNREFUSED …`
            reason = first_line(problem, "no answer", calls=("APIRequestContext.",))
            return Fetched(url, error=reason)
        return Fetched(url, error=f"more than {MAX_REDIRECTS} redirects")

    async def _get_one(self, url: str) -> APIResponse:
        """One request, no redirect followed: the site's context on the site, else bare."""
        access = self.session.access
        on_site = access is None or access.is_site(url)
        client = await (self._site_client() if on_site else self._bare_client())
        return await client.get(
            url,
            headers=access.headers_for(url) if access is not None else {},
            timeout=self.timeout * 1000,
            max_redirects=0,
            fail_on_status_code=False,
        )

    async def _site_client(self) -> APIRequestContext:
        if self._context is None:
            self._context = await self.session.new_context()
        return self._context.request

    async def _bare_client(self) -> APIRequestContext:
        if self._bare is None:
            self._bare = await self.session.bare_request_context()
        return self._bare

    async def close(self) -> None:
        if self._context is not None:
            with contextlib.suppress(PlaywrightError):
                await self._context.close()
            self._context = None
        if self._bare is not None:
            with contextlib.suppress(PlaywrightError):
                await self._bare.dispose()
            self._bare = None
