"""Choosing the consent engine: autoconsent when its npm package is found, else the catalog.

Sits above both engines (consent/autoconsent.py, consent/builtin.py), so neither imports the
other's chooser: `make_engine` for a scenario (wrapped in `WithGeneric`: banners no rule
knows, consent/generic.py), `JourneyConsent` for a journey's choice, `LandingConsent` for a
campaign link's landing, `describe_engine` for the CLI and doctor.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from tagaudit.consent.autoconsent import INSTALL_HINT, AutoconsentEngine, find_autoconsent
from tagaudit.consent.builtin import BuiltinEngine, detect_banner, visible_cmp
from tagaudit.consent.engine import ActionOutcome, ConsentEngine, Detection
from tagaudit.consent.generic import GENERIC, find_banner, operate
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
    """The engine the settings ask for (see ConsentSettings.engine), which falls back to
    banners found by structure and wording when its rules know none (consent/generic.py)."""
    if settings.engine == "builtin":
        return WithGeneric(BuiltinEngine(settings.empty_page_wait))
    package = find_autoconsent(settings.node_modules, required=settings.engine == "autoconsent")
    if package is None:
        return WithGeneric(BuiltinEngine(settings.empty_page_wait))
    return WithGeneric(AutoconsentEngine(package, settings))


async def _named_by_catalog(page: Page, found: Detection) -> Detection:
    """The CMP as the catalog's own checks (its globals and ids) name it, when they see one
    showing and the engine's rule named another: autoconsent's "Complianz optin" rule fires
    on any opt-in banner of Osano's open-source cookieconsent. The rule still acts."""
    named = await visible_cmp(page)
    if named is None or named == found.cmp:
        return found
    return Detection(cmp=named, rule=found.rule, popup=True, frame_url=found.frame_url)


CATALOG = "catalog"  # the rule name of a detection made by the CMP catalog's own checks


class WithGeneric:
    """An engine that, when its rules find no popup, tries the CMP catalog (autoconsent can
    miss a banner its rule knows on a busy machine), then a banner nobody catalogued.

    A catalogued banner is then driven by the catalog's plan (rule `catalog`); an
    uncatalogued one is named `generic` (or the CMP the engine or catalog recognised) with
    rule `generic`, and acting clicks its own accept or reject control; an action it cannot
    take is an error the scenario records ("found a consent banner, but no reject control").
    """

    def __init__(self, inner: ConsentEngine) -> None:
        self.inner = inner
        self.method = inner.method
        self.events = inner.events
        self.package = getattr(inner, "package", None)

    async def install(self, context: BrowserContext) -> None:
        await self.inner.install(context)

    def new_document(self) -> None:
        self.inner.new_document()

    async def detect(self, page: Page, timeout: float) -> Detection:
        found = await self.inner.detect(page, timeout)
        if found.popup:
            return await _named_by_catalog(page, found)
        named = await visible_cmp(page)  # the engine's rules missed a banner the catalog knows
        if named is not None and not isinstance(self.inner, BuiltinEngine):
            self.events.append({"type": "popupFound", "cmp": named, "via": CATALOG})
            return Detection(cmp=named, rule=CATALOG, popup=True)
        banner = await find_banner(page)
        if banner is None:
            return found
        self.events.append({"type": "popupFound", "cmp": GENERIC, "controls": banner.__dict__})
        return Detection(cmp=found.cmp or named or GENERIC, rule=GENERIC, popup=True)

    async def act(self, page: Page, action: str, detection: Detection) -> ActionOutcome:
        if detection.rule == CATALOG:
            return await BuiltinEngine().act(page, action, detection)
        if detection.rule != GENERIC:
            return await self.inner.act(page, action, detection)
        outcome = ActionOutcome(action=action, method=GENERIC, cmp=detection.cmp, rule=GENERIC)
        banner = await find_banner(page)
        if banner is None:
            outcome.error = "the consent banner found before was gone when acting"
            return outcome
        error, clicks, via = await operate(page, action, banner)
        outcome.result, outcome.error = error is None, error
        outcome.clicks, outcome.via = clicks, via or None
        outcome.steps.append(f"{action}: {via or 'no control'}")
        return outcome

    async def popup_visible(self, page: Page, cmp: str | None, timeout: float) -> bool:
        if await self.inner.popup_visible(page, cmp, timeout):
            return True
        return await find_banner(page) is not None


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
        """The built-in catalog's engine (and banners no entry knows, as a scenario's),
        whatever the run's: it needs nothing in the page before a banner shows.
        (autoconsent's script answers every document the page loads, and a landing that
        redirects itself without end loads hundreds.)"""
        if self.choice != "none":
            self.engine = WithGeneric(BuiltinEngine(self.settings.empty_page_wait))
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
