"""Doing one journey action on a live page: Playwright locators, auto-waiting, one timeout.

Owns turning an Action (journeys/settings.py) into Playwright calls, and a failure into one
sentence a person can act on ("no button or link named 'Place order' appeared within 10 s").
Two clocks: an action waits for its element or event at most the action timeout; a page it
loads (`goto`, the page a `wait_for: {url: …}` reached) gets the page timeout.
HANDLERS is the table action kind → handler; it names exactly the kinds of spec.ACTIONS (a
test holds the two together).
A `wait_for: {hit: ga4:purchase}` waits on the recording (the decoded hits), not the DOM.
Relative `goto` paths are joined to the journey's base URL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tagaudit.errors import first_line
from tagaudit.journeys.settings import Action

# How long to wait, at most, for a hit while polling the recording.
HIT_POLL_S = 0.05


# The keys that name an element (locate): actions without one have nothing to wait for.
TARGET_KEYS = ("role", "label", "placeholder", "test_id", "css", "text")


WEB_ONLY = "a journey goes to http(s) pages only"


def is_web_url(url: str) -> bool:
    """May a journey go to `url`? Only http(s): a file:// page would put the machine's files
    into the report (its screenshot, its text), and data:/javascript: are no pages of a site."""
    return urlsplit(url).scheme.lower() in ("http", "https")


def _shown(action: Action) -> str:
    """The action in words, its argument cut short (a script can be long)."""
    text = action.describe()
    return text if len(text) <= 80 else text[:77] + "…"


class StepFailed(Exception):
    """An action could not be done; `str()` is the reason in words (no Playwright noise)."""


def locate(page: Page, args: dict[str, Any]) -> Locator:
    """The element an action targets: by role+name, label, placeholder, test id, CSS or text.

    A plain text (`click: Add to cart`) means a button or link with that name, else any
    element showing that text: what a visitor would call "the Add to cart button".
    """
    exact = bool(args.get("exact", False))
    if "role" in args:
        return page.get_by_role(args["role"], name=str(args["name"]), exact=exact).first
    if "label" in args:
        return page.get_by_label(str(args["label"]), exact=exact).first
    if "placeholder" in args:
        return page.get_by_placeholder(str(args["placeholder"]), exact=exact).first
    if "test_id" in args:
        return page.get_by_test_id(str(args["test_id"])).first
    if "css" in args:
        return page.locator(str(args["css"])).first
    text = str(args["text"])
    named = page.get_by_role("button", name=text, exact=exact).or_(
        page.get_by_role("link", name=text, exact=exact)
    )
    return named.or_(page.get_by_text(text, exact=exact)).first


def describe_target(args: dict[str, Any]) -> str:
    """Words for the target: `the button named 'Place order'`, `the field labelled 'Email'`."""
    if "role" in args:
        return f"the {args['role']} named {args['name']!r}"
    if "label" in args:
        return f"the element labelled {args['label']!r}"
    if "placeholder" in args:
        return f"the field with placeholder {args['placeholder']!r}"
    if "test_id" in args:
        return f"the element with test id {args['test_id']!r}"
    if "css" in args:
        return f"the element matching {args['css']!r}"
    return f"a button, link or text {args['text']!r}"


class Performer:
    """Does actions on one page; `hits()` gives the journey's decoded hits so far."""

    def __init__(
        self,
        page: Page,
        base_url: str | None,
        hits: Callable[[], list[tuple[str, str | None]]],
        screenshots: dict[str, str],
        page_timeout: float = 30.0,
    ) -> None:
        self.page, self.base_url, self.hits, self.screenshots = page, base_url, hits, screenshots
        self.page_timeout = page_timeout  # loading a page (goto, a URL reached)

    async def do(self, action: Action, timeout: float) -> None:
        """Perform `action`, waiting at most `timeout` seconds for its element or event (a
        page it loads gets the page timeout), or raise StepFailed saying why."""
        handler = HANDLERS[action.kind]
        try:
            await handler(self, action.args, timeout)
        except (PlaywrightTimeout, asyncio.TimeoutError):
            raise StepFailed(self._timed_out(action, timeout)) from None
        except PlaywrightError as problem:
            reason = first_line(problem, type(problem).__name__, calls=("Locator.", "Page."))
            raise StepFailed(f"{action.describe()} failed: {reason}") from None

    def _timed_out(self, action: Action, timeout: float) -> str:
        if action.kind == "wait_for":
            what = next(f"{k} {v!r}" for k, v in action.args.items() if k != "state")
            return f"waited {timeout:g} s for {what}, it never came"
        if action.kind == "goto":
            return f"the page {action.args['url']} did not load within {self.page_timeout:g} s"
        if not any(key in action.args for key in TARGET_KEYS):
            # evaluate, screenshot, a key press on the page: nothing to appear (before:
            # a KeyError here lost the step, and the journey passed)
            return f"{_shown(action)} did not finish within {timeout:g} s"
        target = describe_target(action.args)
        return f"{action.kind}: {target} did not appear (or was not usable) within {timeout:g} s"

    def url(self, target: str) -> str:
        return urljoin(self.base_url or self.page.url, target)

    async def _goto(self, args: dict[str, Any], timeout: float) -> None:
        """A navigation: bounded by the page timeout, not the action's."""
        url = self.url(args["url"])
        if not is_web_url(url):
            raise StepFailed(f"goto {url[:200]} refused: {WEB_ONLY}")
        await self.page.goto(url, wait_until="load", timeout=self.page_timeout * 1000)

    async def _click(self, args: dict[str, Any], timeout: float) -> None:
        await locate(self.page, args).click(timeout=timeout * 1000)

    async def _fill(self, args: dict[str, Any], timeout: float) -> None:
        await locate(self.page, args).fill(str(args["value"]), timeout=timeout * 1000)

    async def _select(self, args: dict[str, Any], timeout: float) -> None:
        target, value = locate(self.page, args), str(args["value"])
        try:
            await target.select_option(value=value, timeout=timeout * 1000)
        except PlaywrightError:  # the option's visible label, not its value
            await target.select_option(label=value, timeout=timeout * 1000)

    async def _check(self, args: dict[str, Any], timeout: float) -> None:
        await locate(self.page, args).check(timeout=timeout * 1000)

    async def _press(self, args: dict[str, Any], timeout: float) -> None:
        key = str(args["key"])
        if len(args) > 1:
            await locate(self.page, args).press(key, timeout=timeout * 1000)
        else:
            await self.page.keyboard.press(key)

    async def _submit(self, args: dict[str, Any], timeout: float) -> None:
        """Submit the target's form as a visitor would (validation and submit events run)."""
        element = locate(self.page, args)
        await element.wait_for(state="attached", timeout=timeout * 1000)
        await element.evaluate(
            "(el) => { const form = el.form || el.closest('form') || el;"
            " if (form.requestSubmit) form.requestSubmit(); else form.submit(); }"
        )

    async def _wait_for(self, args: dict[str, Any], timeout: float) -> None:
        if "url" in args:
            # The URL must come within the action's time; the page it starts loading then
            # gets the page timeout.
            await self.page.wait_for_url(
                self.url(args["url"]) if args["url"].startswith("/") else args["url"],
                wait_until="commit",
                timeout=timeout * 1000,
            )
            await self.page.wait_for_load_state("load", timeout=self.page_timeout * 1000)
        elif "selector" in args:
            state = args.get("state", "visible")
            await self.page.wait_for_selector(args["selector"], state=state, timeout=timeout * 1000)
        else:
            await self._wait_for_hit(str(args["hit"]), timeout)

    async def _wait_for_hit(self, wanted: str, timeout: float) -> None:
        provider, _, event = wanted.partition(":")
        deadline = time.monotonic() + timeout
        while (provider, event) not in self.hits():
            if time.monotonic() > deadline:
                raise PlaywrightTimeout(f"no {wanted} hit")
            await asyncio.sleep(HIT_POLL_S)

    async def _evaluate(self, args: dict[str, Any], timeout: float) -> None:
        script = str(args["script"])
        body = (
            script
            if script.lstrip().startswith(("(", "async", "function"))
            else (f"() => {{ {script} }}")
        )
        await asyncio.wait_for(self.page.evaluate(body), timeout)

    async def _screenshot(self, args: dict[str, Any], timeout: float) -> None:
        from tagaudit.browser.steps import screenshot  # the page engine's one way

        shot = await screenshot(self.page, quality=60, timeout=timeout)
        if shot is None:
            reason = f"the page could not be pictured within {timeout:g} s"
            raise StepFailed(f"screenshot {args['name']} failed: {reason}")
        self.screenshots[str(args["name"])] = shot


Handler = Callable[[Performer, dict[str, Any], float], Awaitable[None]]
# Every action kind of spec.ACTIONS → the Performer method that does it.
HANDLERS: dict[str, Handler] = {
    "goto": Performer._goto,
    "click": Performer._click,
    "fill": Performer._fill,
    "select": Performer._select,
    "check": Performer._check,
    "press": Performer._press,
    "submit": Performer._submit,
    "wait_for": Performer._wait_for,
    "evaluate": Performer._evaluate,
    "screenshot": Performer._screenshot,
}
