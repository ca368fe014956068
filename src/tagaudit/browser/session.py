"""One Chromium per run, and the contexts pages are loaded in.

`BrowserSession` launches (or connects to) the browser once; `new_context()` gives an isolated
context with the hit-answering route already installed, so no tracking hit leaves the machine
unless `deliver_hits` is set, and the site access of the run (device, basic auth, storage
state, cookies, headers for the site only: browser/access.py). Remote browsers: a Playwright
server (`ws://…`) or any CDP endpoint (`http://…`).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.access import Access
from tagaudit.browser.capture import CSP_LISTENER
from tagaudit.browser.discovery import find_browser
from tagaudit.browser.hits import install_hit_route, interception_pattern
from tagaudit.browser.settings import SessionSettings
from tagaudit.errors import EnvironmentProblem

LAUNCH_ARGS = (
    "--disable-blink-features=AutomationControlled",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--no-sandbox",
)


class BrowserSession:
    """An async context manager owning Playwright and one browser for the whole run."""

    def __init__(self, settings: SessionSettings | None = None) -> None:
        self.settings = settings or SessionSettings()
        self.browser: Browser | None = None
        self.version = ""
        self._pw_manager: Any = None
        self._pw: Playwright | None = None
        self._pattern: re.Pattern[str] | None = None
        self.access: Access | None = None

    async def __aenter__(self) -> BrowserSession:
        self._pw_manager = async_playwright()
        self._pw = await self._pw_manager.__aenter__()
        try:
            self.access = Access(self.settings, self._pw)  # an unknown device fails here
            self.browser = await self._open(self._pw)
        except BaseException:
            await self._pw_manager.__aexit__(None, None, None)
            raise
        self.version = self.browser.version
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.browser is not None:
                await self.browser.close()
        except PlaywrightError:
            pass  # already gone (crashed or closed by an interrupt)
        finally:
            await self._pw_manager.__aexit__(None, None, None)

    async def _open(self, pw: Playwright) -> Browser:
        endpoint = self.settings.endpoint
        try:
            if endpoint and endpoint.startswith(("ws://", "wss://")):
                return await pw.chromium.connect(endpoint)
            if endpoint:
                return await pw.chromium.connect_over_cdp(endpoint)
            path = find_browser(self.settings.browser_path).path
            return await pw.chromium.launch(
                executable_path=path,
                headless=self.settings.headless,
                args=[*LAUNCH_ARGS, *self.settings.extra_args],
            )
        except PlaywrightError as problem:
            first = str(problem).strip().splitlines()[0] if str(problem).strip() else "error"
            where = endpoint or "the local Chromium"
            raise EnvironmentProblem(f"could not start or reach {where}: {first}") from None

    async def new_context(self, **options: Any) -> BrowserContext:
        """A fresh, isolated context: normal UA (or the device's), locale, viewport, the site's
        access, tracking hits answered here."""
        assert self.browser is not None and self.access is not None, "use `async with`"
        settings = self.settings
        defaults: dict[str, Any] = {
            **self.access.context_options(),
            "ignore_https_errors": True,
            "service_workers": "allow",
        }
        context = await self.browser.new_context(**{**defaults, **options})
        await context.add_init_script(CSP_LISTENER)
        if not settings.deliver_hits:
            if self._pattern is None:
                self._pattern = interception_pattern(settings.catalog)
            await install_hit_route(context, settings.catalog, self._pattern)
        await self.access.prepare(context)  # after the hit route: its route runs first
        return context

    async def restore_access(self, context: BrowserContext) -> None:
        """After a wipe of `context` (visitor.py): the site's cookies and login back."""
        if self.access is not None:
            await self.access.restore(context)
