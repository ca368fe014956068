"""The pytest plugin's recording (sync API) stands on the same edge as the page engine.

A page of Playwright's sync API, recorded by `SyncRecording`, hit by a tracker nobody
catalogued (tests/hostile/site/leave-unknown): what it sends on load and while a real
navigation takes it away is recorded and answered here; nothing reaches the loopback sink
(every non-loopback request Chromium makes goes there), except the image pixel the rule lets
load as a page resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tagaudit.browser.session import IGNORED_DEFAULT_ARGS, LAUNCH_ARGS
from tagaudit.browser.sync_recording import SyncRecording, new_context
from tests.e2e.sdk_expected import _answer, _load
from tests.hostile.hostile_kit import SITE
from tests.support.servers import serve_folder

pytestmark = pytest.mark.e2e
TRACKER = "collector.nobody-catalogued.test"


@pytest.fixture(scope="module")
def sink() -> Iterator[Any]:
    sink = _load("sink").Sink(_answer)
    yield sink
    sink.close()


def test_a_sync_page_leaks_nothing_when_it_navigates_away(sink: Any, chromium_path: str) -> None:
    from playwright.sync_api import sync_playwright

    with serve_folder(SITE) as site, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            args=[*LAUNCH_ARGS, *sink.launch_args(None)],
            ignore_default_args=list(IGNORED_DEFAULT_ARGS),
        )
        page = new_context(browser).new_page()
        recording = SyncRecording(page).attach()
        page.goto(site.url("/leave-unknown/"))
        page.wait_for_function("() => navigator.serviceWorker.controller !== undefined")
        recording.settle(quiet_ms=1000)
        page.goto(site.url("/after-leave/"))  # a real navigation away
        recording.settle(quiet_ms=500)
        requests = [r for r in recording.recorder.requests if TRACKER in r.url]
        recording.detach()
        browser.close()
    via = {r.url.split("via=", 1)[1].split("&", 1)[0]: r for r in requests}
    assert {"load-beacon", "load-xhr", "pagehide-beacon", "hidden-fetch", "unload-beacon"} <= set(
        via
    )
    assert all(r.answered_locally for name, r in via.items() if name != "load-image")
    reached = [
        s.url.split("via=", 1)[1].split("&", 1)[0] for s in sink.requests if TRACKER in s.url
    ]
    assert reached == ["load-image"]
