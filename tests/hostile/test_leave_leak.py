"""Hits recognised as tracking never leave, even when a real navigation unloads the page.

A journey clicks from a page that sends first-party GA4 hits (`/g/collect` on the site's
own host, as server-side tagging does) as `Image` requests on `pagehide` and on hiding.
Requests an unloading document sends bypass Playwright's routes, so before images were muted
during real unloads both reached the site's server while the report said hits were answered
locally. The site's own log (SiteServer.served) is the witness.
"""

from __future__ import annotations

import pytest

import tagaudit
from tagaudit.runner.sitesrv import SiteServer

pytestmark = [pytest.mark.e2e, pytest.mark.timing]


def test_page_hide_images_do_not_reach_the_server_during_a_real_navigation(
    hostile_site: SiteServer, chromium_path: str
) -> None:
    journey = {
        "name": "leave",
        "start": hostile_site.url("/leave-image/"),
        "steps": [
            {
                "name": "next",
                "do": [{"click": "Next page"}, {"wait_for": {"url": "**/after-leave/"}}],
            }
        ],
    }
    hostile_site.served.clear()
    report = tagaudit.audit(
        config={"journeys": [journey]},
        browser=chromium_path,
    )
    result = report.journeys[0]
    assert result.status == "ok", result
    assert "/after-leave/" in hostile_site.served  # the navigation really happened
    leaked = [p for p in hostile_site.served if p.startswith("/g/collect")]
    assert leaked == []
    recorded = [r for p in report.pages for r in p.requests if "/g/collect" in r.url]
    assert recorded and all(r.answered_locally for r in recorded)
