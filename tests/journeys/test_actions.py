"""The journey action table: spec.ACTIONS (how each kind is written) and actions.HANDLERS
(what does it) name the same kinds, and `Performer.do` reaches every handler.

The page here is a stand-in that records the Playwright calls made on it, so these tests need
no browser; tests/journeys/test_demo_journeys.py plays the actions in a real Chromium.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from typing import Any

import pytest

from tagaudit.journeys import settings as spec
from tagaudit.journeys.actions import HANDLERS, Performer
from tagaudit.journeys.settings import ACTIONS, Action

# One action of each kind, as spec.py reads it, and the Playwright call it must make.
SAMPLES: dict[str, tuple[dict[str, Any], str]] = {
    "goto": ({"url": "/cart/"}, "page.goto https://shop.test/cart/"),
    "click": ({"text": "Add to cart"}, "locator.click"),
    "fill": ({"label": "Email", "value": "a@b.example"}, "locator.fill a@b.example"),
    "select": ({"label": "Country", "value": "DE"}, "locator.select_option DE"),
    "check": ({"label": "I accept"}, "locator.check"),
    "press": ({"key": "Enter"}, "keyboard.press Enter"),
    "submit": ({"css": "form"}, "locator.evaluate"),
    "wait_for": ({"url": "**/thank-you*"}, "page.wait_for_url **/thank-you*"),
    "evaluate": ({"script": "window.x = 1"}, "page.evaluate"),
    "screenshot": ({"name": "after"}, "page.screenshot"),
}


class FakeLocator:
    """A Playwright Locator that records what was done with it."""

    def __init__(self, calls: list[str], waits: list[float]) -> None:
        self.calls, self.waits = calls, waits
        self.first = self

    def or_(self, other: FakeLocator) -> FakeLocator:
        return self

    async def click(self, timeout: float) -> None:
        self.calls.append("locator.click")
        self.waits.append(timeout)

    async def fill(self, value: str, timeout: float) -> None:
        self.calls.append(f"locator.fill {value}")

    async def select_option(self, timeout: float, **option: str) -> None:
        self.calls.append(f"locator.select_option {next(iter(option.values()))}")

    async def check(self, timeout: float) -> None:
        self.calls.append("locator.check")

    async def press(self, key: str, timeout: float) -> None:
        self.calls.append(f"locator.press {key}")

    async def wait_for(self, state: str, timeout: float) -> None:
        pass

    async def evaluate(self, script: str) -> None:
        self.calls.append("locator.evaluate")


class FakeKeyboard:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    async def press(self, key: str) -> None:
        self.calls.append(f"keyboard.press {key}")


class FakePage:
    """A Playwright Page at https://shop.test/ that records the calls made on it."""

    url = "https://shop.test/"

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.waits: list[float] = []  # each call's timeout (ms), in order
        self.keyboard = FakeKeyboard(self.calls)

    def locate(self, *args: Any, **kwargs: Any) -> FakeLocator:
        return FakeLocator(self.calls, self.waits)

    get_by_role = get_by_label = get_by_placeholder = get_by_test_id = get_by_text = locate
    locator = locate

    async def goto(self, url: str, wait_until: str, timeout: float) -> None:
        self.calls.append(f"page.goto {url}")
        self.waits.append(timeout)

    async def wait_for_url(self, url: str, timeout: float, wait_until: str = "load") -> None:
        self.calls.append(f"page.wait_for_url {url}")
        self.waits.append(timeout)

    async def wait_for_load_state(self, state: str, timeout: float) -> None:
        self.waits.append(timeout)

    async def evaluate(self, script: str) -> None:
        self.calls.append("page.evaluate")

    async def screenshot(self, **options: Any) -> bytes:
        self.calls.append("page.screenshot")
        return b"\xff\xd8"


def test_the_spec_and_the_handlers_name_the_same_kinds() -> None:
    assert set(HANDLERS) == set(ACTIONS)


def test_every_kind_is_documented_in_the_spec() -> None:
    for kind in ACTIONS:
        assert re.search(rf"^    {kind}: ", spec.__doc__ or "", re.M), kind


def test_every_handler_of_the_performer_is_in_the_table() -> None:
    """A method shaped like a handler (self, args, timeout) that the table misses is dead."""
    handlers = {
        name
        for name, member in vars(Performer).items()
        if inspect.iscoroutinefunction(member)
        and list(inspect.signature(member).parameters) == ["self", "args", "timeout"]
    }
    assert handlers == {handler.__name__ for handler in HANDLERS.values()}
    assert len(set(HANDLERS.values())) == len(HANDLERS)


@pytest.mark.parametrize("kind", list(ACTIONS))
def test_do_reaches_the_handler_of_every_kind(kind: str) -> None:
    args, call = SAMPLES[kind]
    page, screenshots = FakePage(), {}
    performer = Performer(page, "https://shop.test/", lambda: [], screenshots)  # type: ignore[arg-type]
    asyncio.run(performer.do(Action(kind, dict(args)), timeout=1))
    assert page.calls == [call]
    if kind == "screenshot":
        assert screenshots["after"].startswith("data:image/jpeg;base64,")


def test_an_action_waits_the_action_timeout_a_page_load_the_page_timeout() -> None:
    """Two clocks: a missing button fails its step after the action timeout; loading a page
    (goto, the page a wait_for reached) may take up to the page timeout."""
    page = FakePage()
    performer = Performer(page, "https://shop.test/", lambda: [], {}, page_timeout=30)  # type: ignore[arg-type]
    for kind in ("click", "goto", "wait_for"):
        asyncio.run(performer.do(Action(kind, dict(SAMPLES[kind][0])), timeout=3))
    # click: 3 s; goto: 30 s; wait_for url: 3 s for the URL, then 30 s for its page to load
    assert page.waits == [3000, 30000, 3000, 30000]


def test_a_timed_out_action_says_which_clock_ran_out() -> None:
    performer = Performer(FakePage(), "https://shop.test/", lambda: [], {}, page_timeout=30)  # type: ignore[arg-type]
    click = Action("click", {"text": "Checkout"})
    goto = Action("goto", {"url": "/cart/"})
    assert performer._timed_out(click, 10).endswith(
        "did not appear (or was not usable) within 10 s"
    )
    assert performer._timed_out(goto, 10) == "the page /cart/ did not load within 30 s"
