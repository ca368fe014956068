"""One-line errors (tagaudit.errors.first_line): what a caught exception shows in a report."""

from __future__ import annotations

from tagaudit.errors import LINE_LIMIT, first_line

GOTO = (
    "Page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/\n"
    'Call log:\n  - navigating to "http://127.0.0.1:9/", waiting until "load"'
)


def test_the_first_line_without_the_call_log() -> None:
    assert first_line(RuntimeError(GOTO)) == (
        "Page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/"
    )
    assert first_line("  padded\nsecond  ") == "padded"


def test_named_calls_lose_their_prefix_and_no_others() -> None:
    loads = ("Page.goto", "Page.reload")
    assert first_line(RuntimeError(GOTO), calls=loads) == (
        "net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/"
    )
    evaluate = RuntimeError("Page.evaluate: Execution context was destroyed")
    assert first_line(evaluate, calls=loads) == "Page.evaluate: Execution context was destroyed"
    # A name ending in a dot stands for every method of the class.
    click = RuntimeError("Locator.click: Timeout 3000ms exceeded.\nCall log: …")
    assert first_line(click, calls=("Locator.", "Page.")) == "Timeout 3000ms exceeded."
    assert first_line(evaluate, calls=("Locator.", "Page.")) == "Execution context was destroyed"
    # The prefix must be a whole call: `Page.` does not strip `PageX.y`, nor a line without ": ".
    assert first_line("PageX.y: z", calls=("Page.",)) == "PageX.y: z"
    assert first_line("Locator.click timed out", calls=("Locator.",)) == "Locator.click timed out"


def test_an_empty_message_gives_the_fallback() -> None:
    assert first_line(TimeoutError()) == ""
    assert first_line(TimeoutError(), "page did not load within 30 s") == (
        "page did not load within 30 s"
    )
    assert first_line(RuntimeError(" \n "), "error") == "error"


def test_a_long_line_is_cut() -> None:
    line = first_line(RuntimeError("x" * 1000 + "\nmore"))
    assert line == "x" * LINE_LIMIT
