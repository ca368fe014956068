"""Playing a journey on the page engine: start link, consent choice, steps, one context.

Owns the order of a journey (DESIGN.md, "Journeys"): open one context; follow the `start:`
campaign link through its redirects (HTTP, meta refresh, JavaScript) as the `start` step;
make the consent choice on the banner; then each step's actions, each waiting for its
element at most the action timeout (the step's or journey's `timeout:`, else
`--action-timeout`, 10 s), while loading a page (the start link, a `goto`, the navigation a
click started) is bounded by the page timeout; the network let settle after the last one
(late beacons). A step that fails (an
element that never appears, a navigation error, a timeout) ends the journey there: it is
`failed` with the reason and a screenshot, the steps after it `skipped`. Python journeys
(`script:`) run in the same recording (tagaudit.journeys.python).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.link_navigator import Navigations
from tagaudit.browser.page import PageEngine, Tab
from tagaudit.errors import first_line
from tagaudit.journeys.actions import WEB_ONLY, Performer, StepFailed, is_web_url
from tagaudit.journeys.recording import START, ConsentChoice, JourneyRecording
from tagaudit.journeys.settings import Journey, Step
from tagaudit.model import JourneyResult, PageVisit, Reached, reach

# Seconds without a new main-frame navigation before the start link counts as landed.
START_SETTLE_S = 1.0
ACTION_TIMEOUT = 10.0  # seconds an action waits for its element (JourneySettings)


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
    consent: ConsentChoice | None = None,
    outcome: JourneyOutcome | None = None,
    action_timeout: float = ACTION_TIMEOUT,
) -> JourneyOutcome:
    """Run `journey` to its end (or its first failed step); never raises for page problems.

    `consent` makes the journey's choice on the banner (the caller picks the engine; a
    journey with `consent: accept` or `reject` and no `consent` here makes none). Fills
    `outcome` (a new one when None); when the run is cancelled (Ctrl-C), it still holds
    every step that finished, with its visits, and `status` is `interrupted`.
    """
    outcome = outcome or new_outcome(journey, base_url)
    result = outcome.result
    recording = JourneyRecording(engine, journey, consent, base_url or result.start)
    try:
        await recording.open()
    except PlaywrightError as problem:
        result.status, result.error = "failed", f"could not open a browser context: {problem}"
        return outcome
    try:
        if journey.script is not None:
            from tagaudit.journeys.python import run_script

            # The same two clocks as YAML steps: Playwright's own waits for elements take
            # the action timeout, its navigations the page timeout.
            page = recording.tab.page  # type: ignore[union-attr]
            page.set_default_timeout((journey.timeout or action_timeout) * 1000)
            page.set_default_navigation_timeout(engine.settings.page_timeout * 1000)
            await run_script(recording, journey.script, base_url or result.start)
        else:
            await _play_steps(recording, journey, result.start, base_url, action_timeout)
    except asyncio.CancelledError:
        result.status = "interrupted"
        result.steps = list(recording.ran)
        with contextlib.suppress(Exception):
            outcome.visits = recording.visits()
        raise
    outcome.visits = await recording.finish()
    result.steps = list(recording.results)
    if any(s.status == "failed" for s in result.steps):
        result.status = "failed"
    record_reached(outcome, journey)
    return outcome


def record_reached(outcome: JourneyOutcome, journey: Journey) -> None:
    """What each step reached (its page, the journey's consent, the step's goal), on its
    visit and its StepResult, and where tagaudit.yaml defines each step."""
    result = outcome.result
    by_name = {step.name: step for step in result.steps}
    consent = _consent_state(journey, outcome.visits)
    for visit in outcome.visits:
        step = by_name.get(visit.step or "")
        visit.reached.consent = visit.reached.consent or consent
        reach(visit, step.status if step is not None else None)
        if step is not None:
            step.reached = visit.reached
    file = (journey.source or "").rpartition(":")[0]
    lines = {step.name: step.line for step in journey.steps}
    for step in result.steps:
        if step.reached is None:
            goal = "skipped" if step.status == "skipped" else step.status
            step.reached = Reached(page="not-run" if step.status == "skipped" else None, goal=goal)
        line = lines.get(step.name)
        step.source = f"{file}:{line}" if file and line else journey.source


def _consent_state(journey: Journey, visits: list[PageVisit]) -> str | None:
    """The consent state the journey's choice left (None: it made none, nobody looked)."""
    record = visits[0].consent if visits else None
    if journey.consent == "none" or record is None or record.method is None:
        return None
    if not record.popup:
        return "not-asked"
    acted = bool(record.action) and bool(record.action.get("result", True))
    if not acted:
        return "none"
    return "granted" if journey.consent == "accept" else "denied"


async def _play_steps(
    recording: JourneyRecording,
    journey: Journey,
    start: str | None,
    base_url: str | None,
    action_timeout: float,
) -> None:
    tab = recording.tab
    assert tab is not None
    page_timeout = tab.settings.page_timeout
    performer = Performer(tab.page, base_url or start, _hits_so_far(tab), {}, page_timeout)
    timeout = journey.timeout or action_timeout
    if start is not None and not await _start(recording, start, page_timeout):
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
    if not is_web_url(start):  # as for goto: a journey visits the site, never a local file
        await recording.end("failed", f"start {start[:200]} refused: {WEB_ONLY}")
        return False
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
            await tab.page.wait_for_load_state("load", timeout=performer.page_timeout * 1000)
        await tab.settle()
    except StepFailed as failure:
        error = str(failure)
    except PlaywrightError as problem:  # the page crashed or closed under the step
        error = first_line(problem, "page error")
    await recording.end("failed" if error else "ok", error)
    current = recording.current
    if current is not None and performer.screenshots:
        current.screenshot = next(iter(performer.screenshots.values()))
        performer.screenshots.clear()
    return error


def _hits_so_far(tab: Tab) -> Callable[[], list[tuple[str, str | None]]]:
    """(provider, event) of every hit recorded so far: what `wait_for: {hit: …}` waits on."""
    return lambda: [(hit.provider, hit.event) for hit in tab.hits()]


def _joined(target: str, base_url: str | None) -> str:
    from urllib.parse import urljoin

    return urljoin(base_url, target) if base_url else target
