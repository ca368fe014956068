"""Recording a page driven by Playwright's *sync* API: the pytest plugin's side of the engine.

End-to-end suites (pytest-playwright's `page`, or the plugin's own) drive pages with the
sync API, so the plugin cannot use the async page engine. This module is a sync adapter over
the engine's capture: the page engine's Recorder listeners (plain callbacks, either API),
the same capture point below the page (the edge's core, browser/edge.py, driven here with
the sync API: hits and every third-party beacon answered locally, unload beacons recorded),
CSP blocks, single-page-app views, and the engine's steps (browser/steps.py: step
labels, each step's cookies and dataLayer read as it ends, cookies with the step they were
first seen in, one PageVisit per step), as a journey has them; the run's catalog decodes it
(`decode_requests`). Only the reads are its own (sync calls where the engine awaits), and
waiting, done with the page's own `wait_for_timeout`, which lets the sync API deliver events
meanwhile. Hits are labelled with the step and view the page made them in
(browser/attribution.py), not those of the moment a batch left.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from tagaudit.browser.attribution import Place, Places
from tagaudit.browser.capture import INIT_SCRIPT, READ_MAIN_FRAME, Recorder, _cookie
from tagaudit.browser.discovery import find_browser
from tagaudit.browser.edge import DISCOVER, EdgeCore
from tagaudit.browser.gate import Gate
from tagaudit.browser.hits import pause_patterns
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


class SyncEdge(EdgeCore):
    """The edge on a sync page's browser: every context's requests that can carry a hit are
    paused and decided (fail closed), those of the recorded context are recorded.

    A browser-level CDP session when the page has a browser (pytest-playwright's, the
    plugin's own); a page-level one for a persistent context, which sees the page's own
    requests (a real navigation away included) but not its workers' nor a closing page's."""

    def __init__(self, page: Any, recorder: Recorder, catalog: Catalog | None) -> None:
        super().__init__(Gate(catalog))
        self.page, self.recorder = page, recorder
        browser = page.context.browser
        own = page.context.new_cdp_session(page)
        info = own.send("Target.getTargetInfo")["targetInfo"]
        self.context_id = info["browserContextId"]
        self.frames[info["targetId"]] = self.context_id
        self.receivers[self.context_id] = recorder
        self.own = own
        self.session = browser.new_browser_cdp_session() if browser is not None else own
        self.session.on("Fetch.requestPaused", self._on_paused)
        if browser is not None:
            self.session.on("Target.targetCreated", self.on_target)
            self.session.send("Target.setDiscoverTargets", DISCOVER)
        self.session.send("Fetch.enable", {"patterns": pause_patterns(catalog)})

    def _on_paused(self, event: dict[str, Any]) -> None:
        frame = event.get("frameId", "")
        command, params = self.take(event, self.frames.get(frame) or self._place(frame))
        with contextlib.suppress(Exception):  # the page went away: it was never sent
            self.session.send(command, params)

    def _place(self, frame: str) -> str | None:
        try:
            self.on_target(self.session.send("Target.getTargetInfo", {"targetId": frame}))
        except Exception:  # not a target: a frame in its page's process
            try:
                self.place_tree(self.context_id, self.own.send("Page.getFrameTree"))
            except Exception:
                return None
        return self.frames.get(frame)

    def close(self) -> None:
        for session in {id(self.session): self.session, id(self.own): self.own}.values():
            with contextlib.suppress(Exception):  # the browser is gone already
                session.detach()


class SyncRecording:
    """Everything a sync page sends from `attach()` on, decoded on demand.

    `step(name)` labels what follows (as a journey step); `hits()` decodes what was sent so
    far; `visits()` cuts the capture into PageVisits (one per step) for the rules.
    """

    def __init__(self, page: Any, catalog: Catalog | None = None) -> None:
        self.page, self.context, self.catalog = page, page.context, catalog
        self.recorder = Recorder(self.context, page, catalog)
        self.steps = Steps(self.recorder)
        self.edge: SyncEdge | None = None
        self.marks: list[Place] = []  # steps begun and views changed (documents: requests)

    def attach(self) -> SyncRecording:
        """Put the edge below the page, watch CSP and views; start recording."""
        self.edge = SyncEdge(self.page, self.recorder, self.catalog)
        self.context.add_init_script(INIT_SCRIPT)
        try:
            self.context.expose_binding(BINDING, self._view)
            self.context.add_init_script(VIEW_HOOK)
        except Exception:  # already exposed by another recording of this context
            pass
        self.recorder.listen()
        self.step(START)
        return self

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
        if self.edge is not None:
            self.edge.close()
            self.edge = None
