"""Cutting a recording into steps (browser/steps.py): the code journeys and the pytest plugin
share, driven here without a browser over a stand-in for the Recorder's lists."""

from __future__ import annotations

from tagaudit.browser.steps import START, FirstSeen, Steps
from tagaudit.model import Cookie, PageVisit, Request


class FakeRecorder:
    """The part of a Recorder that steps read: its labels and what it recorded."""

    def __init__(self) -> None:
        self.step: str | None = None
        self.phase: str | None = None
        self.requests: list[Request] = []
        self.console_errors: list[str] = []

    def send(self, url: str, navigation: bool = False, status: int | None = 200) -> None:
        request = Request(url=url, step=self.step, navigation=navigation, status=status)
        self.requests.append(request)


def _state(cookies: list[str], data_layer: list[object] | None = None) -> PageVisit:
    snapshot = PageVisit(url="about:blank")
    snapshot.cookies = [Cookie(name, "shop.example") for name in cookies]
    snapshot.data_layer = data_layer or []
    return snapshot


def test_each_step_gets_its_requests_state_and_console_errors() -> None:
    recorder = FakeRecorder()
    steps = Steps(recorder)  # type: ignore[arg-type]
    steps.begin(START, "about:blank")
    recorder.send("https://shop.example/go/x", navigation=True, status=302)
    recorder.send("https://shop.example/landing/", navigation=True)
    recorder.send("https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view")
    recorder.console_errors.append("landing broke")
    steps.keep(steps.close("https://shop.example/landing/"), _state(["_ga"], [{"a": 1}]))
    recorder.console_errors.append("between the steps")
    steps.begin("cart", "https://shop.example/landing/")
    recorder.send("https://shop.example/cart/", navigation=True, status=404)
    steps.keep(steps.close("https://shop.example/cart/"), _state(["_ga", "_gcl_aw"]))

    start, cart = steps.visits("checkout")
    assert (start.step, start.journey, start.url, start.status) == (
        START,
        "checkout",
        "https://shop.example/landing/",
        200,
    )
    assert len(start.requests) == 3 and all(r.step == START for r in start.requests)
    assert start.data_layer == [{"a": 1}] and start.console_errors == ["landing broke"]
    assert (cart.url, cart.final_url, cart.status) == (
        "https://shop.example/cart/",
        "https://shop.example/cart/",
        404,
    )
    assert cart.console_errors == ["between the steps"]
    # Cookies present at the step's end, each with the step it was first seen in.
    assert {c.name: c.step for c in cart.cookies} == {"_ga": START, "_gcl_aw": "cart"}
    assert "total_ms" in cart.timings


def test_open_steps_and_steps_begun_twice() -> None:
    recorder = FakeRecorder()
    steps = Steps(recorder)  # type: ignore[arg-type]
    steps.begin("a", "https://shop.example/")
    recorder.send("https://shop.example/a1")
    steps.close("https://shop.example/a1")
    steps.begin("b", "https://shop.example/a1")
    recorder.send("https://shop.example/b1")
    steps.close("https://shop.example/b1")
    steps.begin("a", "https://shop.example/b1")
    recorder.send("https://shop.example/a2")
    # The open step counts only when asked for (an interrupted journey drops it).
    assert [v.step for v in steps.visits(None)] == ["a", "b"]
    by_step = {v.step: v for v in steps.visits(None, include_open=True)}
    assert list(by_step) == ["a", "b"]  # one visit per step, in the order first begun
    assert [r.url.rsplit("/", 1)[1] for r in by_step["a"].requests] == ["a1", "a2"]
    assert by_step["a"].final_url == "https://shop.example/b1"  # its last state
    assert steps.views("a") == []


def test_first_seen_keeps_the_first_phase_and_step() -> None:
    """Consent scenarios: a cookie keeps the phase it first showed up in."""
    seen = FirstSeen()
    before = Cookie("_ga", "shop.example", phase="before-action")
    seen.see([before])
    again = Cookie("_ga", "shop.example", phase="after-reload")
    late = Cookie("_fbp", "shop.example", phase="after-action")
    assert seen.see([again, late], step="cart") == [again, late]
    assert (again.phase, again.step) == ("before-action", None)
    assert (late.phase, late.step) == ("after-action", "cart")
    assert seen.all() == [before, late]
