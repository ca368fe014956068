"""Is the site's own collector up? A harmless probe, so a page whose hits go there cannot look
clean while that collector is down.

Hits to a vendor's collection endpoint are answered locally (browser/hits.py) and count as
delivered: they would have been. A hit bound for the site's *own* collector (a server-side
tag container on the site's domain, `https://shop.example/metrics/g/collect`) is answered
locally too, so its real answer is never seen, and a collector that is down would pass.
Delivering the hit would tell, and would also put an audit's events into production.

So each such endpoint (origin and path: no query, no body) gets one probe per run: a CORS
preflight, `OPTIONS` with `Origin` and `Access-Control-Request-Method: POST`, which carries
no event and which no collector records. The answer is kept on every hit request bound for
that endpoint (`Request.collector`): a gateway error (500, 502, 503, 504) or no answer at
all (refused, reset, DNS, timeout) means the collector is down, and the hits count as not
delivered (`Request.delivery_problem`); any other status (2xx, 404, 405, 501 …) means
something answers there. With `--deliver-hits` nothing is answered locally and the hits'
own answers are kept instead. Imports the model only, and Playwright.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from tagaudit.model import PageVisit, Request

if TYPE_CHECKING:
    from tagaudit.browser.session import BrowserSession

PROBE_TIMEOUT = 10.0  # seconds for one probe's answer
PROBES = 20  # endpoints probed at most per run (a site has one or two collectors)


def site_of(host: str) -> str:
    """The registrable part of a host, roughly: its last two labels (`shop.example` for
    `sgtm.shop.example`); an IP address or a one-label host is its own site."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if host.replace(".", "").isdigit() or ":" in host or len(labels) <= 2:
        return host
    return ".".join(labels[-2:])


def own_collector_requests(visit: PageVisit) -> list[Request]:
    """The visit's hit requests that were answered locally but were bound for a host of the
    audited site itself (its own collector), not a vendor's."""
    page_site = site_of(urlsplit(visit.final_url or visit.url).hostname or "")
    found = []
    for hit in visit.hits:
        request = visit.request_of(hit)
        if hit.kind != "hit" or request is None or not request.answered_locally:
            continue
        host = urlsplit(request.url).hostname or ""
        if page_site and site_of(host) == page_site:
            found.append(request)
    return found


def endpoint_of(url: str) -> str:
    """`https://shop.example/metrics/g/collect` from a hit URL: origin and path only."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"


async def check_own_collectors(session: BrowserSession, visits: Iterable[PageVisit]) -> None:
    """Probe the own collectors of `visits` in a context of the run's browser (none is
    opened when no hit went to the site's own collector), and note each answer on the
    requests sent there."""
    visits = list(visits)
    endpoints: dict[str, str] = {}
    for visit in visits:
        for endpoint, origin in own_endpoints(visit):
            endpoints.setdefault(endpoint, origin)
    answers = await probe_endpoints(session, endpoints)
    for visit in visits:
        note_answers(visit, answers)


def own_endpoints(visit: PageVisit) -> list[tuple[str, str]]:
    """(endpoint, the page's origin) of each request the visit sent to its own collector:
    what a run keeps of a page to probe its collectors at the end (its pages may be on
    disk by then, tagaudit.runner.spool)."""
    page = urlsplit(visit.final_url or visit.url)
    origin = f"{page.scheme}://{page.netloc}"
    return [(endpoint_of(r.url), origin) for r in own_collector_requests(visit)]


async def probe_endpoints(session: BrowserSession, endpoints: dict[str, str]) -> dict[str, str]:
    """The answer of each own-collector endpoint (endpoint → the origin of a page that sent
    to it), the first PROBES of them, probed once each in a context of its own."""
    if not endpoints or session.lost:
        return {}
    context = await session.new_context()
    try:
        return await probe_collectors(context, endpoints)
    finally:
        with contextlib.suppress(PlaywrightError, asyncio.TimeoutError):
            await asyncio.wait_for(context.close(), PROBE_TIMEOUT)


async def probe_collectors(context: BrowserContext, endpoints: dict[str, str]) -> dict[str, str]:
    """Probe each endpoint (→ the origin it is probed from), the first PROBES of them."""
    chosen = list(endpoints)[:PROBES]
    answers = await asyncio.gather(*(probe(context, e, endpoints[e]) for e in chosen))
    return dict(zip(chosen, answers, strict=True))


def note_answers(visit: PageVisit, answers: dict[str, str]) -> bool:
    """Note on each of the visit's own-collector requests what its endpoint answered
    (`Request.collector`); whether any was noted."""
    noted = False
    for request in own_collector_requests(visit):
        answer = answers.get(endpoint_of(request.url))
        if answer is not None:
            request.collector, noted = answer, True
    return noted


async def probe(context: BrowserContext, endpoint: str, origin: str) -> str:
    """How `endpoint` answers a CORS preflight from `origin`: `HTTP 204`, or the error."""
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    try:
        response = await context.request.fetch(
            endpoint,
            method="OPTIONS",
            headers=headers,
            timeout=PROBE_TIMEOUT * 1000,
            max_redirects=0,
        )
    except PlaywrightError as problem:
        return _network_error(str(problem))
    status = response.status
    await response.dispose()
    return f"HTTP {status}"


def _network_error(text: str) -> str:
    """`net::ERR_CONNECTION_REFUSED` or the first line of what went wrong."""
    for word in text.replace("\n", " ").split():
        if word.startswith(("net::", "ECONN", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH")):
            return word.rstrip(":,")
    if "timeout" in text.lower():
        return f"no answer within {PROBE_TIMEOUT:g} s"
    return text.strip().splitlines()[0][:120] if text.strip() else "no answer"
