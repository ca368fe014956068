"""One request and its answer, as the follower needs them: status, header fields, cookies set,
and as much of the body as a verdict needs. Three ways to send, chosen by the settings:

- `Http1Exchange` (the default `asyncio` transport) sends on links.http1, a small HTTP/1.1
  client made for these requests: about a third of aiohttp's CPU a request (measured in
  benchmarks/bench_links.py). It speaks no proxy protocol, so with HTTP_PROXY / HTTPS_PROXY
  / ALL_PROXY set the run sends through aiohttp instead (`report.config.transport` says
  which one was used).
- `AiohttpExchange` (the `aiohttp` transport) speaks to an aiohttp session directly.
  Measured on 4,000 loopback requests (benchmarks/bench_links.py): building an
  `httpx.Request` for every hop and an `httpx.Response` for every answer, and converting
  between the two libraries, took more CPU than aiohttp's own work; without them a hop
  costs about half. The URL sent is the one httpx would send (`httpx.URL`, so the same
  URLs are refused with the same words and the same bytes reach the server) and aiohttp's
  errors are mapped to httpx's (httpx-aiohttp's own table), so verdicts do not change.
- `HttpxExchange` sends through any httpx transport: the `httpx` setting (httpcore) and the
  tests' `httpx.MockTransport`.

Imports httpx, aiohttp (lazily), links.http1 and the link settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from tagaudit.links.http1 import Http1Client
from tagaudit.links.settings import LinkSettings
from tagaudit.links.transport import make_session, make_transport, ssl_context, used_transport

# Answers whose body is read: meta refresh (200), challenge pages (403/429/503), odd codes.
BODY_STATUSES = frozenset({200, 403, 429, 503})


@dataclass
class Answer:
    """What one request got back. `fields` maps lower-cased header names to their (last)
    value; `set_cookies` keeps every Set-Cookie line."""

    status: int
    fields: dict[str, str]
    set_cookies: list[str] = field(default_factory=list)
    body: bytes = b""


def wants_body(status: int) -> bool:
    return status in BODY_STATUSES or status >= 900


def request_headers(settings: LinkSettings) -> dict[str, str]:
    return {
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "keep-alive",
        "User-Agent": settings.user_agent,
    }


class Http1Exchange:
    """Sends on links.http1's client (kept-alive connections per host, no cookie jar)."""

    def __init__(self, settings: LinkSettings) -> None:
        self.settings = settings
        self._client = Http1Client(ssl_context)
        fixed = request_headers(settings)
        self._headers = "".join(f"{name}: {value}\r\n" for name, value in fixed.items()).encode()

    async def send(self, method: str, url: httpx.URL, cookie: str | None) -> Answer:
        headers = self._headers
        if cookie:
            headers += f"Cookie: {cookie}\r\n".encode("latin-1", "replace")
        reply = await self._client.send(method, url, headers, wants_body, self.settings.max_body)
        return Answer(reply.status, reply.fields, reply.set_cookies, reply.body)

    async def aclose(self) -> None:
        await self._client.aclose()


class HttpxExchange:
    """Sends through an httpx transport (its own, or one the caller owns)."""

    def __init__(
        self, settings: LinkSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._owns = transport is None
        self._transport = transport
        self._headers = httpx.Headers(request_headers(settings))
        self._extensions = {"timeout": httpx.Timeout(settings.timeout).as_dict()}

    async def send(self, method: str, url: httpx.URL, cookie: str | None) -> Answer:
        if self._transport is None:
            self._transport = make_transport(self.settings)
        headers = self._headers
        if cookie:
            headers = headers.copy()
            headers["Cookie"] = cookie
        request = httpx.Request(method, url, headers=headers, extensions=self._extensions)
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            body = b""
            if wants_body(response.status_code):
                body = await _read_some(response.aiter_bytes(), self.settings.max_body)
            fields = dict(response.headers.multi_items())  # names come lower-cased
            cookies = response.headers.get_list("set-cookie")
            return Answer(response.status_code, fields, cookies, body)
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        if self._owns and self._transport is not None:
            await self._transport.aclose()


class AiohttpExchange:
    """Sends on an aiohttp session of its own (see transport.make_session)."""

    def __init__(self, settings: LinkSettings) -> None:
        import aiohttp

        self.settings = settings
        self._session: Any = None
        self._headers = request_headers(settings)
        self._timeout = aiohttp.ClientTimeout(
            sock_connect=settings.timeout, sock_read=settings.timeout, connect=settings.timeout
        )

    async def send(self, method: str, url: httpx.URL, cookie: str | None) -> Answer:
        from httpx_aiohttp.transport import map_aiohttp_exceptions
        from yarl import URL

        if self._session is None:
            self._session = make_session(self.settings)
        headers = {**self._headers, "Cookie": cookie} if cookie else self._headers
        with map_aiohttp_exceptions():  # httpx's exception types: the verdicts read them
            async with self._session.request(
                method,
                URL(str(url), encoded=True),  # exactly the bytes httpx would send
                headers=headers,
                allow_redirects=False,
                timeout=self._timeout,
            ) as response:
                body = b""
                if wants_body(response.status):
                    body = await _read_some(
                        response.content.iter_chunked(16 * 1024), self.settings.max_body
                    )
                fields = {name.lower(): value for name, value in response.headers.items()}
                cookies = response.headers.getall("Set-Cookie", [])
                return Answer(response.status, fields, cookies, body)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def make_exchange(
    settings: LinkSettings, transport: httpx.AsyncBaseTransport | None = None
) -> Http1Exchange | HttpxExchange | AiohttpExchange:
    """A given transport is used as it is; else the settings' transport decides (the
    `asyncio` one gives way to aiohttp when proxies are set: transport.used_transport)."""
    if transport is not None:
        return HttpxExchange(settings, transport)
    chosen = used_transport(settings)
    if chosen == "asyncio":
        return Http1Exchange(settings)
    if chosen == "aiohttp":
        return AiohttpExchange(settings)
    return HttpxExchange(settings)


async def _read_some(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """Up to `limit` bytes of a body's `chunks` (enough for a meta refresh or a challenge
    page); the rest is never read."""
    kept: list[bytes] = []
    size = 0
    async for chunk in chunks:
        kept.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(kept)
