"""The hop-by-hop follower: requests over aiohttp (or an httpx transport), redirects never
automatic, one LinkResult a link.

Owns the HTTP side of the link checker: a global concurrency limit (links in flight), a
per-host limit (requests in flight per host, held until the answer's body is read), retries
on 429/5xx honouring `Retry-After`, deduplication of identical URLs, a cookie jar per link,
and meta refresh / `Refresh:` header hops parsed from 200 answers. Loops are found with a
visited set and reported with their cycle. Each hop's URL is kept as the server wrote it
(joined with the previous hop when relative), so the parameter ledger sees encoding changes.
Every wait is bounded (links.pacing): a link's `timeout` is spent only by its own requests
and backoff sleeps, not by its wait for a turn at a host; the run's deadline bounds that.

Requests go out through links.exchange: straight to aiohttp by default, or through an httpx
transport, never through AsyncClient.send: measured on 1000 links x 3 redirects, the client
spent a quarter of the CPU on work the follower then threw away (building `next_request`
again, feeding its own cookie jar), and httpx's request and response objects as much again
as aiohttp's own work. The redirect rules a client would apply live here instead: RFC 9110
redirect statuses, the browsers' method change, fragments inherited across hops; URLs are
checked and normalised by `httpx.URL`, and a link's cookies kept in an `httpx.Cookies` jar
made on its first Set-Cookie.

Many links are spread over worker processes by links.shards, which runs `follow_slice` in
each (the follower hands it over, so shards never imports the follower). Imports httpx, never
Playwright; browser hops come in through `links.navigator`.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urljoin, urlsplit

import httpx

from tagaudit.links import meta
from tagaudit.links.exchange import Answer, make_exchange
from tagaudit.links.outcome import (
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    classify_error,
    is_bot_wall,
    verdict_for_status,
)
from tagaudit.links.pacing import LinkClock, retry_wait, run_limit, seconds, within
from tagaudit.links.servers import server_of
from tagaudit.links.settings import LinkSettings
from tagaudit.links.shards import follow_sharded, shard_count
from tagaudit.links.transport import redirect_method
from tagaudit.model import Hop, LinkResult
from tagaudit.model.params import build_ledger

LOOP_SHOWN = 8  # hops of a redirect loop named in its error (all are in landing["cycle"])


class Follower:
    """Follows links over one shared transport; use as `async with Follower(settings) as f`.

    The connection pool (links.exchange) is opened on first use, so a run that shards its
    links over worker processes never opens one here. A `transport` given (tests give
    `httpx.MockTransport`) is used as it is and left open.
    """

    def __init__(
        self, settings: LinkSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._owns_transport = transport is None
        self._exchange = make_exchange(settings, transport)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._links: asyncio.Semaphore | None = None
        self._done: dict[str, LinkResult] = {}

    async def __aenter__(self) -> Follower:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._exchange.aclose()

    async def follow_all(
        self, urls: list[str], done: dict[str, LinkResult] | None = None
    ) -> dict[str, LinkResult]:
        """Follow every distinct URL once (identical URLs share one result).

        `done`, when given, is filled as links finish, so an interrupted run keeps them.
        """
        self._done = done if done is not None else {}
        self._links = asyncio.Semaphore(self.settings.concurrency)
        distinct = list(dict.fromkeys(urls))
        shards = shard_count(self.settings, len(distinct)) if self._owns_transport else 1
        if shards > 1:
            return await follow_sharded(follow_slice, distinct, self.settings, shards, self._done)
        limit = run_limit(self.settings, len(distinct))
        deadline = time.monotonic() + limit
        results = await asyncio.gather(*(self._limited(url, deadline, limit) for url in distinct))
        return dict(zip(distinct, results, strict=True))

    async def _limited(self, url: str, deadline: float, limit: float) -> LinkResult:
        assert self._links is not None
        async with self._links:
            result = await self._follow(url, deadline, limit)
        self._done[url] = result
        return result

    async def follow(self, url: str) -> LinkResult:
        """Follow one link to its end; problems become the result's verdict, never raise."""
        limit = run_limit(self.settings, 1)
        return await self._follow(url, time.monotonic() + limit, limit)

    async def _follow(self, url: str, deadline: float, limit: float) -> LinkResult:
        """One link, on its own clock, cut short (unverifiable) at the run's `deadline`."""
        result = LinkResult(url=url)
        clock = LinkClock(self.settings.timeout)
        try:
            await within(self._walk(result, clock), deadline - time.monotonic())
        except (asyncio.TimeoutError, TimeoutError):
            state = "unfinished" if clock.started else "not started (waiting for its turn)"
            text = f"{state} when the run's time limit ({seconds(limit)} s) ran out"
            _fail(result, "unverifiable", "run-timeout", text)
        result.ledger = build_ledger(result.hops, self.settings.extra_params)
        if result.hops:
            result.final_url = result.hops[-1].url
            result.final_status = result.hops[-1].status
        return result

    async def _walk(self, result: LinkResult, clock: LinkClock) -> None:
        jar: httpx.Cookies | None = None  # created on the first Set-Cookie (most links: none)
        raw_url, method = result.url, self.settings.method
        visited = {raw_url.split("#", 1)[0]}
        try:
            url = httpx.URL(raw_url)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as problem:
            result.hops.append(Hop(url=raw_url))
            _fail(result, "broken", "invalid-url", f"not a URL that can be fetched: {problem}")
            return
        while True:
            hop = Hop(url=raw_url)
            result.hops.append(hop)
            cookie = _cookie_header(jar, method, url) if jar is not None else None
            left = clock.left
            try:
                answer, advice = await self._send(method, url, cookie, clock)
            except (asyncio.TimeoutError, TimeoutError):  # this link's clock ran out
                _fail(result, "broken", "timeout", f"no answer within {clock.total:g} s")
                return
            except Exception as problem:  # any transport error is this link's verdict
                reason, text = classify_error(problem)
                _fail(result, "broken", reason, text)
                return
            finally:
                hop.elapsed = round(left - clock.left, 4)  # its own time, not the queue's
            step = self._next_hop(hop, method, answer, advice, result)
            if answer.set_cookies:
                jar = jar or httpx.Cookies()
                _keep_cookies(jar, method, url, answer)
            if step is None:
                return
            next_raw, method, url = step
            if not self._may_continue(result, next_raw, visited):
                return
            raw_url = next_raw

    def _next_hop(
        self, hop: Hop, method: str, answer: Answer, advice: str | None, result: LinkResult
    ) -> tuple[str, str, httpx.URL] | None:
        """Record the answer on `hop`; return where it sends us next (URL as written, method,
        URL to send), or None with the verdict set."""
        raw_url = hop.url
        status = hop.status = answer.status
        fields = answer.fields
        hop.server = server_of(fields)
        location = fields.get("location")
        if location is not None and status in REDIRECT_STATUSES:
            hop.location = location
            target = _inherit_fragment(_absolute(raw_url, location), raw_url)
            try:
                return target, redirect_method(method, status), httpx.URL(target)
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as problem:
                _fail(result, "broken", "invalid-location", f"invalid Location: {problem}")
                return None
        body = answer.body
        if is_bot_wall(status, fields, body[:65536]):
            _fail(result, "unverifiable", "bot-wall", f"bot wall (status {status})")
            return None
        verdict, reason = verdict_for_status(status, "retry-after" in fields)
        if verdict != "ok":
            text = f"HTTP {status}; {advice}" if advice else f"HTTP {status}"
            _fail(result, verdict, reason, text)
            return None
        target = meta.refresh_target(fields, body)
        if target is None:
            return None
        absolute = _inherit_fragment(_absolute(raw_url, target), raw_url)
        if absolute.split("#", 1)[0] == raw_url.split("#", 1)[0]:
            return None  # a page that refreshes itself reloads; it does not redirect
        hop.location, hop.via = target, "meta"
        try:
            return absolute, "GET", httpx.URL(absolute)
        except (httpx.InvalidURL, ValueError) as problem:
            _fail(result, "broken", "invalid-location", f"invalid refresh URL: {problem}")
            return None

    def _may_continue(self, result: LinkResult, next_raw: str, visited: set[str]) -> bool:
        """Stop on a loop (with its cycle) or when the hop cap is reached."""
        key = next_raw.split("#", 1)[0]
        scheme = next_raw.partition(":")[0].lower()  # next_raw is absolute (see _absolute)
        if scheme not in ("http", "https"):
            _fail(result, "broken", "unsupported-scheme", f"redirect to a {scheme}: URL")
            return False
        if key in visited:
            urls = [h.url.split("#", 1)[0] for h in result.hops]
            cycle = [*urls[urls.index(key) :], key]
            result.landing["cycle"] = cycle
            _fail(result, "broken", "loop", _loop_text(cycle))
            return False
        if len(result.hops) >= self.settings.max_hops + 1:
            result.hops[-1].location = result.hops[-1].location or next_raw
            text = f"more than {self.settings.max_hops} redirects"
            _fail(result, "broken", "too-many-hops", text)
            return False
        visited.add(key)
        return True

    async def _send(
        self, method: str, url: httpx.URL, cookie: str | None, clock: LinkClock
    ) -> tuple[Answer, str | None]:
        """The answer (with as much body as the verdict needs) and why it was not retried.

        The wait for a turn at the host is off the link's clock (the run's deadline bounds
        it); sending, the answer and backoff sleeps are on it. 429/5xx are retried while the
        wait fits (links.pacing.retry_wait).
        """
        host = url.host
        gate = self._hosts.get(host) or self._hosts.setdefault(
            host, asyncio.Semaphore(self.settings.per_host)
        )
        attempt = 0
        while True:
            async with gate:
                answer = await clock.spend(self._exchange.send(method, url, cookie))
            if answer.status not in RETRY_STATUSES:
                return answer, None
            advised = answer.fields.get("retry-after")
            wait, advice = retry_wait(advised, attempt, self.settings, clock.left)
            if wait is None:
                return answer, advice
            await clock.spend(asyncio.sleep(wait))
            attempt += 1


async def follow_slice(
    urls: list[str], settings: LinkSettings, done: dict[str, LinkResult]
) -> None:
    """A link worker's share (links.shards runs it in each forked process): follow `urls`
    with a Follower of its own, each result set in `done` as it finishes."""
    async with Follower(settings) as follower:
        await follower.follow_all(urls, done=done)


def _cookie_header(jar: httpx.Cookies, method: str, url: httpx.URL) -> str | None:
    """The Cookie header the link's jar sends to `url` (httpx matches domain and path)."""
    request = httpx.Request(method, url)
    jar.set_cookie_header(request)
    return request.headers.get("cookie")


def _keep_cookies(jar: httpx.Cookies, method: str, url: httpx.URL, answer: Answer) -> None:
    """Put the answer's Set-Cookie lines into the link's jar (httpx checks where they go)."""
    headers = [("set-cookie", line) for line in answer.set_cookies]
    jar.extract_cookies(
        httpx.Response(answer.status, headers=headers, request=httpx.Request(method, url))
    )


def _absolute(base: str, location: str) -> str:
    """The Location as the server wrote it, made absolute (urljoin only when it must).

    Absolute URLs and plain absolute paths (`/promo?x=1`, no dot segments) are the common
    case and are joined as strings; everything else goes through urljoin (RFC 3986 5.2).
    """
    if location.startswith(("http://", "https://")):
        return location
    if location[:1] == "/" and location[1:2] != "/" and "/." not in location.split("?", 1)[0]:
        start = base.find("://") + 3
        ends = [i for i in (base.find(c, start) for c in "/?#") if i >= 0]
        return base[: min(ends, default=len(base))] + location
    return urljoin(base, location)


def _inherit_fragment(url: str, previous: str) -> str:
    """A Location without a fragment keeps the previous one (RFC 9110 10.2.2)."""
    if "#" in url or "#" not in previous:
        return url
    return f"{url}#{previous.split('#', 1)[1]}"


def _fail(result: LinkResult, verdict: str, reason: str | None, text: str) -> None:
    result.verdict, result.reason, result.error = verdict, reason, text


def _loop_text(cycle: list[str]) -> str:
    """The cycle in one line; a long one (100 hops) keeps its ends and says how long it is."""
    names = [_short(u) for u in cycle]
    if len(names) <= LOOP_SHOWN:
        return "redirect loop: " + " → ".join(names)
    shown = [*names[:3], "…", *names[-2:]]
    return f"redirect loop of {len(names) - 1} hops: " + " → ".join(shown)


def _short(url: str) -> str:
    return urlsplit(url).path or "/"
