"""When is a page done leaving (browser/leaving.py)? When its "hidden" mark came and the edge
has taken every beacon the mark counted, in whatever order they arrive: driven here on a
Recorder without a browser, as the edge hands it records (browser/edge.py)."""

from __future__ import annotations

import asyncio

from tagaudit.browser.capture import Recorder, _mark_count
from tagaudit.browser.hits import LEFT_PATH
from tagaudit.model import Request

SITE = "http://127.0.0.1:8000"


def _recorder() -> Recorder:
    recorder = Recorder(None, None)  # type: ignore[arg-type]  # the edge's side only
    recorder.start_leaving()
    return recorder


def _beacon(kind: str = "ping", n: int = 0) -> Request:
    return Request(url=f"https://collector.example/e?i={n}", method="POST", resource_type=kind)


def _mark(count: str) -> Request:
    return Request(url=f"{SITE}{LEFT_PATH}{count}", method="POST", resource_type="ping")


def test_a_beacon_that_arrives_after_the_mark_is_waited_for() -> None:
    async def play() -> None:
        recorder = _recorder()
        recorder.edge_record(_beacon("ping", 1))
        recorder.edge_record(_mark("?n=3"))
        assert not recorder.left.is_set()  # two of three still on their way
        recorder.edge_record(_beacon("fetch", 2))  # a keepalive fetch
        assert not recorder.left.is_set()
        recorder.edge_record(_beacon("ping", 3))
        assert recorder.left.is_set()
        assert [r.leaving for r in recorder.requests] == [True, True, True]

    asyncio.run(play())


def test_other_requests_are_not_counted_and_the_mark_is_not_recorded() -> None:
    async def play() -> None:
        recorder = _recorder()
        recorder.edge_record(_mark("?n=1"))
        recorder.edge_record(Request(url="https://cdn.example/a.png?x=1", resource_type="image"))
        assert not recorder.left.is_set()
        recorder.edge_record(_beacon())
        assert recorder.left.is_set()
        assert LEFT_PATH not in " ".join(r.url for r in recorder.requests)

    asyncio.run(play())


def test_a_mark_without_a_count_says_so_and_leaving_anew_forgets_the_last_one() -> None:
    async def play() -> None:
        recorder = _recorder()
        recorder.edge_record(_mark(""))
        assert recorder.left.is_set() and recorder.left_count == -1
        recorder.start_leaving()
        assert not recorder.left.is_set() and recorder.left_count is None
        assert recorder.leave_beacons == 0

    asyncio.run(play())


def test_the_count_is_read_from_the_marks_query_only() -> None:
    assert _mark_count(f"{SITE}{LEFT_PATH}?n=12") == 12
    assert _mark_count(f"{SITE}{LEFT_PATH}?x=1&n=0") == 0
    assert _mark_count(f"{SITE}{LEFT_PATH}?n=-1") == -1
    assert _mark_count(f"{SITE}{LEFT_PATH}?n=") == -1
    assert _mark_count(f"{SITE}{LEFT_PATH}") == -1
