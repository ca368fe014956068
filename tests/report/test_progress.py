"""Progress that tells the truth: a bar on a terminal, plain lines in CI logs (every N units,
every few seconds, a heartbeat while nothing finishes, a last line), totals that grow."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console

from tagaudit.report.progress import progress
from tagaudit.runner.audit import Progress


def _lines(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def test_off_a_terminal_a_line_every_n_units_and_a_last_one() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    with progress(console=console, every_seconds=3600, every_units=2) as show:
        for done in range(1, 6):
            show(Progress(done, 4 + done // 3, f"https://shop.test/p{done}"))
    lines = _lines(out)
    assert [line.split(" done")[0] for line in lines] == [
        "tagaudit: 2/4",
        "tagaudit: 4/5",
        "tagaudit: 5/5",
    ]
    assert lines[-1].endswith("last: https://shop.test/p5")
    assert "\x1b[" not in out.getvalue()


@pytest.mark.timing
def test_a_heartbeat_while_nothing_finishes() -> None:
    """A consent run's first scenarios take 30 s: the log says the run is alive."""
    out = io.StringIO()
    with progress(console=Console(file=out, force_terminal=False), every_seconds=0.2) as show:
        show(Progress(0, 3, "starting"))
        deadline = time.monotonic() + 5
        while "still working" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for the heartbeat thread: time is the signal here
    assert "tagaudit: 0/3 still working (" in out.getvalue()


def test_labels_are_text_and_masked() -> None:
    out = io.StringIO()
    label = "https://shop.test/a?filter[color]=red&x=[/x]&access_token=SECRET"
    with progress(console=Console(file=out, force_terminal=False), every_units=1) as show:
        show(Progress(1, 1, label))
    assert "filter[color]=red&x=[/x]&access_token=***" in out.getvalue()
    assert "SECRET" not in out.getvalue()


def test_the_bar_never_shows_more_done_than_total() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with progress(console=console) as show:
        show(Progress(2, 1, "https://shop.test/[/x]"))  # a total that lags behind
    assert "2/2" in out.getvalue() and "2/1" not in out.getvalue()


def test_quiet_prints_nothing() -> None:
    out = io.StringIO()
    with progress(console=Console(file=out, force_terminal=False), quiet=True) as show:
        show(Progress(1, 1, "https://shop.test/"))
    assert out.getvalue() == ""
