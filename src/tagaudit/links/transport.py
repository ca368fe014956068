"""The connections the follower sends on: our HTTP/1.1 client, our aiohttp session, or an
httpx transport.

The transport is a setting, chosen by measurement (benchmarks/bench_links.py): `asyncio`
(links.http1, the default: the least CPU a request), `aiohttp` (an aiohttp session of our
own, which links.exchange speaks to directly; httpx-aiohttp wraps the same session for
callers that want an httpx transport) or `httpx` (httpx's stock httpcore pool). Tests pass
`httpx.MockTransport` to the follower instead. `asyncio` speaks no proxy protocol: with a
proxy set in the environment the run uses aiohttp (`used_transport`).

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


def used_transport(settings: LinkSettings) -> str:
    """The transport a run really sends on: `asyncio` gives way to `aiohttp` (which honours
    them) when HTTP_PROXY, HTTPS_PROXY or ALL_PROXY is set."""
    if settings.transport == "asyncio" and _proxied():
        return "aiohttp"
    return settings.transport


def _proxied() -> bool:
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


def prepare(settings: LinkSettings, secure: bool = True) -> None:
    """Import the transport's modules and, when an https link is among the inputs
    (`secure`), read the CA bundle now (about 0.1 s of CPU; plain http links never need it).

    Called before forking link workers (links.shards), so they inherit both instead of
    each paying for them while they compete with each other for the cores.
    """
    chosen = used_transport(settings)
    if secure or chosen != "asyncio":
        ssl_context()
    if chosen == "aiohttp":
        import httpx_aiohttp  # noqa: F401


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context (certifi), built once per process."""
    return httpx.create_ssl_context()


def _limits(settings: LinkSettings) -> httpx.Limits:
    size = max(settings.concurrency, settings.per_host) * 2
    return httpx.Limits(max_connections=size, max_keepalive_connections=size)


def make_session(settings: LinkSettings):  # type: ignore[no-untyped-def]  # aiohttp.ClientSession
    """Our aiohttp session: no cookie jar, the CA bundle, proxies from the environment when
    set. Call it inside the event loop that will use it."""
    import aiohttp

    limits = _limits(settings)
    connector = aiohttp.TCPConnector(
        limit=limits.max_connections, keepalive_timeout=limits.keepalive_expiry, ssl=ssl_context()
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=bool(urllib.request.getproxies()),
    )


def make_transport(settings: LinkSettings) -> httpx.AsyncBaseTransport:
    """The httpx transport `settings.transport` names, sized for the settings' limits (the
    follower itself speaks to aiohttp directly: links.exchange)."""
    limits = _limits(settings)
    if settings.transport == "httpx":
        return httpx.AsyncHTTPTransport(verify=ssl_context(), limits=limits)
    from httpx_aiohttp import AiohttpTransport

    return AiohttpTransport(
        verify=ssl_context(), limits=limits, client=lambda: make_session(settings)
    )


def redirect_method(method: str, status: int) -> str:
    """The method after a redirect, as browsers do it (Fetch standard, HTTP-redirect fetch)."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method != "HEAD"):
        return "GET"
    return method
