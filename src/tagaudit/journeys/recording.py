"""A journey's recording: one tab in one context, its capture cut into steps and views.

Owns what YAML and Python journeys share: opening the journey's context (prepared by the
consent choice its caller passes, when the journey makes one), each step's outcome
(StepResult: status, reason, screenshot, views), and, once the journey is over (its page
left, so page-hide beacons count too), one PageVisit per step. The page engine does the
recording itself (tagaudit.browser.steps: step labels, each step's state at its end,
cookies with the step they were first seen in, hits decoded with the run's catalog).
Imports the page engine and the model; never tagaudit.consent or tagaudit.providers.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Protocol

from tagaudit.browser.page import PageEngine, Tab
from tagaudit.browser.steps import START, StepState
from tagaudit.journeys.settings import Journey
from tagaudit.model import ConsentRecord, PageVisit, StepResult

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

__all__ = ["START", "ConsentChoice", "JourneyRecording"]


class ConsentChoice(Protocol):
    """What a journey needs of a consent engine, given by its caller (the runner passes
    tagaudit.consent.engines.JourneyConsent): journeys do not choose engines themselves."""

    async def prepare(self, context: BrowserContext) -> None:
        """Get `context` ready before its page opens (the engine's bindings, scripts)."""

    async def choose(self, page: Page, choice: str) -> ConsentRecord:
        """Find the banner on `page` and make `choice` (accept | reject) on it."""


class JourneyRecording:
    """Records one journey; `begin(step)` / `end()` around each step, `visits()` at the end."""

    def __init__(
        self,
        engine: PageEngine,
        journey: Journey,
        consent: ConsentChoice | None = None,
        base_url: str | None = None,
    ) -> None:
        self.engine, self.journey, self.base_url = engine, journey, base_url
        self.consent = consent if journey.consent != "none" else None
        self.tab: Tab | None = None
        self.results: list[StepResult] = []  # every step, in order (skipped ones included)
        self.ran: list[StepResult] = []  # the steps that ended
        self.consent_record: ConsentRecord | None = None
        self.began = time.monotonic()
        self._pending: list[asyncio.Future[None]] = []

    async def open(self) -> Tab:
        prepare = self.consent.prepare if self.consent is not None else None
        self.tab = await self.engine.open_tab(prepare=prepare, base_url=self.base_url)
        return self.tab

    @property
    def current(self) -> StepResult | None:
        return self.results[-1] if self.results else None

    def begin(self, name: str) -> StepResult:
        """From now on, requests belong to step `name`."""
        assert self.tab is not None
        self.tab.step(name)
        result = StepResult(name, started_ms=round((time.monotonic() - self.began) * 1000, 1))
        self.results.append(result)
        return result

    async def end(self, status: str = "ok", error: str | None = None) -> None:
        """Close the current step: its outcome, and the page's state as it ended."""
        assert self.tab is not None
        state = self._close(status, error)
        await self.tab.read_step(state, patience=3.0 if status == "ok" else 0.5)
        if status == "failed" and self.current is not None:
            self.current.screenshot = await self.tab.screenshot()

    def mark(self, name: str) -> None:
        """End the current step now and begin `name`, without waiting (a Python journey's
        `tagaudit.step()`): the ended step's cookies and dataLayer are read in the background
        (`settle_marks` waits for them)."""
        assert self.tab is not None
        state = self._close("ok", None)
        self._pending.append(asyncio.ensure_future(self.tab.read_step(state, 3.0)))
        self.begin(name)

    async def settle_marks(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)
        self._pending.clear()

    def _close(self, status: str, error: str | None) -> StepState:
        result, tab = self.current, self.tab
        assert result is not None and tab is not None
        state = tab.end_step()
        result.status, result.error = status, error
        result.duration_ms, result.url = state.duration_ms, state.url
        result.views = tab.steps.views(result.name)  # in the order the visitor saw them
        self.ran.append(result)
        return state

    def skip(self, names: list[str]) -> None:
        """Steps after a failed one: reported as skipped, never run."""
        self.results.extend(StepResult(name, status="skipped") for name in names)

    async def act_on_consent(self) -> None:
        """Make the journey's choice on the banner (after the first page loaded)."""
        if self.consent is None or self.consent_record is not None or self.tab is None:
            return
        self.consent_record = await self.consent.choose(self.tab.page, self.journey.consent)

    async def finish(self) -> list[PageVisit]:
        """Leave the last page (its page-hide beacons join its step), close, cut the visits."""
        tab = self.tab
        if tab is None:
            return []
        try:
            last = PageVisit(url=tab.page.url)
            await tab.leave(last)
        finally:
            await tab.close()
        return self.visits()

    def visits(self) -> list[PageVisit]:
        """One PageVisit per step that ran (its single-page-app views are on its requests
        and hits, `Request.view`: the step is what expectations and rules look at)."""
        assert self.tab is not None
        visits = self.tab.step_visits(self.journey.name)
        if visits and self.consent_record is not None:
            visits[0].consent = self.consent_record
        return visits
