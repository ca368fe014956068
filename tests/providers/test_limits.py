"""What a page sends is bounded before tagaudit reads it (issue 22, item 5).

Before: a 1.5 KB brotli body inflated to 1 GB (the process tree passed 12 GB), a 100,000-event
batch and a 10,000-line GA4 body never finished, and a `providers:` path regex with nested
quantifiers was neither refused nor time-limited. Now a body inflates to MAX_DECODED at most,
one request yields MAX_RECORDS events and one page MAX_PAGE_HITS hits, what was cut is said
(`Request.cut`, an unreadable body), and a user's provider regex is refused or switched off.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import brotli  # type: ignore[import-not-found]
import pytest

from tagaudit.errors import ConfigError
from tagaudit.model import Request
from tagaudit.providers import (
    PageBodies,
    decode_request,
    decode_requests,
    load_catalog,
    read_body,
)
from tagaudit.providers import body as body_module
from tagaudit.providers.decoding import MAX_RECORDS
from tagaudit.providers.page import MAX_PAGE_HITS

# 64 MiB of zero bytes in a few hundred bytes of brotli (the hostile page holds a 1 GB one).
BOMB = brotli.compress(b"\0" * (64 * 2**20), quality=5)
GA4 = "https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view"


class _NoLimit:
    """A brotli module whose Decompressor has no output limit (brotli < 1.2, brotlicffi):
    the real decompressor, called without `output_buffer_limit`."""

    class Decompressor:
        def __init__(self) -> None:
            self._real = brotli.Decompressor()

        def process(self, data: bytes) -> bytes:
            return self._real.process(data)

        def is_finished(self) -> bool:
            return self._real.is_finished()


@pytest.mark.parametrize("module", [brotli, _NoLimit], ids=["output-limit", "sliced-input"])
def test_a_brotli_bomb_stops_at_the_limit(module: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(body_module, "_brotli", lambda: module)
    tracemalloc.start()
    try:
        body = read_body(BOMB, {"Content-Encoding": "br"}, GA4)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not body.is_readable and "inflates past 8 MiB" in (body.problem or "")
    assert body.size == len(BOMB) and body.sha256
    assert peak < 4 * body_module.MAX_DECODED, peak  # before: the whole 64 MiB, or 1 GB


def test_brotli_under_the_limit_is_read_through_either_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = json.dumps([{"event": "purchase", "n": i} for i in range(2000)]).encode()
    for module in (brotli, _NoLimit):
        monkeypatch.setattr(body_module, "_brotli", lambda m=module: m)
        body = read_body(brotli.compress(event), {"Content-Encoding": "br"})
        assert (body.text, body.encoding, body.problem) == (event.decode(), "br", None)


def test_a_body_sent_larger_than_the_limit_is_not_read() -> None:
    raw = b"en=scroll\n" * (body_module.MAX_DECODED // 10 + 1)
    body = read_body(raw, {}, GA4)
    assert body.text is None and body.size == len(raw)
    assert body.problem == "a body of 8.0 MiB, over tagaudit's limit"
    assert Request(GA4, "POST", **body.request_fields()).body_encoding.startswith("unreadable")


def test_one_request_yields_at_most_max_records_and_says_how_many_it_carried() -> None:
    lines = "\n".join(f"en=scroll&_et={i}" for i in range(10_000))
    request = Request(GA4, "POST", resource_type="fetch", post_data=lines)
    began = time.process_time()  # CPU time: a busy machine slows the clock, not the work
    hits = decode_request(request)
    assert time.process_time() - began < 5  # about 0.2 s; before the cut, 10,000 hits
    assert len(hits) == MAX_RECORDS == 1000
    assert request.cut == "10,000 events in one request: the first 1,000 read"
    assert hits[-1].params["_et"] == "999"


def test_a_request_within_the_limit_is_not_marked() -> None:
    request = Request(GA4, "POST", post_data="\n".join(["en=scroll"] * MAX_RECORDS))
    assert len(decode_request(request)) == MAX_RECORDS and request.cut is None


def test_a_page_yields_at_most_max_page_hits_and_marks_the_first_request_left_out() -> None:
    full = "\n".join(["en=scroll"] * MAX_RECORDS)
    count = MAX_PAGE_HITS // MAX_RECORDS + 2
    requests = [Request(GA4, "POST", post_data=full) for _ in range(count)]
    requests.append(Request("https://shop.example/app.js", resource_type="script"))
    hits = decode_requests(requests)
    assert len(hits) == MAX_PAGE_HITS
    cut = [r.cut for r in requests]
    assert cut[: count - 2] == [None] * (count - 2)
    assert cut[count - 2 : count] == ["not read: the page had sent 20,000 hits before it"] * 2
    assert cut[-1] is None  # a page resource is no hit left unread


def test_a_catastrophic_provider_path_regex_is_refused_with_file_line_and_field(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(
        "providers:\n  - id: my_vendor\n    name: Mine\n    endpoints:\n"
        "      - kind: hit\n        hosts: [t.shop.example]\n        paths: ['^/(a+)+$']\n",
        encoding="utf-8",
    )
    from tagaudit.providers import load_catalog_file

    with pytest.raises(ConfigError) as refused:
        load_catalog_file(str(path))
    line = refused.value.one_line()
    assert f"{path}:5" in line and "providers[0].endpoints[0].paths[0]" in line
    assert "nested quantifiers" in line


def test_a_slow_provider_regex_costs_one_time_limit_then_is_switched_off_and_named() -> None:
    """`(a|a)*$` passes the check (alternation, not nesting): its first long path runs out of
    time, and from then on it is skipped, so 200 hostile requests cost one time limit; the
    shipped endpoints still route."""
    catalog = load_catalog(
        [{"id": "mine", "name": "Mine", "endpoints": [{"hosts": ["*"], "paths": ["^/(a|a)*$"]}]}],
        source="tagaudit.yaml",
    )
    assert catalog.match("https://t.shop.example/aaaa").provider.id == "mine"
    began = time.monotonic()
    for _ in range(200):
        assert catalog.match("https://evil.test/" + "a" * 40 + "!") is None
    assert time.monotonic() - began < 30  # one time limit (the regex module checks it late)
    assert catalog.match(GA4).provider.id == "ga4"
    assert catalog.match("https://t.shop.example/aaaa") is None  # switched off, and said:
    (problem,) = catalog.problems()
    assert "providers[0].endpoints[0].paths[0]" in problem and "(a|a)*$" in problem
    assert "not used for the rest of the run" in problem


def test_the_bodies_of_one_page_are_read_within_a_budget_for_all_of_them() -> None:
    """48 bodies of 1 MiB, each under the limit for one body: 16 MiB are read, the rest say
    why not (an unreadable body, so the hit says so), and a small body after them too."""
    bodies = PageBodies()
    read = [bodies.read(b"en=scroll&ep.blob=" + b"x" * 2**20, {}, GA4) for _ in range(48)]
    assert [b.text is not None for b in read] == [True] * 16 + [False] * 32
    assert (
        read[-1].problem
        == "not read: the page had sent 16 MiB of bodies before it (tagaudit's limit)"
    )
    assert read[-1].size == 2**20 + 18 and read[-1].sha256
    assert bodies.read(b"en=page_view").text is None
    assert bodies.read(None).text is None and bodies.read(None).problem is None
