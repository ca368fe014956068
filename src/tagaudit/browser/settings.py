"""Settings of the browser side, as plain data: which browser, and how long to wait on a page.

`SessionSettings` says how to get a browser and what its contexts look like; `PageSettings`
is the one set of timeouts and waits that every caller of the page engine shares (plain
visits, consent scenarios, link landings, journey steps), so a `--quiet-ms` or
`--page-timeout` reaches all of them. Imports no Playwright (the config and the CLI read it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tagaudit.providers.routing import Catalog

# Chrome on Linux, without "Headless" in it: some consent banners and bot walls hide from an
# automated-looking browser (DESIGN.md, "Browser discovery").
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
ISOLATION_MODES = ("reuse", "context")


@dataclass
class SessionSettings:
    """How to get a browser and what every context looks like."""

    browser_path: str | None = None
    endpoint: str | None = None
    headless: bool = True
    deliver_hits: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    locale: str = "en-US"
    timezone: str | None = None
    viewport: dict[str, int] = field(default_factory=lambda: {"width": 1280, "height": 800})
    extra_args: tuple[str, ...] = ()
    catalog: Catalog | None = None  # the user's providers added to the built-in ones


@dataclass
class PageSettings:
    """How long the page engine waits, for every caller.

    `page_timeout` bounds loading a page (seconds); after load, the network must be quiet
    for `quiet_ms` (late beacons: a purchase event 300 ms after load), bounded by
    `max_wait_ms`. Leaving a page waits `leave_quiet_ms` for page-hide beacons (at most
    `leave_max_wait_ms`). Link landings settle on a shorter quiet period
    (`landing_quiet_ms`): they look for the landing's analytics, not every late beacon.
    `isolation` is how plain visits start clean: `reuse` (one page per worker, wiped) or
    `context` (a new context per target).
    """

    page_timeout: float = 30.0
    quiet_ms: int = 400
    max_wait_ms: int = 5000
    leave_quiet_ms: int = 30
    leave_max_wait_ms: int = 300
    landing_quiet_ms: int = 200
    landing_max_wait_ms: int = 2000
    isolation: str = "reuse"
