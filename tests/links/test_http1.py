"""links.http1 (the follower's default transport) against a server that writes raw bytes.

Each path of the scripted server answers with exactly the bytes a test needs (chunked,
gzip, deflate without its zlib wrapper, interim 103 answers, folded header lines, a body
that ends with the connection, broken status lines, huge header blocks, huge bodies), and
the server counts the connections it accepted, so keep-alive and the retry of a connection
the server closed while idle are seen from the server's side.
"""

from __future__ import annotations

import asyncio
import gzip
import socketserver
import ssl
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from tagaudit.links import transport
from tagaudit.links.exchange import wants_body
from tagaudit.links.follower import Follower
from tagaudit.links.http1 import DRAIN_LIMIT, Http1Client, _Brotli
from tagaudit.links.settings import LinkSettings
from tagaudit.links.transport import ssl_context
from tagaudit.model import LinkResult
from tests.support.servers import LoopbackServer

try:
    import brotli
except ImportError:  # the test extra installs it
    brotli = None
BR_BOUNDED = _Brotli.made() is not None  # brotli >= 1.2 bounds its output


def _br(body: bytes) -> bytes:
    return brotli.compress(body, quality=1) if brotli is not None else body


REFRESH = b'<html><head><meta http-equiv="refresh" content="0; url=/landing?utm_source=x">'


def answer(status: str, headers: list[str], body: bytes = b"", length: bool = True) -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(body: bytes, size: int = 7) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    coded = b"".join(b"%x; ext=1\r\n%s\r\n" % (len(p), p) for p in parts)
    return coded + b"0\r\nX-Trailer: done\r\n\r\n"


def raw_deflate(body: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(body) + packer.flush()


LANDING = answer("200 OK", ["Content-Type: text/html"], b"<p>landed</p>")
# path → (bytes to write, close the connection after them)
SCRIPT: dict[str, tuple[bytes, bool]] = {
    "/landing": (LANDING, False),
    "/chunked": (
        answer("200 OK", ["Transfer-Encoding: chunked"], length=False) + chunked(REFRESH),
        False,
    ),
    "/gzip": (answer("200 OK", ["Content-Encoding: gzip"], gzip.compress(REFRESH)), False),
    "/deflate": (answer("200 OK", ["Content-Encoding: deflate"], raw_deflate(REFRESH)), False),
    # br although we ask for gzip and deflate only; a 40 MB page behind it (bounded reading)
    "/br": (
        answer("200 OK", ["Content-Encoding: br"], _br(REFRESH + b" " * 40_000_000)),
        False,
    ),
    # one chunk announcing 1 GiB: the refresh and then nothing more (the connection stays)
    "/giant-chunk": (
        answer("200 OK", ["Transfer-Encoding: chunked"], length=False)
        + b"40000000\r\n"
        + REFRESH
        + b" " * 70_000,
        False,
    ),
    "/early-hints": (
        answer("103 Early Hints", ["Link: </app.css>; rel=preload"], length=False)
        + answer("301 Moved Permanently", ["Location: /landing?utm_source=x"]),
        False,
    ),
    "/folded": (
        answer("302 Found", ["Location: /landing?utm_source=x", "Server:", "\tnginx/1.27"]),
        False,
    ),
    "/until-close": (answer("200 OK", ["Connection: close"], REFRESH, length=False), True),
    "/closes-after": (answer("301 Moved", ["Location: /landing?utm_source=x"]), True),
    "/big-redirect": (
        answer("301 Moved", ["Location: /landing?utm_source=x"], b"x" * (DRAIN_LIMIT + 1)),
        False,
    ),
    "/not-http": (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", True),
    "/huge-head": (b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 100_000 + b"\r\n\r\n", True),
    "/short-body": (b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nonly this", True),
    "/bad-chunk": (
        answer("200 OK", ["Transfer-Encoding: chunked"], length=False) + b"zz\r\n",
        True,
    ),
}


class _Scripted(socketserver.BaseRequestHandler):
    """Reads requests one after another on a connection; answers each from SCRIPT."""

    def handle(self) -> None:
        self.server.connections += 1  # type: ignore[attr-defined]
        pending = b""
        while True:
            while b"\r\n\r\n" not in pending:
                data = self.request.recv(65536)
                if not data:
                    return
                pending += data
            head, _, pending = pending.partition(b"\r\n\r\n")
            method, target = head.split(b" ", 2)[:2]
            self.server.served.append(f"{method.decode()} {target.decode()}")  # type: ignore[attr-defined]
            path = target.decode().split("?", 1)[0]
            data, close = SCRIPT.get(path, (answer("404 Not Found", []), False))
            if method == b"HEAD":
                data = data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            try:
                self.request.sendall(data)
            except OSError:
                return
            if close:
                return


@pytest.fixture()
def scripted() -> Iterator[LoopbackServer]:
    server = LoopbackServer(_Scripted, server_class=socketserver.ThreadingTCPServer)
    server.server.connections = 0  # type: ignore[attr-defined]
    with server:
        yield server


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture()
def scripted_tls(ca: trustme.CA, tmp_path: Path, monkeypatch) -> Iterator[LoopbackServer]:
    """The scripted server behind TLS, its CA trusted the way httpx reads it (SSL_CERT_FILE)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    transport.ssl_context.cache_clear()
    server = LoopbackServer(_Scripted, server_class=socketserver.ThreadingTCPServer, tls=context)
    server.server.connections = 0  # type: ignore[attr-defined]
    with server:
        yield server
    transport.ssl_context.cache_clear()


def follow(url: str, **settings: object) -> LinkResult:
    async def run() -> LinkResult:
        async with Follower(LinkSettings(timeout=5.0, retries=0, **settings)) as follower:
            return await follower.follow(url)

    return asyncio.run(run())


BR = pytest.param("/br", marks=pytest.mark.skipif(not BR_BOUNDED, reason="brotli < 1.2"))
FRAMINGS = ["/chunked", "/gzip", "/deflate", BR, "/until-close", "/giant-chunk"]


@pytest.mark.parametrize("path", FRAMINGS)
def test_a_meta_refresh_is_found_in_every_framing_and_coding(scripted, path):
    result = follow(scripted.url(path))
    assert result.verdict == "ok", result.error
    assert [(h.status, h.via) for h in result.hops] == [(200, "meta"), (200, "http")]
    assert result.final_url == scripted.url("/landing?utm_source=x")


@pytest.mark.parametrize("path", FRAMINGS)
def test_every_framing_and_coding_reads_the_same_over_tls(scripted_tls, path):
    """TLS streams end differently (close_notify, or a bare TCP close after the body)."""
    result = follow(scripted_tls.url(path))
    assert result.verdict == "ok", result.error
    assert [(h.status, h.via) for h in result.hops] == [(200, "meta"), (200, "http")]
    assert result.final_url == scripted_tls.url("/landing?utm_source=x")


def test_bodies_are_read_up_to_max_body_whatever_their_size_or_coding(scripted):
    """A 40 MB br page and a 1 GiB chunk: `max_body` bytes kept, the rest never read."""

    async def run(paths: tuple[str, ...]) -> list[bytes]:
        client = Http1Client(ssl_context)
        try:
            bodies = []
            for path in paths:
                url = httpx.URL(scripted.url(path))
                bodies.append((await client.send("GET", url, b"", wants_body, 4096)).body)
            return bodies
        finally:
            await client.aclose()

    paths = ("/br", "/giant-chunk") if BR_BOUNDED else ("/giant-chunk",)
    for body in asyncio.run(run(paths)):
        assert body.startswith(REFRESH)
        assert len(body) == 4096


@pytest.mark.parametrize("path", ["/early-hints", "/folded", "/big-redirect"])
def test_redirects_behind_interim_answers_folded_lines_and_big_bodies(scripted, path):
    result = follow(scripted.url(path))
    assert result.verdict == "ok", result.error
    assert result.hops[0].status in (301, 302)
    assert result.hops[0].location == "/landing?utm_source=x"
    assert result.final_url == scripted.url("/landing?utm_source=x")
    if path == "/folded":  # an obsolete folded line is part of the field above it
        assert result.hops[0].server == "nginx"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/not-http", "not an HTTP/1 status line"),
        ("/huge-head", "header block is too large"),
        ("/short-body", "disconnected before the answer was complete"),
        ("/bad-chunk", "bad chunk size"),
    ],
)
def test_broken_answers_are_broken_links_with_their_reason(scripted, path, words):
    result = follow(scripted.url(path))
    assert result.verdict == "broken"
    assert words in (result.error or "")


def send_twice(scripted: LoopbackServer, first: str, second: str, method: str = "GET") -> list:
    async def run() -> list:
        client = Http1Client(ssl_context)
        try:
            replies = []
            for path in (first, second):
                url = httpx.URL(scripted.url(path))
                replies.append(await client.send(method, url, b"", wants_body, 65536))
                await asyncio.sleep(0.05)  # the server's close (if any) arrives meanwhile
            return replies
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_answers_read_to_their_end_keep_the_connection(scripted):
    replies = send_twice(scripted, "/chunked", "/gzip")
    assert [r.status for r in replies] == [200, 200]
    assert replies[1].body == REFRESH
    assert scripted.server.connections == 1


def test_a_connection_the_server_closed_is_replaced(scripted):
    replies = send_twice(scripted, "/closes-after", "/landing")
    assert [r.status for r in replies] == [301, 200]
    assert scripted.server.connections == 2


def test_a_big_unwanted_body_is_cut_off_not_read(scripted):
    replies = send_twice(scripted, "/big-redirect", "/landing")
    assert [r.status for r in replies] == [301, 200]
    assert scripted.server.connections == 2


def test_head_answers_have_no_body_and_keep_the_connection(scripted):
    replies = send_twice(scripted, "/landing", "/landing", method="HEAD")
    assert [r.status for r in replies] == [200, 200]
    assert replies[0].body == b""
    assert scripted.server.served == ["HEAD /landing", "HEAD /landing"]
    assert scripted.server.connections == 1


def test_the_request_is_what_httpx_would_send(scripted):
    """The bytes of the URL reach the server as httpx normalises them (same verdicts)."""
    follow(scripted.url("/landing?q=a b&utm_source=ü"))
    assert scripted.server.served == ["GET /landing?q=a%20b&utm_source=%C3%BC"]
