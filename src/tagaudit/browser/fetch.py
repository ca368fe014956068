"""Fetching the files around a site (robots.txt, sitemaps, the base URL's first answer)
through the run's browser, so they get the same staging access as its pages.

A context of the session is made once (`SiteFetcher`), and its request API fetches: it
shares the context's basic auth, cookies and storage state; the site's extra headers are
added for the site's own origins, as the page route does. Problems are values: a
`Fetched` with `error` set (no answer at all) or a status. Imports Playwright and
tagaudit.browser.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.session import BrowserSession
from tagaudit.errors import first_line

MAX_REDIRECTS = 5


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

    async def get(self, url: str) -> Fetched:
        if self._context is None:
            self._context = await self.session.new_context()
        access = self.session.access
        headers = access.headers_for(url) if access is not None else {}
        try:
            response = await self._context.request.get(
                url,
                headers=headers,
                timeout=self.timeout * 1000,
                max_redirects=MAX_REDIRECTS,
                fail_on_status_code=False,
            )
            return Fetched(url, response.status, await response.body())
        except PlaywrightError as problem:
            # `APIRequestContext.get: connect ECONNREFUSED …` → `connect ECONNREFUSED …`
            reason = first_line(problem, "no answer", calls=("APIRequestContext.",))
            return Fetched(url, error=reason)

    async def close(self) -> None:
        if self._context is not None:
            with contextlib.suppress(PlaywrightError):
                await self._context.close()
            self._context = None
