"""Behind a proxy (CI often is): the default transport honours HTTP_PROXY and NO_PROXY.

A forward proxy on 127.0.0.1 answers for shop.example, a host that never resolves here, so a
link that reaches its landing page can only have gone through the proxy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest

from tagaudit.links.follower import Follower
from tagaudit.links.settings import LinkSettings
from tagaudit.links.transport import used_transport
from tagaudit.model import LinkResult
from tests.support.servers import LoopbackServer


class _Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)  # absolute-form: the proxy is asked for the whole URL
        if self.path.startswith("http://shop.example/go"):
            self.send_response(301)
            self.send_header("Location", "/landing?" + self.path.split("?", 1)[1])
        elif self.path.startswith("http://shop.example/landing"):
            self.send_response(200)
        else:
            self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture()
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Proxy]]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with LoopbackServer(_Proxy) as server:
        monkeypatch.setenv("http_proxy", server.base_url)
        _Proxy.seen = []
        yield _Proxy


def follow(url: str) -> LinkResult:
    async def run() -> LinkResult:
        async with Follower(LinkSettings(timeout=5.0, retries=0)) as follower:
            return await follower.follow(url)

    return asyncio.run(run())


def test_links_go_through_the_proxy_from_the_environment(proxy) -> None:
    result = follow("http://shop.example/go?utm_source=x")
    assert (result.verdict, result.final_url) == ("ok", "http://shop.example/landing?utm_source=x")
    assert proxy.seen == [
        "http://shop.example/go?utm_source=x",
        "http://shop.example/landing?utm_source=x",
    ]


def test_no_proxy_hosts_are_asked_directly(proxy, monkeypatch, routes) -> None:
    monkeypatch.setenv("no_proxy", "localhost")
    result = follow(routes.url("/landing?utm_source=x").replace("127.0.0.1", "localhost"))
    assert (result.verdict, result.final_status) == ("ok", 200)
    assert proxy.seen == []


def test_the_run_names_the_transport_it_really_sent_on(proxy, monkeypatch) -> None:
    """links.http1 speaks no proxy protocol: with a proxy set the run uses aiohttp, and says so
    (runner.links puts `used_transport` in the report's config.transport)."""
    assert used_transport(LinkSettings()) == "aiohttp"
    assert used_transport(LinkSettings(transport="httpx")) == "httpx"
    for name in ("http_proxy", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert used_transport(LinkSettings()) == "asyncio"
