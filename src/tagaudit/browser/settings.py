"""Settings of the browser side, as plain data: which browser, and how long to wait on a page.

`SessionSettings` says how to get a browser and what its contexts look like (with the
site's `SiteAccess`); `PageSettings` is the one set of timeouts and waits that every caller
of the page engine shares (plain visits, consent scenarios, link landings, journey steps),
so a `--quiet-ms` or `--page-timeout` reaches all of them. Fields users set carry their
tagaudit.yaml key, flag and help (tagaudit.model.settings). Imports only the model floor
(the config and the CLI read it; no Playwright).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tagaudit.model.settings import setting

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

    headers: dict[str, str] = setting(default_factory=dict, key="browser.headers")
    cookies: list[dict[str, Any]] = setting(default_factory=list, key="browser.cookies")
    basic_auth: dict[str, str] | None = setting(None, key="browser.basic_auth")
    storage_state: str | None = setting(
        None,
        key="browser.storage_state",
        flag="--storage-state",
        metavar="PATH",
        help="A Playwright storage-state file: audit as that logged-in user.",
    )
    device: str | None = setting(
        None,
        key="browser.device",
        flag="--device",
        metavar="NAME",
        help="Emulate a Playwright device, e.g. 'iPhone 13' (default: a desktop Chrome).",
    )
    viewport: dict[str, int] | None = setting(None, key="browser.viewport")
    origins: list[str] = field(default_factory=list)
    cookie_url: str | None = None
    # The storage state holds localStorage: a wiped tab cannot get it back, so every page
    # starts in a new context instead (visitor.py).
    local_storage: bool = False
    # `${VARS}` that were not set when the config was read: one line each (file, line, field),
    # refused when a browser is about to use this access (tagaudit.runner.audit.site_access).
    unresolved: list[str] = field(default_factory=list)

    def is_open(self) -> bool:
        """No headers, cookies, credentials or stored session: nothing to restore or scope."""
        return not (self.headers or self.cookies or self.basic_auth or self.storage_state)


@dataclass
class SessionSettings:
    """`browser:` and `deliver_hits`: how to get a browser and what every context looks like.

    `user_agent` None means Chrome's usual one (DEFAULT_USER_AGENT), or the device's when a
    `device` is emulated; one the user sets wins over both.
    """

    path: str | None = setting(
        None,
        key="browser.path",
        name="browser",
        flag="--browser",
        metavar="PATH",
        help="The Chromium/Chrome executable (default: TAGAUDIT_BROWSER, Playwright's "
        "Chromium, then a system Chromium or Chrome).",
    )
    endpoint: str | None = setting(
        None,
        key="browser.endpoint",
        name="browser_endpoint",
        flag="--browser-endpoint",
        metavar="URL",
        help="A remote browser: a Playwright ws:// or a CDP http:// URL.",
    )
    locale: str = setting("en-US", key="browser.locale")
    timezone: str | None = setting(None, key="browser.timezone")
    user_agent: str | None = setting(None, key="browser.user_agent")
    # extra command-line flags for Chromium
    args: list[str] = setting(default_factory=list, key="browser.args", name="browser_args")
    deliver_hits: bool = setting(
        False,
        key="deliver_hits",
        flag="--deliver-hits",
        help="Send tracking hits to the vendors (default: answer them locally).",
    )
    # Third-party hosts whose requests may leave the machine (exact, or `*.example.com`):
    # everything else that can carry a hit is answered locally (browser/gate.py).
    allow_hosts: list[str] = setting(
        default_factory=list,
        key="allow_hosts",
        flag="--allow-host",
        metavar="HOST",
        help="Let requests to this third-party host leave the machine (repeatable; "
        "*.example.com for a domain and its subdomains).",
        repeat=True,
        extends=True,
    )
    headless: bool = True
    viewport: dict[str, int] = field(default_factory=lambda: {"width": 1280, "height": 800})
    access: SiteAccess = field(default_factory=SiteAccess)


@dataclass
class PageSettings:
    """How long the page engine waits, for every caller.

    `page_timeout` bounds loading a page (seconds); after load, the network must be quiet
    for `quiet_ms` (late beacons: a purchase event 300 ms after load), bounded by
    `max_wait_ms`. Leaving a page waits `leave_quiet_ms` for page-hide beacons (at most
    `leave_max_wait_ms`). Link landings settle on a shorter quiet period
    (`landing_quiet_ms`): they look for the landing's analytics, not every late beacon.
    `isolation` is how plain visits start clean: `reuse` (one page per worker, wiped) or
    `context` (a new context per target). The user's keys live under `crawl:`.
    """

    page_timeout: float = setting(
        30.0,
        key="crawl.page_timeout",
        flag="--page-timeout",
        metavar="SECONDS",
        help="Hard limit per page (default: {default:g}).",
        above=0,
    )
    quiet_ms: int = setting(
        400,
        key="crawl.quiet_ms",
        flag="--quiet-ms",
        metavar="MS",
        help="Quiet period after load that catches late beacons, in milliseconds "
        "(default: {default}).",
        minimum=0,
    )
    max_wait_ms: int = setting(5000, key="crawl.max_wait_ms", minimum=0)
    isolation: str = setting(
        "reuse",
        key="crawl.isolation",
        flag="--isolation",
        metavar="MODE",
        help="reuse (wipe state between pages) or context (a new one each time) "
        "(default: {default}).",
        choices=ISOLATION_MODES,
    )
    # After the page's own 'hidden' mark and every beacon it counted (browser/leaving.py):
    # for requests of unload handlers, which run after it.
    leave_quiet_ms: int = 30
    leave_max_wait_ms: int = 1500
    landing_quiet_ms: int = 200
    landing_max_wait_ms: int = 2000
