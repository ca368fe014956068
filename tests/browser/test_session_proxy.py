"""A proxy named in the browser's flags is the proxy of every request tagaudit makes for the
browser too: the staging header's route fetches the site's pages itself, and robots.txt and
sitemaps are fetched beside the browser; without the proxy they went around it.

A forward proxy on 127.0.0.1 answers for staging.example, a host that never resolves here,
so a page, a robots.txt or a sitemap that arrived can only have come through it.
"""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest

from tagaudit.browser.session import launch_proxy
from tagaudit.cli import main
from tests.support.servers import LoopbackServer, serve_routes

SITEMAP = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>http://staging.example/from-sitemap</loc></url></urlset>"
)
ROBOTS = b"User-agent: *\nSitemap: http://staging.example/sitemap.xml\n"
PAGE = b"<!doctype html><html><head><title>staged</title></head><body>ok</body></html>"
PATHS = ("/", "/robots.txt", "/sitemap.xml", "/from-sitemap", "/favicon.ico")


def _answer(path: str) -> tuple[int, dict[str, str], bytes]:
    """staging.example's answer for `path` (origin-form), wherever the request came from."""
    if path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, ROBOTS
    if path == "/sitemap.xml":
        return 200, {"Content-Type": "application/xml"}, SITEMAP
    return 200, {"Content-Type": "text/html"}, PAGE


def _staging(seen: list[tuple[str, str | None]]) -> object:
    """The routes of staging.example behind the proxy's tunnels (CONNECT)."""

    def route(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        seen.append((request.path, request.headers.get("X-Staging-Token")))
        return _answer(request.path.split("?")[0])

    return route


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy for staging.example: plain requests in absolute form (Chromium) are
    answered here, CONNECT tunnels (Playwright's request client) lead to `upstream`."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[str, str | None]]] = []
    upstream: ClassVar[int] = 0

    def do_GET(self) -> None:
        prefix = "http://staging.example"
        self.seen.append((self.path.removeprefix(prefix), self.headers.get("X-Staging-Token")))
        status, headers, body = _answer(self.path.removeprefix(prefix))
        if not self.path.startswith(prefix + "/"):
            status, headers, body = 502, {}, b"unknown host"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self) -> None:
        if not self.path.startswith("staging.example:"):
            self.send_error(502)
            return
        with socket.create_connection(("127.0.0.1", self.upstream)) as upstream:
            self.send_response(200, "Connection established")
            self.end_headers()
            self._pipe(self.connection, upstream)
        self.close_connection = True

    @staticmethod
    def _pipe(client: socket.socket, upstream: socket.socket) -> None:
        sockets = [client, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 10)
            if not readable:
                return
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                (upstream if source is client else client).sendall(data)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def proxy() -> Iterator[LoopbackServer]:
    _Proxy.seen = []
    with serve_routes({p: _staging(_Proxy.seen) for p in PATHS}) as staging:
        _Proxy.upstream = staging.port
        with LoopbackServer(_Proxy) as server:
            yield server


def test_the_proxy_flags_become_playwrights_proxy() -> None:
    assert launch_proxy(["--no-sandbox"]) is None
    assert launch_proxy(["--proxy-server=http://p:3128"]) == {
        "server": "http://p:3128",
        "bypass": "<loopback>,localhost,127.0.0.1,[::1]",
    }
    flags = ["--proxy-server=http://a:1", "--proxy-server=http://p:3128"]
    flags.append("--proxy-bypass-list=*.internal;<-loopback>")
    assert launch_proxy(flags) == {"server": "http://p:3128", "bypass": "*.internal,<-loopback>"}


@pytest.mark.e2e
def test_pages_robots_and_sitemaps_of_a_staging_site_go_through_the_proxy(
    proxy: LoopbackServer, tmp_path: Path, chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAGING_TOKEN", "tok-proxied-31")
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "base_url: http://staging.example/\npages: [/]\ncrawl: {sitemap: true}\n"
        "browser:\n"
        f"  args: [--proxy-server={proxy.base_url}]\n"
        '  headers: {X-Staging-Token: "${STAGING_TOKEN}"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    args = ["audit", "-c", str(config), "--browser", chromium_path, "-q", "--json", str(out)]
    assert main([*args, "--fail-on", "never"]) == 0
    pages = json.loads(out.read_text(encoding="utf-8"))["pages"]
    assert [(p["url"], p["status"]) for p in pages] == [
        ("http://staging.example/", 200),
        ("http://staging.example/from-sitemap", 200),
    ]
    asked = {path: token for path, token in _Proxy.seen}
    for path in ("/", "/robots.txt", "/sitemap.xml", "/from-sitemap"):
        assert asked.get(path) == "tok-proxied-31", _Proxy.seen
