"""A journey's recording: one tab in one context, its capture cut into steps and views.

Owns what YAML and Python journeys share: opening the journey's context (with the consent
engine when the journey makes a choice), labelling every request with the step it was sent
in, snapshotting cookies/dataLayer/console at each step's end, and, once the journey is over
(its page left, so page-hide beacons count too), turning the capture into one PageVisit per
step and single-page-app view, hits decoded with the run's catalog. Cookies carry the step
they were first seen in.
"""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.page import PageEngine, Tab
from tagaudit.consent.engine import ConsentEngine
from tagaudit.consent.engines import make_engine
from tagaudit.consent.settings import ConsentSettings
from tagaudit.journeys.settings import Journey
from tagaudit.model import ConsentRecord, Cookie, PageVisit, Request, StepResult

START = "start"  # the step a `start:` link (or a Python journey before its first mark) is in


@dataclass
class StepCapture:
    """What one step left when it ended: the page, cookies, dataLayer, console errors."""

    result: StepResult
    url: str = ""
    cookies: list[Cookie] = field(default_factory=list)
    data_layer: list[Any] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    ended: bool = False


class JourneyRecording:
    """Records one journey; `begin(step)` / `end()` around each step, `visits()` at the end."""

    def __init__(
        self,
        engine: PageEngine,
        journey: Journey,
        consent: ConsentSettings,
        base_url: str | None = None,
    ) -> None:
        self.engine, self.journey, self.base_url = engine, journey, base_url
        self.consent_engine: ConsentEngine | None = None
        if journey.consent != "none":
            self.consent_engine = make_engine(consent)
        self.tab: Tab | None = None
        self.captures: list[StepCapture] = []
        self.cookies_seen: dict[tuple[str, str, str], Cookie] = {}
        self.consent_record: ConsentRecord | None = None
        self.began = time.monotonic()
        self._console_mark = 0
        self._pending: list[asyncio.Future[None]] = []

    async def open(self) -> Tab:
        async def prepare(context: BrowserContext) -> None:
            if self.consent_engine is not None:
                await self.consent_engine.install(context)

        self.tab = await self.engine.open_tab(prepare=prepare, base_url=self.base_url)
        return self.tab

    @property
    def current(self) -> StepCapture | None:
        return self.captures[-1] if self.captures else None

    def begin(self, name: str) -> StepResult:
        """From now on, requests belong to step `name`."""
        assert self.tab is not None
        self.tab.recorder.step = name
        result = StepResult(name, started_ms=self._ms())
        self.captures.append(StepCapture(result, url=self.tab.page.url))
        return result

    async def end(self, status: str = "ok", error: str | None = None) -> None:
        """Close the current step: its outcome, and the page's state as it ended."""
        capture = self._close(status, error)
        await self._read_state(capture, patience=3.0 if status == "ok" else 0.5)
        if status == "failed":
            capture.result.screenshot = await self.screenshot()

    def mark(self, name: str) -> None:
        """End the current step now and begin `name`, without waiting (a Python journey's
        `tagaudit.step()`): the ended step's cookies and dataLayer are read in the background
        (`settle_marks` waits for them)."""
        capture = self._close("ok", None)
        self._pending.append(asyncio.ensure_future(self._read_state(capture, 3.0)))
        self.begin(name)

    async def settle_marks(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)
        self._pending.clear()

    def _close(self, status: str, error: str | None) -> StepCapture:
        capture, tab = self.current, self.tab
        assert capture is not None and tab is not None
        result = capture.result
        capture.ended = True
        result.status, result.error = status, error
        result.duration_ms = round(self._ms() - result.started_ms, 1)
        result.url = capture.url = tab.page.url
        views = (r.view for r in tab.recorder.requests if r.step == result.name and r.view)
        result.views = list(dict.fromkeys(views))  # in the order the visitor saw them
        return capture

    async def _read_state(self, capture: StepCapture, patience: float) -> None:
        assert self.tab is not None
        snapshot = await self.tab.snapshot(patience=patience)
        capture.cookies = self._first_seen(snapshot.cookies, capture.result.name)
        capture.data_layer = snapshot.data_layer
        capture.csp_violations = snapshot.csp_violations
        capture.console_errors = snapshot.console_errors[self._console_mark :]
        self._console_mark = len(snapshot.console_errors)

    def skip(self, names: list[str]) -> None:
        """Steps after a failed one: reported as skipped, never run."""
        for name in names:
            self.captures.append(StepCapture(StepResult(name, status="skipped")))

    async def act_on_consent(self) -> None:
        """Make the journey's choice on the banner (after the first page loaded)."""
        if self.consent_engine is None or self.consent_record is not None or self.tab is None:
            return
        page, choice = self.tab.page, self.journey.consent
        detection = await self.consent_engine.detect(page, 6.0)
        record = ConsentRecord(cmp=detection.cmp, method=self.consent_engine.method)
        record.popup = detection.popup
        if detection.popup:
            outcome = await self.consent_engine.act(page, choice, detection)
            record.action, record.clicks = outcome.to_dict(), outcome.clicks
        self.consent_record = record

    async def screenshot(self) -> str | None:
        if self.tab is None:
            return None
        try:
            data = await self.tab.page.screenshot(type="jpeg", quality=50, timeout=5000)
        except PlaywrightError:
            return None
        return "data:image/jpeg;base64," + base64.b64encode(data).decode()

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
        visits: list[PageVisit] = []
        for capture in self.captures:
            if not capture.ended:
                continue
            requests = [r for r in self.tab.recorder.requests if r.step == capture.result.name]
            visits.append(self._step_visit(capture, requests))
        if visits and self.consent_record is not None:
            visits[0].consent = self.consent_record
        for visit in visits:
            self.tab.decode(visit)
        return visits

    def _step_visit(self, capture: StepCapture, requests: list[Request]) -> PageVisit:
        result = capture.result
        visit = PageVisit(url=_document(requests) or capture.url or result.url or "about:blank")
        visit.final_url = capture.url or None
        visit.journey, visit.step = self.journey.name, result.name
        visit.requests = requests
        visit.cookies = capture.cookies
        visit.data_layer = capture.data_layer
        visit.console_errors = capture.console_errors
        visit.csp_violations = capture.csp_violations
        visit.status = _document_status(requests)
        visit.timings = {"total_ms": result.duration_ms}
        return visit

    def _first_seen(self, cookies: list[Cookie], step: str) -> list[Cookie]:
        """The cookies present now, each with the step it first appeared in."""
        present = []
        for cookie in cookies:
            key = (cookie.name, cookie.domain, cookie.path)
            first = self.cookies_seen.setdefault(key, cookie)
            if first is cookie:
                cookie.step = step
            else:
                cookie.step = first.step
            present.append(cookie)
        return present

    def _ms(self) -> float:
        return round((time.monotonic() - self.began) * 1000, 1)


def _document(requests: list[Request]) -> str | None:
    """The URL of the last main document the requests loaded (a step that navigated)."""
    documents = [r.url for r in requests if r.navigation]
    return documents[-1] if documents else None


def _document_status(requests: list[Request]) -> int | None:
    statuses = [r.status for r in requests if r.navigation]
    return statuses[-1] if statuses else None
