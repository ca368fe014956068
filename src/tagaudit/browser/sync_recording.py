"""Recording a page driven by Playwright's *sync* API: the pytest plugin's side of the engine.

End-to-end suites (pytest-playwright's `page`, or the plugin's own) drive pages with the
sync API, so the plugin cannot use the async page engine. This module is a sync adapter over
the engine's capture: the page engine's Recorder listeners (plain callbacks, either API),
tracking hits answered locally (the same decision, `hits.local_answer`, and the same unload
mute), CSP blocks, single-page-app views, and the engine's steps (browser/steps.py: step
labels, each step's cookies and dataLayer read as it ends, cookies with the step they were
first seen in, one PageVisit per step), as a journey has them; the run's catalog decodes it
(`decode_requests`). Only the reads are its own (sync calls where the engine awaits), and
waiting, done with the page's own `wait_for_timeout`, which lets the sync API deliver events
meanwhile. Hits are labelled with the step and view the page made them in
(browser/attribution.py), not those of the moment a batch left.
"""

from __future__ import annotations

import time
from typing import Any

from tagaudit.browser.attribution import Place, Places
from tagaudit.browser.capture import CSP_LISTENER, READ_MAIN_FRAME, Recorder, _cookie
from tagaudit.browser.discovery import find_browser
from tagaudit.browser.hits import interception_pattern, local_answer
from tagaudit.browser.leaving import mute_script
from tagaudit.browser.session import IGNORED_DEFAULT_ARGS, LAUNCH_ARGS
from tagaudit.browser.settings import DEFAULT_USER_AGENT
from tagaudit.browser.steps import START, Steps, StepState
from tagaudit.browser.views import BINDING, VIEW_HOOK
from tagaudit.model import PageVisit, Request, TagHit
from tagaudit.providers import Catalog, decode_requests

POLL_MS = 50


def launch_browser(browser_path: str | None = None) -> tuple[Any, Any]:
    """(playwright, browser): a sync Playwright and the Chromium tagaudit would drive."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = launch_in(playwright, browser_path)
    except BaseException:
        playwright.stop()
        raise
    return playwright, browser


def launch_in(playwright: Any, browser_path: str | None = None) -> Any:
    """The Chromium tagaudit would drive, launched by a sync Playwright already started (one
    thread holds one: pytest-playwright's, when it is there)."""
    return playwright.chromium.launch(
        executable_path=find_browser(browser_path).path,
        args=list(LAUNCH_ARGS),
        ignore_default_args=list(IGNORED_DEFAULT_ARGS),
    )


def new_context(browser: Any) -> Any:
    """A context that looks like tagaudit's own (a normal Chrome user agent)."""
    return browser.new_context(user_agent=DEFAULT_USER_AGENT, ignore_https_errors=True)


class SyncRecording:
    """Everything a sync page sends from `attach()` on, decoded on demand.

    `step(name)` labels what follows (as a journey step); `hits()` decodes what was sent so
    far; `visits()` cuts the capture into PageVisits (one per step) for the rules.
    """

    def __init__(self, page: Any, catalog: Catalog | None = None) -> None:
        self.page, self.context, self.catalog = page, page.context, catalog
        self.recorder = Recorder(self.context, page)
        self.steps = Steps(self.recorder)
        self.marks: list[Place] = []  # steps begun and views changed (documents: requests)

    def attach(self) -> SyncRecording:
        """Answer hits locally, mute unload leaks, watch CSP and views; start recording."""
        pattern = interception_pattern(self.catalog)
        self.context.route(pattern, self._answer)
        self.context.add_init_script(mute_script(pattern))
        self.context.add_init_script(CSP_LISTENER)
        try:
            self.context.expose_binding(BINDING, self._view)
            self.context.add_init_script(VIEW_HOOK)
        except Exception:  # already exposed by another recording of this context
            pass
        self.recorder.listen()
        self.step(START)
        return self

    def _answer(self, route: Any) -> None:
        answer = local_answer(route.request, self.catalog)
        if answer is None:
            route.fallback()
        else:
            route.fulfill(**answer)

    def _view(self, source: Any, url: str, kind: str) -> None:
        self.recorder.view = str(url)
        self._mark(str(url))

    def _mark(self, url: str) -> None:
        at = round(time.monotonic() - self.recorder.started, 4)  # Request.timestamp's clock
        self.marks.append(Place(at, url, self.recorder.step, self.recorder.view))

    def _decoded(self, requests: list[Request]) -> list[TagHit]:
        """The hits of `requests` (all or a step's), labelled where the page made them."""
        places = Places.of(self.marks, self.recorder.requests)
        return places.attribute(decode_requests(requests, self.catalog), requests)

    def step(self, name: str) -> None:
        """End the current step (its cookies and dataLayer read now) and begin `name`."""
        if self.steps.current is not None:
            self._read(self.steps.close(self.page.url))
        self.steps.begin(name, self.page.url)
        self._mark(self.page.url)

    def _read(self, state: StepState) -> None:
        """The page's state at the end of `state`'s step, as the engine's snapshot has it."""
        snapshot = PageVisit(url=self.page.url)
        snapshot.cookies = [_cookie(c, self.recorder.phase) for c in self.context.cookies()]
        try:
            main = self.page.evaluate(READ_MAIN_FRAME)
        except Exception:  # a page mid-navigation, or closed: no dataLayer, as in a snapshot
            main = {}
        snapshot.data_layer = main.get("data_layer", [])
        snapshot.csp_violations = main.get("csp", [])  # as the engine's snapshot reads them
        self.steps.keep(state, snapshot)

    def settle(self, quiet_ms: int = 500, max_wait_ms: int = 5000) -> None:
        """Let late beacons arrive: until no request started or ended for `quiet_ms`."""
        deadline = time.monotonic() + max_wait_ms / 1000
        while time.monotonic() < deadline:
            if (time.monotonic() - self.recorder.last_activity) * 1000 >= quiet_ms:
                return
            self.page.wait_for_timeout(POLL_MS)

    def wait(self, milliseconds: int) -> None:
        self.page.wait_for_timeout(milliseconds)

    def hits(self) -> list[TagHit]:
        """Every tag hit recorded so far (CSP-blocked ones marked, as in an audit)."""
        return self._decoded(self.recorder.requests)

    def visits(self) -> list[PageVisit]:
        """One PageVisit per step (the current one as it is now), hits decoded; a `start`
        step that sent nothing before the first `step()` is left out."""
        current = self.steps.current
        if current is not None and not current.ended:
            current.reach(self.page.url)
            self._read(current)
        visits = self.steps.visits("pytest", include_open=True)
        if len(visits) > 1 and visits[0].step == START and not visits[0].requests:
            visits = visits[1:]
        for visit in visits:
            visit.hits = self._decoded(visit.requests)
        return visits

    def detach(self) -> None:
        self.recorder.stop()
