"""Recording a page driven by Playwright's *sync* API: the pytest plugin's side of the engine.

End-to-end suites (pytest-playwright's `page`, or the plugin's own) drive pages with the
sync API, so the plugin cannot use the async page engine. This module gives the same capture
to a sync page: the page engine's Recorder listeners (plain callbacks, either API), tracking
hits answered locally (the same decision, `hits.local_answer`, and the same unload mute), CSP
blocks, single-page-app views, and a snapshot; the run's catalog decodes it
(`decode_requests`). Waiting is done with the page's own `wait_for_timeout`, which lets the
sync API deliver events meanwhile.
"""

from __future__ import annotations

import time
from typing import Any

from tagaudit.browser.capture import CSP_LISTENER, READ_MAIN_FRAME, Recorder, _cookie
from tagaudit.browser.discovery import find_browser
from tagaudit.browser.hits import interception_pattern, local_answer
from tagaudit.browser.leaving import mute_script
from tagaudit.browser.session import LAUNCH_ARGS
from tagaudit.browser.settings import DEFAULT_USER_AGENT
from tagaudit.browser.views import BINDING, VIEW_HOOK
from tagaudit.model import PageVisit, TagHit
from tagaudit.providers import Catalog, decode_requests

POLL_MS = 50


def launch_browser(browser_path: str | None = None) -> tuple[Any, Any]:
    """(playwright, browser): a sync Playwright and the Chromium tagaudit would drive."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        path = find_browser(browser_path).path
        browser = playwright.chromium.launch(executable_path=path, args=list(LAUNCH_ARGS))
    except BaseException:
        playwright.stop()
        raise
    return playwright, browser


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
        self.steps: list[str] = []
        self.started = time.monotonic()

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
        self.step("start")
        return self

    def _answer(self, route: Any) -> None:
        answer = local_answer(route.request, self.catalog)
        if answer is None:
            route.fallback()
        else:
            route.fulfill(**answer)

    def _view(self, source: Any, url: str, kind: str) -> None:
        self.recorder.view = str(url)

    def step(self, name: str) -> None:
        self.recorder.step = name
        self.steps.append(name)

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
        return decode_requests(self.recorder.requests, self.catalog)

    def visits(self) -> list[PageVisit]:
        """One PageVisit per step, with cookies and the dataLayer read now."""
        cookies = [_cookie(c, None) for c in self.context.cookies()]
        try:
            main = self.page.evaluate(READ_MAIN_FRAME)
        except Exception:
            main = {}
        visits = []
        for name in dict.fromkeys(self.steps):
            requests = [r for r in self.recorder.requests if r.step == name]
            if not requests and name == "start" and len(self.steps) > 1:
                continue
            url = next((r.url for r in reversed(requests) if r.navigation), self.page.url)
            visit = PageVisit(url=url, final_url=self.page.url, step=name, requests=requests)
            visit.journey = "pytest"
            visit.cookies, visit.data_layer = cookies, main.get("data_layer", [])
            visit.console_errors = list(self.recorder.console_errors)
            visit.hits = decode_requests(requests, self.catalog)
            visits.append(visit)
        return visits

    def detach(self) -> None:
        self.recorder.stop()
