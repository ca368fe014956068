"""Answering tracking hits locally, so a pre-launch audit never pollutes production analytics.

Requests to known vendor collection endpoints are fulfilled here (a 1×1 GIF for images, 204
for everything else) and never delivered; tag libraries (gtag.js, fbevents.js …) load as
usual. Only requests whose URL matches the interception pattern are paused by the browser,
so ordinary page traffic pays nothing for this.
"""

from __future__ import annotations

import base64
import re
import weakref
from typing import Any

from playwright.async_api import BrowserContext, Route

from tagaudit.browser.leaving import mute_script
from tagaudit.providers.routing import Catalog, default_catalog

ONE_PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
CORS_HEADERS = {
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Cache-Control": "no-store",
}
# Requests this module answered, so the recorder can mark them `answered_locally`.
ANSWERED: weakref.WeakSet = weakref.WeakSet()


def interception_pattern(catalog: Catalog | None = None) -> re.Pattern[str]:
    """A regex for the URLs the browser must pause: anchored on scheme and host.

    Built from the catalog's collection endpoints: their hosts (exact, `*.suffix`,
    `prefix.*`), and for any-host endpoints (first-party GA4 `/g/collect`, self-hosted
    Matomo …) their path patterns. Playwright evaluates it in the browser process too, so it
    must mean the same in Python and JavaScript: no named groups, `$` as a lookahead. The
    handler then asks the catalog for the exact answer.
    """
    hosts: set[str] = set()
    paths: set[str] = set()
    for provider in (catalog or default_catalog()).providers.values():
        for endpoint in provider.endpoints:
            if not endpoint.is_collection:
                continue
            if "*" in endpoint.hosts:
                paths.update(_portable_path(p.pattern) for p in endpoint.paths)
            hosts.update(_host_regex(h) for h in endpoint.hosts if h != "*")
    alternatives = [rf"(?:{'|'.join(sorted(hosts))})(?::\d+)?(?=[/?#]|$)"] if hosts else []
    alternatives += [rf"[^/?#]+{path}" for path in sorted(paths)]
    return re.compile(rf"^https?://(?:{'|'.join(alternatives) or '(?!)'})")


def _host_regex(host: str) -> str:
    if host.startswith("*."):
        return rf"(?:[^/?#@:]+\.)?{re.escape(host[2:])}"
    if host.endswith(".*"):
        return rf"{re.escape(host[:-1])}[^/?#@:]+"
    return re.escape(host)


def _portable_path(pattern: str) -> str:
    """A path regex (searched in the path) rewritten to follow the host in a full URL."""
    body = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    body = body[1:] if body.startswith("^") else rf"[^?#]*?{body}"
    return body[:-1] + "(?=[?#]|$)" if body.endswith("$") else body


def local_answer(request: Any, catalog: Catalog | None = None) -> dict[str, Any] | None:
    """How to answer `request` here (fulfil arguments), or None to let it through.

    As the vendor would (the catalog's `answer:`) where an SDK reads the answer: PostHog
    re-sends on a 204, Amplitude on a body without `code`. Else a GIF for images, 204.
    """
    catalog = catalog or default_catalog()
    match = catalog.match(request.url)  # routed once: whether to answer, and how
    if match is None or not match.endpoint.is_collection:
        return None
    ANSWERED.add(request)
    origin = request.headers.get("origin")
    headers = {**CORS_HEADERS, "Access-Control-Allow-Origin": origin or "*"}
    if match.endpoint.answer:
        return {**dict(match.endpoint.answer), "headers": headers}
    if request.resource_type == "image":
        return {
            "status": 200,
            "body": ONE_PIXEL_GIF,
            "content_type": "image/gif",
            "headers": headers,
        }
    return {"status": 204, "body": b"", "headers": headers}


async def answer_hit(route: Route, catalog: Catalog | None = None) -> None:
    """Fulfil a collection hit locally; let anything else through untouched."""
    answer = local_answer(route.request, catalog)
    if answer is None:
        await route.fallback()
    else:
        await route.fulfill(**answer)


async def install_hit_route(
    context: BrowserContext, catalog: Catalog | None = None, pattern: re.Pattern[str] | None = None
) -> None:
    """Route matching requests of every page, frame and worker of `context` to `answer_hit`,
    and mute tracking beacons during real unloads, which routes never see (leaving.py)."""
    pattern = pattern or interception_pattern(catalog)
    await context.route(pattern, lambda route: answer_hit(route, catalog))
    await context.add_init_script(mute_script(pattern))
