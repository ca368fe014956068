"""Choosing the consent engine: autoconsent when its npm package is found, else the catalog.

Sits above both engines (consent/autoconsent.py, consent/builtin.py), so neither imports the
other's chooser: `make_engine` for a scenario, `JourneyConsent` for a journey's choice,
`LandingConsent` for a campaign link's landing, `describe_engine` for the CLI and doctor.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from tagaudit.consent.autoconsent import INSTALL_HINT, AutoconsentEngine, find_autoconsent
from tagaudit.consent.builtin import BuiltinEngine, detect_banner
from tagaudit.consent.engine import ConsentEngine
from tagaudit.consent.settings import ConsentSettings
from tagaudit.model import Banner, ConsentRecord

BANNER_POLL_S = 0.25  # how often a landing looks again for a CMP's banner that is not up yet

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page


def describe_engine(settings: ConsentSettings) -> str:
    """One line for the CLI and `tagaudit doctor`: which engine runs, or why not autoconsent."""
    if settings.engine == "builtin":
        return "consent engine: built-in CMP catalog (chosen)"
    package = find_autoconsent(settings.node_modules)
    if package is None:
        return (
            "consent engine: built-in CMP catalog — @duckduckgo/autoconsent is not installed "
            f"({INSTALL_HINT})"
        )
    return f"consent engine: autoconsent {package.version} ({package.root})"


def make_engine(settings: ConsentSettings) -> ConsentEngine:
    """The engine the settings ask for (see ConsentSettings.engine)."""
    if settings.engine == "builtin":
        return BuiltinEngine(settings.empty_page_wait)
    package = find_autoconsent(settings.node_modules, required=settings.engine == "autoconsent")
    if package is None:
        return BuiltinEngine(settings.empty_page_wait)
    return AutoconsentEngine(package, settings)


class JourneyConsent:
    """A journey's choice on the banner, over the engine the settings ask for: what
    tagaudit.journeys.recording.ConsentChoice asks of its caller (the runner passes one).

    One per journey (its engine is bound to the journey's context); the engine is made when
    the context is prepared, so a journey that makes no choice needs no engine at all.
    """

    def __init__(self, settings: ConsentSettings) -> None:
        self.settings = settings
        self.engine: ConsentEngine | None = None

    async def prepare(self, context: BrowserContext) -> None:
        self.engine = make_engine(self.settings)
        await self.engine.install(context)

    async def choose(self, page: Page, choice: str) -> ConsentRecord:
        """Find the banner and make `choice` on it; what was seen and done, as a record."""
        engine = self.engine
        assert engine is not None, "choose() before prepare()"
        detection = await engine.detect(page, self.settings.detect_timeout)
        record = ConsentRecord(cmp=detection.cmp, method=engine.method)
        record.popup = detection.popup
        if detection.popup:
            outcome = await engine.act(page, choice, detection)
            record.action, record.clicks = outcome.to_dict(), outcome.clicks
        return record


class LandingConsent:
    """A campaign link's landing meets its consent banner as an audited page does: the
    banner is looked for (the audit's cheap detection, the built-in CMP catalog) and, when
    one shows, the run's choice is made on it by the catalog's engine (`accept` unless told
    otherwise; `none` makes none, so the tags are seen waiting). What
    tagaudit.browser.link_navigator asks of its caller; one per landing.
    """

    def __init__(self, settings: ConsentSettings, choice: str | None = None) -> None:
        self.settings = settings
        self.choice = choice or "accept"
        self.engine: ConsentEngine | None = None

    async def prepare(self, context: BrowserContext) -> None:
        """The built-in catalog's engine, whatever the run's: it needs nothing in the page
        before a banner shows. (autoconsent's script answers every document the page loads,
        and a landing that redirects itself without end loads hundreds.)"""
        if self.choice != "none":
            self.engine = BuiltinEngine(self.settings.empty_page_wait)
            await self.engine.install(context)

    async def choose(self, page: Page) -> ConsentRecord:
        """The banner the landing shows, and the choice made on it (as a record).

        A page without a known CMP costs one evaluate; a CMP whose banner is not showing yet
        (a deferred script on a slow machine) is waited for, at most `detect_timeout`.
        """
        banner = await detect_banner(page, self.settings.detect_timeout)
        if banner is not None and not banner.visible:
            banner = await self._until_visible(page, banner)
        record = ConsentRecord(banner=banner)
        if banner is None or not banner.visible or self.engine is None:
            return record
        detection = await self.engine.detect(page, self.settings.detect_timeout)
        record.cmp, record.method = detection.cmp or banner.cmp, self.engine.method
        record.popup = detection.popup or banner.visible
        if detection.popup:
            outcome = await self.engine.act(page, self.choice, detection)
            record.action, record.clicks = outcome.to_dict(), outcome.clicks
        return record

    async def _until_visible(self, page: Page, banner: Banner) -> Banner:
        deadline = time.monotonic() + self.settings.detect_timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(BANNER_POLL_S)
            seen = await detect_banner(page, self.settings.detect_timeout)
            if seen is not None and seen.visible:
                return seen
        return banner
