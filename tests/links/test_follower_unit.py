"""Follower unit tests with httpx.MockTransport: errors, downgrades, limits, Retry-After."""

from __future__ import annotations

import asyncio
import email.utils
import time

import httpx
import pytest

from tagaudit.links.follower import Follower
from tagaudit.links.outcome import classify_error
from tagaudit.links.pacing import retry_after
from tagaudit.links.settings import LinkSettings
from tagaudit.links.transport import redirect_method
from tagaudit.model import LinkResult


def run_with(handler, urls: list[str], settings: LinkSettings | None = None):
    settings = settings or LinkSettings(timeout=1.0, backoff=0.01, retry_wait_cap=0.05)

    async def run() -> dict[str, LinkResult]:
        async with Follower(settings, httpx.MockTransport(handler)) as follower:
            return await follower.follow_all(urls)

    return asyncio.run(run())


def test_https_to_http_hop_is_recorded():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            return httpx.Response(301, headers={"Location": "http://b.example/p?utm_source=x"})
        return httpx.Response(200)

    result = run_with(handler, ["https://a.example/?utm_source=x"])[
        "https://a.example/?utm_source=x"
    ]
    assert [h.url for h in result.hops] == [
        "https://a.example/?utm_source=x",
        "http://b.example/p?utm_source=x",
    ]


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), "dns"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "tls"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "connect"),
        (httpx.ReadTimeout("read timed out"), "timeout"),
    ],
)
def test_network_errors_become_reasons(error, reason):
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    result = run_with(handler, ["https://a.example/"])["https://a.example/"]
    assert (result.verdict, result.reason) == ("broken", reason)


def test_unsupported_scheme_in_location():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "ftp://files.example/x"})

    result = run_with(handler, ["https://a.example/"])["https://a.example/"]
    assert (result.verdict, result.reason) == ("broken", "unsupported-scheme")


def test_per_host_limit_caps_requests_in_flight():
    in_flight, peak = {"a": 0}, {"a": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        in_flight["a"] += 1
        peak["a"] = max(peak["a"], in_flight["a"])
        await asyncio.sleep(0.01)
        in_flight["a"] -= 1
        return httpx.Response(200)

    settings = LinkSettings(concurrency=20, per_host=3)
    run_with(handler, [f"https://a.example/{i}" for i in range(30)], settings)
    assert peak["a"] == 3


def test_retry_after_is_honoured_when_it_fits_the_cap():
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "0.2"})
        return httpx.Response(200)

    settings = LinkSettings(retry_wait_cap=0.5, backoff=0.01)
    result = run_with(handler, ["https://a.example/"], settings)["https://a.example/"]
    assert result.verdict == "ok"
    assert 0.19 <= calls[1] - calls[0] < 1.0


def test_retry_after_beyond_the_cap_is_not_shortened_into_a_retry():
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        return httpx.Response(429, headers={"Retry-After": "3600"})

    settings = LinkSettings(retry_wait_cap=0.1, backoff=0.01)
    result = run_with(handler, ["https://a.example/"], settings)["https://a.example/"]
    assert (result.verdict, result.reason) == ("unverifiable", "rate-limited")
    assert result.error == "HTTP 429; asked to wait 3600 s (Retry-After), over the 0.1 s cap"
    assert len(calls) == 1


def test_303_turns_into_get_and_the_ledger_follows_the_raw_location():
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if request.url.path == "/form":
            return httpx.Response(303, headers={"Location": "done?utm_source=x%20y"})
        return httpx.Response(200)

    settings = LinkSettings(method="POST")
    result = run_with(handler, ["https://a.example/form?utm_source=x+y"], settings)
    assert seen == [("POST", "/form"), ("GET", "/done")]
    assert result["https://a.example/form?utm_source=x+y"].ledger[0].changed == ["utm_source"]


def test_redirect_method_is_the_browsers():
    assert redirect_method("POST", 301) == redirect_method("POST", 302) == "GET"
    assert redirect_method("PUT", 303) == "GET" and redirect_method("HEAD", 303) == "HEAD"
    assert redirect_method("POST", 307) == redirect_method("POST", 308) == "POST"
    assert redirect_method("HEAD", 302) == "HEAD"


def test_a_location_that_is_no_url_is_its_own_reason():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://[::1"})

    result = run_with(handler, ["https://a.example/"])["https://a.example/"]
    assert (result.verdict, result.reason) == ("broken", "invalid-location")


def test_retry_after_forms():
    assert retry_after("2") == 2.0
    assert retry_after(None) is None and retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_after(later) <= 31


def test_classify_keeps_the_text():
    reason, text = classify_error(httpx.ConnectError("boom"))
    assert (reason, text) == ("connect", "boom")


def test_global_limit_caps_links_in_flight_across_hosts():
    state = {"now": 0, "peak": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        await asyncio.sleep(0.01)
        state["now"] -= 1
        return httpx.Response(200)

    settings = LinkSettings(concurrency=4, per_host=10)
    run_with(handler, [f"https://h{i}.example/" for i in range(20)], settings)
    assert state["peak"] == 4


@pytest.mark.parametrize(
    "location",
    [
        "/promo?utm_source=x#top",
        "/a/./b",
        "/a/../b?x=1",
        "//other.example/p",
        "../up?x=1",
        "same?x=1",
        "?only=query",
        "#frag",
        "/p?next=/a/./b",
        "https://b.example/x",
    ],
)
@pytest.mark.parametrize(
    "base", ["https://a.example/dir/page?q=1", "https://a.example", "http://a.example:8080?x"]
)
def test_locations_are_joined_as_urljoin_does(base, location):
    from urllib.parse import urljoin

    from tagaudit.links.follower import _absolute

    assert _absolute(base, location) == urljoin(base, location)
