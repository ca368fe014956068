"""Settings of the browser side, as plain data: which browser, and how long to wait on a page.

`SessionSettings` says how to get a browser and what its contexts look like; `PageSettings`
is the one set of timeouts and waits that every caller of the page engine shares (plain
visits, consent scenarios, link landings, journey steps), so a `--quiet-ms` or
`--page-timeout` reaches all of them. Imports no Playwright (the config and the CLI read it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
class SiteAccess:
    """How the audit gets into a staging site, and which device it pretends to be.

    `headers` (e.g. a CDN's access token) and `basic_auth` go only to `origins`, the audited
    site's own origins (the runner fills them in from the base URL and the pages), never to
    tag vendors; `cookies` are set for `cookie_url` unless they name a domain or URL of their
    own. `storage_state` is a Playwright storage-state file (cookies and localStorage of a
    logged-in session: `playwright codegen --save-storage=auth.json`). `device` is a
    Playwright device name (`iPhone 13`, `Pixel 7`): its user agent, viewport, scale, touch
    and mobile flags, with `viewport` (and the session's user agent, when set by the user)
    over them.

        SiteAccess(headers={"CF-Access-Client-Id": "…"}, basic_auth={"username": "preview",
                   "password": "…"}, device="iPhone 13")
    """

    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[dict[str, Any]] = field(default_factory=list)
    basic_auth: dict[str, str] | None = None
    storage_state: str | None = None
    device: str | None = None
    viewport: dict[str, int] | None = None
    origins: list[str] = field(default_factory=list)
    cookie_url: str | None = None
    # The storage state holds localStorage: a wiped tab cannot get it back, so every page
    # starts in a new context instead (visitor.py).
    local_storage: bool = False
    # `${VARS}` that were not set when the config was read: one line each (file, line, field),
    # refused when a browser is about to use this access (runner.site_access).
    unresolved: list[str] = field(default_factory=list)

    def is_open(self) -> bool:
        """No headers, cookies, credentials or stored session: nothing to restore or scope."""
        return not (self.headers or self.cookies or self.basic_auth or self.storage_state)


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
    access: SiteAccess = field(default_factory=SiteAccess)
    user_agent_set: bool = False  # the user chose `user_agent` (it then wins over a device's)


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
