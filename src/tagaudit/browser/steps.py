"""Steps of a recording: labels, each step's state at its end, first-seen cookies, cutting.

Owns what journeys (on the async page engine's `Tab`) and the pytest plugin (on a page of
Playwright's sync API: browser/sync_recording.py) share, so both cut a capture the same
way: `begin(name)` labels every request recorded from now on with the step (the Recorder's
`step` field); when a step ends, its page state (cookies, dataLayer, CSP blocks, the console
errors of that step) is kept; `visits()` cuts the recording into one PageVisit per step, not
yet decoded. Cookies carry the step and the phase they were first seen in (`FirstSeen`,
which consent scenarios use for their phases too). `screenshot` is the one way to picture a
page (a consent banner, a failed step, a journey's `screenshot:` action).

Everything but `screenshot` is plain code over the Recorder's lists, so a sync page can
use it. Imports the model and Playwright's error type only.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.async_api import Error as PlaywrightError

from tagaudit.model import Cookie, PageVisit, Reached, Request

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tagaudit.browser.capture import Recorder

START = "start"  # the step a recording is in before its first mark (a journey's start link)


@dataclass
class StepState:
    """Where one step ended and the page's state then (read when it ended)."""

    name: str
    url: str = ""
    began: float = field(default_factory=time.monotonic)
    duration_ms: float = 0.0
    console_from: int = 0  # the step's console errors: the Recorder's from here …
    console_to: int | None = None  # … to here (None: up to now)
    cookies: list[Cookie] = field(default_factory=list)
    data_layer: list[Any] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    reached: Reached = field(default_factory=Reached)  # what the page said it is at the end
    ended: bool = False

    def reach(self, url: str) -> None:
        """The step is at `url` now, this long after it began."""
        self.url = url
        self.duration_ms = round((time.monotonic() - self.began) * 1000, 1)


class FirstSeen:
    """Each cookie (name, domain, path) with the step and phase it was first seen in.

    A journey sees `_ga` at the end of `start` and again after `cart`: both times it is
    labelled `step="start"`, which is what the click-id path asks ("set on landing?").
    """

    def __init__(self) -> None:
        self.first: dict[tuple[str, str, str], Cookie] = {}

    def see(self, cookies: list[Cookie], step: str | None = None) -> list[Cookie]:
        """`cookies` (present now), each labelled with where it first appeared."""
        for cookie in cookies:
            first = self.first.setdefault((cookie.name, cookie.domain, cookie.path), cookie)
            if first is cookie:
                cookie.step = step
            else:
                cookie.step, cookie.phase = first.step, first.phase
        return cookies

    def all(self) -> list[Cookie]:
        """Every cookie seen so far, as it was first seen, in that order."""
        return list(self.first.values())


class Steps:
    """The steps of one recording, in order; `visits()` cuts the capture by them."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.states: list[StepState] = []
        self.cookies = FirstSeen()

    @property
    def current(self) -> StepState | None:
        return self.states[-1] if self.states else None

    def begin(self, name: str, url: str) -> StepState:
        """From now on, requests belong to step `name` (the page is at `url`)."""
        self.recorder.step = name
        previous = self.current
        # Console errors between two steps go to the next one (a step's are its own).
        mark = previous.console_to if previous is not None else None
        if mark is None:
            mark = len(self.recorder.console_errors)
        state = StepState(name, url=url, console_from=mark)
        self.states.append(state)
        return state

    def close(self, url: str) -> StepState:
        """End the current step at `url`; its state is read next (`keep`)."""
        state = self.current
        assert state is not None, "close() before begin()"
        state.reach(url)
        state.ended = True
        state.console_to = len(self.recorder.console_errors)
        return state

    def keep(self, state: StepState, snapshot: PageVisit) -> None:
        """Keep what a snapshot read of the page at the end of `state`'s step."""
        state.cookies = self.cookies.see(snapshot.cookies, state.name)
        state.data_layer = snapshot.data_layer
        state.csp_violations = snapshot.csp_violations
        state.reached = snapshot.reached

    def views(self, name: str) -> list[str]:
        """The single-page-app views step `name` went through, in the order seen."""
        views = (r.view for r in self.recorder.requests if r.step == name and r.view)
        return list(dict.fromkeys(views))

    def visits(self, journey: str | None, include_open: bool = False) -> list[PageVisit]:
        """One PageVisit per step that ended (and the one still open, if asked), in the
        order they began; a step begun twice is one visit, with its last state."""
        last: dict[str, StepState] = {}
        for state in self.states:
            if state.ended or include_open:
                last[state.name] = state
        return [self._visit(state, journey) for state in last.values()]

    def _visit(self, state: StepState, journey: str | None) -> PageVisit:
        requests = [r for r in self.recorder.requests if r.step == state.name]
        visit = PageVisit(url=_document(requests) or state.url or "about:blank")
        visit.final_url = state.url or None
        visit.journey, visit.step = journey, state.name
        visit.requests = requests
        visit.cookies = state.cookies
        visit.data_layer = state.data_layer
        console = self.recorder.console_errors
        visit.console_errors = console[state.console_from : state.console_to]
        visit.csp_violations = state.csp_violations
        visit.reached = Reached(empty=state.reached.empty, notice=state.reached.notice)
        visit.status = _document_status(requests)
        visit.timings = {"total_ms": state.duration_ms}
        return visit


async def screenshot(
    page: Page, target: str = "base64", name: str = "page", quality: int = 50, timeout: float = 5.0
) -> str | None:
    """The viewport as a JPEG: a data: URL (`target="base64"`, for the HTML report), the
    path of `<name>.jpg` written into the directory `target`, or None (`target="none"`, or
    the page could not be pictured within `timeout` seconds: it crashed, it hangs)."""
    if target == "none":
        return None
    try:
        data = await page.screenshot(type="jpeg", quality=quality, timeout=timeout * 1000)
    except PlaywrightError:
        return None
    if target == "base64":
        return "data:image/jpeg;base64," + base64.b64encode(data).decode()
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.jpg").write_bytes(data)
    return str(folder / f"{name}.jpg")


def _document(requests: list[Request]) -> str | None:
    """The URL of the last main document the requests loaded (a step that navigated)."""
    documents = [r.url for r in requests if r.navigation]
    return documents[-1] if documents else None


def _document_status(requests: list[Request]) -> int | None:
    statuses = [r.status for r in requests if r.navigation]
    return statuses[-1] if statuses else None
