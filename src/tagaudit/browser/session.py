"""One Chromium per run, and the contexts pages are loaded in.

`BrowserSession` launches (or connects to) the browser once and puts the run's capture point
on it (browser/edge.py: Chromium's `Fetch` domain on the browser target, deciding with the
run's gate, browser/gate.py), so nothing addressed to a third party leaves the machine unless
the page needs it to render or the user lets it (`allow_hosts`, `deliver_hits`), whichever
context, page, frame or worker sends it, and whenever (a page that unloads or closes
included). `new_context()` gives an isolated context with the site access of the run
(device, basic auth, storage state, cookies, headers for the site only: browser/access.py).
Remote browsers: a Playwright server (`ws://…`) or any CDP endpoint (`http://…`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from playwright.async_api import (
    APIRequestContext,
    Browser,
    BrowserContext,
    Playwright,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.access import Access
from tagaudit.browser.capture import INIT_SCRIPT
from tagaudit.browser.discovery import find_browser
from tagaudit.browser.edge import Edge
from tagaudit.browser.gate import Gate, host_of
from tagaudit.browser.settings import SessionSettings
from tagaudit.errors import EnvironmentProblem, first_line
from tagaudit.providers import Catalog

# Chromium's own traffic belongs to no page, so the edge never sees it: it must not start.
# Measured on Chromium 156 (fixtures/sdk-site/MEASUREMENTS.md section 6): it sent, within
# 3 s of launch, an on-demand component check (update.googleapis.com), a network time query
# (clients2.google.com) and `accounts.google.com/ListAccounts`. The updater and sign-in are
# pointed at a closed loopback port (the discard port); the time query and the account
# list are features Playwright turns off (below). Pages may still load Google's hosts.
OFFLINE_ORIGIN = "http://127.0.0.1:9/"
LAUNCH_ARGS = (
    "--disable-blink-features=AutomationControlled",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-sandbox",
    f"--component-updater=url-source={OFFLINE_ORIGIN}",
    f"--gaia-url={OFFLINE_ORIGIN}",
)
# Playwright turns these Chromium features off with one `--disable-features=` flag (its
# chromiumSwitches, 1.65). Chromium keeps only the last such flag, so one of ours or the
# user's turned them all back on: among them the one that makes Fetch interception (our
# edge) abort preflighted cross-origin redirects, HTTPS upgrades of HTTP navigations, and
# the network time query. A user's list is therefore joined to this one (`launch_args`).
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch", "SkipListAccountsWithoutGaiaCookies",
)  # fmt: skip
# Playwright turns Chromium's IPC flooding protection off by default. With it off, a page
# calling history.pushState without end floods the browser process itself: every other page
# of the run, even a new CDP session, waits minutes (tests/hostile: pushstate-flood). With
# it on, as in every visitor's Chrome, the flood is throttled inside the page.
IGNORED_DEFAULT_ARGS = ("--disable-ipc-flooding-protection",)
# Seconds for opening a context or a page: instant on a live browser, but Playwright's
# `new_page` never answers when the browser dies at that moment (tests/hostile).
OPEN_TIMEOUT = 30.0
CONNECT_TIMEOUT_MS = 90_000  # attaching to a remote browser (--browser-endpoint)
T = TypeVar("T")


def launch_proxy(args: list[str]) -> dict[str, str] | None:
    """The user's `--proxy-server=…` (and `--proxy-bypass-list=…`) browser flags as
    Playwright's launch `proxy`, or None.

    Chromium reads the flags; Playwright's own requests for the browser (the site's header
    route, robots.txt and sitemaps: browser/access.py, browser/fetch.py) read only the
    option, and without it went around the proxy. Loopback keeps Chromium's default (not
    proxied) unless the user's list says `<-loopback>`; the user's flags still come last.
    """
    server = _flag_value(args, "--proxy-server")
    if not server:
        return None
    rules = [
        r.strip() for r in _flag_value(args, "--proxy-bypass-list").replace(";", ",").split(",")
    ]
    rules = [r for r in rules if r]
    if "<-loopback>" not in rules:
        rules += ["<loopback>", "localhost", "127.0.0.1", "[::1]"]
    return {"server": server, "bypass": ",".join(dict.fromkeys(rules))}


def launch_args(user_args: list[str]) -> list[str]:
    """Our launch flags, then the user's, with a user's `--disable-features=` lists joined
    to Playwright's as one flag (Chromium keeps only the last; see PLAYWRIGHT_DISABLED_FEATURES)."""
    prefix = "--disable-features="
    theirs = [a[len(prefix) :] for a in user_args if a.startswith(prefix)]
    if not theirs:
        return [*LAUNCH_ARGS, *user_args]
    names = ",".join([*PLAYWRIGHT_DISABLED_FEATURES, *theirs]).split(",")
    joined = ",".join(dict.fromkeys(n.strip() for n in names if n.strip()))
    rest = [a for a in user_args if not a.startswith(prefix)]
    return [*LAUNCH_ARGS, *rest, prefix + joined]


def _flag_value(args: list[str], flag: str) -> str:
    """The value of the last `flag=value` in `args` (Chromium keeps the last), or ""."""
    values = [a.split("=", 1)[1] for a in args if a.startswith(flag + "=")]
    return values[-1].strip() if values else ""


class BrowserLost(RuntimeError):
    """The run's browser went away (crashed, killed) or stopped answering."""


class BrowserSession:
    """An async context manager owning Playwright and one browser for the whole run."""

    def __init__(
        self, settings: SessionSettings | None = None, catalog: Catalog | None = None
    ) -> None:
        self.settings = settings or SessionSettings()
        # The run's catalog (the user's providers added): what is answered here and decoded.
        self.catalog = catalog
        self.browser: Browser | None = None
        self.version = ""
        self._pw_manager: Any = None
        self._pw: Playwright | None = None
        self.access: Access | None = None
        self.edge: Edge | None = None
        # Set when the browser went away on its own (crashed, killed): not by `__aexit__`.
        self.lost: str | None = None
        self._closing = False
        self._lost_event: asyncio.Event | None = None
        self.proxy = launch_proxy(self.settings.args)

    async def __aenter__(self) -> BrowserSession:
        self._pw_manager = async_playwright()
        self._pw = await self._pw_manager.__aenter__()
        try:
            self.access = Access(self.settings, self._pw)  # an unknown device fails here
            self.browser = await self._open(self._pw)
            self.edge = await self._edge(self.browser)
        except BaseException:
            if self.browser is not None:
                await self.browser.close()
            await self._pw_manager.__aexit__(None, None, None)
            raise
        self.version = self.browser.version
        self._lost_event = asyncio.Event()
        self.browser.on("disconnected", self._on_disconnected)
        return self

    def _on_disconnected(self, browser: Browser) -> None:
        if not self._closing:
            self.lost = "the browser closed unexpectedly (it crashed or was killed)"
            if self._lost_event is not None:
                self._lost_event.set()

    async def guarded(self, work: Awaitable[T], timeout: float = OPEN_TIMEOUT) -> T:
        """`await work`, unless the browser dies first or it takes `timeout` s: then
        BrowserLost (a call the dead browser will never answer must not hold the run)."""
        if self.lost:
            raise BrowserLost(self.lost)
        task = asyncio.ensure_future(work)
        assert self._lost_event is not None, "use BrowserSession as an async context manager"
        lost = asyncio.ensure_future(self._lost_event.wait())
        try:
            await asyncio.wait({task, lost}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
            if not task.done():
                task.cancel()
        if task.done() and not task.cancelled():
            return task.result()
        raise BrowserLost(self.lost or f"the browser did not answer within {timeout:g} s")

    async def __aexit__(self, *exc: object) -> None:
        self._closing = True
        if self.edge is not None:
            self.edge.stop()
        try:
            if self.browser is not None:
                await self.browser.close()
        except PlaywrightError:
            pass  # already gone (crashed or closed by an interrupt)
        finally:
            await self._pw_manager.__aexit__(None, None, None)

    async def _open(self, pw: Playwright) -> Browser:
        endpoint = self.settings.endpoint
        try:
            # A remote browser on a busy grid (or a loaded CI runner) can take longer than
            # Playwright's 30 s to attach: it did once here, beside three test suites.
            if endpoint and endpoint.startswith(("ws://", "wss://")):
                return await pw.chromium.connect(endpoint, timeout=CONNECT_TIMEOUT_MS)
            if endpoint:
                return await pw.chromium.connect_over_cdp(endpoint, timeout=CONNECT_TIMEOUT_MS)
            path = find_browser(self.settings.path).path
            options = {"proxy": self.proxy} if self.proxy else {}
            return await pw.chromium.launch(
                executable_path=path,
                headless=self.settings.headless,
                args=launch_args(list(self.settings.args)),
                ignore_default_args=list(IGNORED_DEFAULT_ARGS),
                **options,
            )
        except PlaywrightError as problem:
            where = endpoint or "the local Chromium"
            reason = first_line(problem, "error")
            raise EnvironmentProblem(f"could not start or reach {where}: {reason}") from None

    def gate(self) -> Gate:
        """The run's decision on what may leave the machine (browser/gate.py)."""
        settings = self.settings
        return Gate(
            self.catalog,
            site_hosts=[host_of(o) for o in settings.access.origins],
            allow_hosts=settings.allow_hosts,
            deliver_hits=settings.deliver_hits,
        )

    async def _edge(self, browser: Browser) -> Edge:
        secrets = tuple(self.settings.access.headers)
        try:
            return await Edge(self.gate(), secret_headers=secrets).start(browser)
        except PlaywrightError as problem:
            reason = first_line(problem, "error")
            raise EnvironmentProblem(
                f"could not intercept the browser's requests ({reason}): tagaudit needs a CDP "
                "session on the browser target to keep hits from leaving the machine"
            ) from None

    async def new_context(self, **options: Any) -> BrowserContext:
        """A fresh, isolated context: normal UA (or the device's), locale, viewport, the site's
        access (hits are answered at the edge, below every context)."""
        assert self.browser is not None and self.access is not None, "use `async with`"
        defaults: dict[str, Any] = {
            **self.access.context_options(),
            "ignore_https_errors": True,
            "service_workers": "allow",
        }
        context = await self.guarded(self.browser.new_context(**{**defaults, **options}))
        await context.add_init_script(INIT_SCRIPT)
        await self.access.prepare(context)
        return context

    async def bare_request_context(self) -> APIRequestContext:
        """A request API without the site's access (no headers, cookies, credentials, stored
        login), for tagaudit's own requests off the site (browser/fetch.py); dispose it."""
        assert self._pw is not None and self.access is not None, "use `async with`"
        options = self.access.context_options()
        proxy = {"proxy": self.proxy} if self.proxy else {}
        return await self._pw.request.new_context(
            user_agent=options["user_agent"], ignore_https_errors=True, **proxy
        )

    async def restore_access(self, context: BrowserContext) -> None:
        """After a wipe of `context` (visitor.py): the site's cookies and login back."""
        if self.access is not None:
            await self.access.restore(context)
