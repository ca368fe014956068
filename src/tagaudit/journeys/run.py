"""Playing a journey on the page engine: start link, consent choice, steps, one context.

Owns the order of a journey (DESIGN.md, "Journeys"): open one context; follow the `start:`
campaign link through its redirects (HTTP, meta refresh, JavaScript) as the `start` step;
make the consent choice on the banner; then each step's actions, each bounded by the step's
timeout, the network let settle after the last one (late beacons). A step that fails (an
element that never appears, a navigation error, a timeout) ends the journey there: it is
`failed` with the reason and a screenshot, the steps after it `skipped`. Python journeys
(`script:`) run in the same recording (tagaudit.journeys.python).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.link_navigator import Navigations
from tagaudit.browser.page import PageEngine
from tagaudit.consent.settings import ConsentSettings
from tagaudit.errors import first_line
from tagaudit.journeys.actions import Performer, StepFailed
from tagaudit.journeys.recording import START, JourneyRecording
from tagaudit.journeys.spec import Journey, Step
from tagaudit.model import JourneyResult, PageVisit
from tagaudit.providers import decode_requests

# Seconds without a new main-frame navigation before the start link counts as landed.
START_SETTLE_S = 1.0


@dataclass
class JourneyOutcome:
    """What a journey produced: its result (steps, click ids) and one visit per step/view."""

    result: JourneyResult
    visits: list[PageVisit] = field(default_factory=list)


def new_outcome(journey: Journey, base_url: str | None = None) -> JourneyOutcome:
    """An empty outcome for `journey` (the caller keeps it: an interrupt fills it in)."""
    result = JourneyResult(journey.name, consent=journey.consent, source=journey.source)
    result.start = _joined(journey.start, base_url) if journey.start else None
    return JourneyOutcome(result)


async def play(
    engine: PageEngine,
    journey: Journey,
    base_url: str | None = None,
    consent: ConsentSettings | None = None,
    outcome: JourneyOutcome | None = None,
) -> JourneyOutcome:
    """Run `journey` to its end (or its first failed step); never raises for page problems.

    Fills `outcome` (a new one when None); when the run is cancelled (Ctrl-C), it still
    holds every step that finished, with its visits, and `status` is `interrupted`.
    """
    outcome = outcome or new_outcome(journey, base_url)
    result = outcome.result
    settings = consent or ConsentSettings(screenshots="none")
    recording = JourneyRecording(engine, journey, settings, base_url or result.start)
    try:
        await recording.open()
    except PlaywrightError as problem:
        result.status, result.error = "failed", f"could not open a browser context: {problem}"
        return outcome
    try:
        if journey.script is not None:
            from tagaudit.journeys.python import run_script

            await run_script(recording, journey.script, base_url or result.start)
        else:
            await _play_steps(recording, journey, result.start, base_url)
    except asyncio.CancelledError:
        result.status = "interrupted"
        result.steps = [c.result for c in recording.captures if c.ended]
        with contextlib.suppress(Exception):
            outcome.visits = recording.visits()
        raise
    outcome.visits = await recording.finish()
    result.steps = [c.result for c in recording.captures]
    if any(s.status == "failed" for s in result.steps):
        result.status = "failed"
    return outcome


async def _play_steps(
    recording: JourneyRecording, journey: Journey, start: str | None, base_url: str | None
) -> None:
    tab = recording.tab
    assert tab is not None
    hits = _live_hits(recording)
    performer = Performer(tab.page, base_url or start, hits, {})
    timeout = journey.timeout or tab.settings.page_timeout
    if start is not None and not await _start(recording, start, timeout):
        recording.skip([s.name for s in journey.steps])
        return
    for index, step in enumerate(journey.steps):
        error = await _step(recording, performer, step, step.timeout or timeout)
        if error is not None:
            recording.skip([s.name for s in journey.steps[index + 1 :]])
            return


async def _start(recording: JourneyRecording, start: str, timeout: float) -> bool:
    """Follow the campaign link through its redirects as the `start` step; False on failure."""
    tab = recording.tab
    assert tab is not None
    recording.begin(START)
    navigations = Navigations()
    navigations.watch(tab.page)
    loaded = await tab.load(start, timeout=timeout)
    if loaded.error is None:
        await navigations.settle(START_SETTLE_S, timeout)
        await recording.act_on_consent()
        await tab.settle()
    await recording.end("failed" if loaded.error else "ok", loaded.error)
    navigations.stop()
    return loaded.error is None


async def _step(
    recording: JourneyRecording, performer: Performer, step: Step, timeout: float
) -> str | None:
    """Do one step; returns why it failed, or None."""
    tab = recording.tab
    assert tab is not None
    recording.begin(step.name)
    error = None
    try:
        for action in step.actions:
            await performer.do(action, timeout)
            if action.kind == "goto":
                await recording.act_on_consent()
        with contextlib.suppress(PlaywrightError):  # a click that started a navigation
            await tab.page.wait_for_load_state("load", timeout=timeout * 1000)
        await tab.settle()
    except StepFailed as failure:
        error = str(failure)
    except PlaywrightError as problem:  # the page crashed or closed under the step
        error = first_line(problem, "page error")
    await recording.end("failed" if error else "ok", error)
    capture = recording.current
    if capture is not None and performer.screenshots:
        capture.result.screenshot = next(iter(performer.screenshots.values()))
        performer.screenshots.clear()
    return error


def _live_hits(recording: JourneyRecording):  # type: ignore[no-untyped-def]
    """(provider, event) of every hit recorded so far: what `wait_for: {hit: …}` waits on.

    Asked every poll while a step waits: decoded again only when requests were added (a
    request's provider and event are fixed when it is sent)."""
    seen: list[Any] = [None, -1, []]  # the recorder's request list, its length, its pairs

    def hits() -> list[tuple[str, str | None]]:
        tab = recording.tab
        if tab is None:
            return []
        requests = tab.recorder.requests
        if seen[0] is not requests or seen[1] != len(requests):
            catalog = tab.engine.session.settings.catalog
            pairs = [(h.provider, h.event) for h in decode_requests(requests, catalog)]
            seen[:] = [requests, len(requests), pairs]
        return seen[2]

    return hits


def _joined(target: str, base_url: str | None) -> str:
    from urllib.parse import urljoin

    return urljoin(base_url, target) if base_url else target
