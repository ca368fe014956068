"""A paused request whose frame the edge could not place in time (browser/edge.py): it is
answered all the same (fail closed needs no page), and its record reaches its page once the
look-up ends. Driven on EdgeCore with a Recorder's edge side, no browser (the browser case,
a page that never answers, is tests/e2e/test_capture.py)."""

from __future__ import annotations

from tagaudit.browser.capture import Recorder
from tagaudit.browser.edge import EdgeCore
from tagaudit.browser.gate import Gate

PIXEL = "https://px.ads.linkedin.com/collect/?pid=777777&fmt=gif"


def _paused(url: str, frame: str, kind: str = "Image") -> dict[str, object]:
    return {
        "requestId": "r1",
        "frameId": frame,
        "resourceType": kind,
        "request": {"url": url, "method": "GET", "headers": {}},
    }


def test_a_record_answered_before_its_page_was_found_reaches_it_later() -> None:
    edge = EdgeCore(Gate(site_hosts=["127.0.0.1"]))
    recorder = Recorder(None, None)  # type: ignore[arg-type]  # the edge's side only
    edge.receivers["ctx-1"] = recorder
    command, _, record = edge.take_record(_paused(PIXEL, "frame-9"), None)
    assert command == "Fetch.fulfillRequest" and record.answered_locally
    assert edge.unplaced == [record] and recorder.requests == []

    edge.frames["frame-9"] = "ctx-1"  # the look-up ended
    assert edge.unplaced_note() == (
        "1 request(s) seen at the network's edge belong to no page of the report (1 answered here)"
    )
    edge.place_late(record, edge.frames["frame-9"])
    assert edge.unplaced == [] and [r.url for r in recorder.requests] == [PIXEL]
    assert edge.unplaced_note() is None  # the run's notes say nothing


def test_a_record_still_unplaced_stays_with_the_edge() -> None:
    edge = EdgeCore(Gate(site_hosts=["127.0.0.1"]))
    _, _, record = edge.take_record(_paused(PIXEL, "frame-9"), None)
    edge.place_late(record, None)
    assert edge.unplaced == [record]


def test_the_note_names_the_hosts_of_unplaced_requests_let_through() -> None:
    edge = EdgeCore(Gate(site_hosts=["127.0.0.1"]))
    edge.take_record(_paused("https://cdn.example/lib.js", "frame-9", "Script"), None)
    edge.take_record(_paused(PIXEL, "frame-9"), None)
    assert edge.unplaced_note() == (
        "2 request(s) seen at the network's edge belong to no page of the report "
        "(1 answered here; let through to cdn.example)"
    )
