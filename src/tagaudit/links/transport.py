"""The httpx transport the follower sends through, and the requests it sends.

The follower speaks httpx's transport API (`handle_async_request(httpx.Request)` →
`httpx.Response`) so the transport is a setting, chosen by measurement
(benchmarks/bench_links.py): `aiohttp` (httpx-aiohttp over an aiohttp session of our own) or
`httpx` (httpx's stock httpcore pool). Tests pass `httpx.MockTransport` the same way.

The aiohttp session is built here rather than by httpx-aiohttp because its default keeps a
cookie jar for the whole run: a cookie set by one link's redirector would ride along on every
other link to that host. Ours has no jar; each link keeps its own (see `follower`). It also
honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY when they are set (CI behind a proxy); when none
is, it skips aiohttp's per-request look-ups of them.
"""

from __future__ import annotations

import functools
import ssl
import urllib.request

import httpx

from tagaudit.links.settings import LinkSettings


def prepare(settings: LinkSettings) -> None:
    """Import the transport's modules and read the CA bundle now (about 0.1 s of CPU).

    Called before forking link workers (links.shards), so they inherit both instead of
    each paying for them while they compete with each other for the cores.
    """
    ssl_context()
    if settings.transport == "aiohttp":
        import httpx_aiohttp  # noqa: F401


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context (certifi), built once per process."""
    return httpx.create_ssl_context()


def make_transport(settings: LinkSettings) -> httpx.AsyncBaseTransport:
    """The transport `settings.transport` names, sized for the settings' limits."""
    size = max(settings.concurrency, settings.per_host) * 2
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    if settings.transport == "httpx":
        return httpx.AsyncHTTPTransport(verify=ssl_context(), limits=limits)
    from httpx_aiohttp import AiohttpTransport

    def session():  # type: ignore[no-untyped-def]  # called once, inside the event loop
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=size, keepalive_timeout=limits.keepalive_expiry, ssl=ssl_context()
        )
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=bool(urllib.request.getproxies()),
        )

    return AiohttpTransport(verify=ssl_context(), limits=limits, client=session)


class RequestMaker:
    """Builds the follower's requests: default headers and the timeout, once per run."""

    def __init__(self, settings: LinkSettings) -> None:
        self.headers = httpx.Headers(
            {
                "Accept": "*/*",
                "Accept-Encoding": "gzip, deflate",
                "Connection": "keep-alive",
                "User-Agent": settings.user_agent,
            }
        )
        self.extensions = {"timeout": httpx.Timeout(settings.timeout).as_dict()}

    def request(self, method: str, url: str) -> httpx.Request:
        """A request for `url` (raises httpx.InvalidURL / UnsupportedProtocol when it is bad)."""
        return httpx.Request(method, url, headers=self.headers, extensions=self.extensions)


def redirect_method(method: str, status: int) -> str:
    """The method after a redirect, as browsers do it (Fetch standard, HTTP-redirect fetch)."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method != "HEAD"):
        return "GET"
    return method
