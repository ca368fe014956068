"""The follower against a real TLS server on 127.0.0.1 (certificates from trustme).

An untrusted certificate is the `tls` reason on both transports, from the errors aiohttp and
httpcore really raise; with the test CA trusted (SSL_CERT_FILE, which httpx honours), a
redirect from https to http is a hop the downgrade check sees.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import trustme

from tagaudit.links import transport
from tagaudit.links.follower import Follower
from tagaudit.links.settings import LinkSettings
from tagaudit.model import LinkResult
from tagaudit.rules.links_assess import https_downgrade
from tests.support.servers import LoopbackServer


class _Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    plain_base = ""

    def do_GET(self) -> None:
        if self.path.startswith("/downgrade"):
            self.send_response(301)
            self.send_header("Location", f"{self.plain_base}/landing?{self.path.split('?')[1]}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def servers(ca: trustme.CA) -> Iterator[tuple[str, str]]:
    """(https base, http base): the TLS one redirects /downgrade to the plain one. A client
    that refuses the certificate hangs up mid-handshake: the helper's server expects that."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with LoopbackServer(_Answer) as plain:
        handler = type("Tls", (_Answer,), {"plain_base": plain.base_url})
        with LoopbackServer(handler, tls=context) as secure:
            yield secure.base_url, plain.base_url


@pytest.fixture()
def fresh_ssl_context() -> Iterator[None]:
    """The follower builds its SSL context once per process; these tests change trust."""
    transport.ssl_context.cache_clear()
    yield
    transport.ssl_context.cache_clear()


def follow(url: str, kind: str) -> LinkResult:
    settings = LinkSettings(timeout=5.0, retries=0, transport=kind)

    async def run() -> LinkResult:
        async with Follower(settings) as follower:
            return await follower.follow(url)

    return asyncio.run(run())


@pytest.mark.parametrize("kind", ["asyncio", "aiohttp", "httpx"])
def test_an_untrusted_certificate_is_a_tls_failure(servers, fresh_ssl_context, kind):
    secure, _ = servers
    result = follow(f"{secure}/?utm_source=x", kind)
    assert (result.verdict, result.reason) == ("broken", "tls")
    assert "certificate" in (result.error or "").lower()


@pytest.mark.parametrize("kind", ["asyncio", "aiohttp", "httpx"])
def test_https_to_http_is_seen_once_the_certificate_is_trusted(
    servers, ca, tmp_path: Path, monkeypatch, fresh_ssl_context, kind
):
    secure, plain = servers
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    result = follow(f"{secure}/downgrade?utm_source=x", kind)
    assert result.verdict == "ok"
    assert [h.url for h in result.hops] == [
        f"{secure}/downgrade?utm_source=x",
        f"{plain}/landing?utm_source=x",
    ]
    findings = https_downgrade(result, {}, lambda message, evidence, location: message)
    assert findings == [f"https → http at hop 1 ({result.hops[0].url} → {result.hops[1].url})"]
