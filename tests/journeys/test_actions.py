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

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls
        self.first = self

    def or_(self, other: FakeLocator) -> FakeLocator:
        return self

    async def click(self, timeout: float) -> None:
        self.calls.append("locator.click")

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
        self.keyboard = FakeKeyboard(self.calls)

    def locate(self, *args: Any, **kwargs: Any) -> FakeLocator:
        return FakeLocator(self.calls)

    get_by_role = get_by_label = get_by_placeholder = get_by_test_id = get_by_text = locate
    locator = locate

    async def goto(self, url: str, wait_until: str, timeout: float) -> None:
        self.calls.append(f"page.goto {url}")

    async def wait_for_url(self, url: str, timeout: float) -> None:
        self.calls.append(f"page.wait_for_url {url}")

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
