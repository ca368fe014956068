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

from playwright.async_api import BrowserContext, Route

from tagaudit import providers

ONE_PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
CORS_HEADERS = {
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Cache-Control": "no-store",
}
# Requests this module answered, so the recorder can mark them `answered_locally`.
ANSWERED: weakref.WeakSet = weakref.WeakSet()


def interception_pattern() -> re.Pattern[str]:
    """A regex anchored on scheme and host (never a substring match of the whole URL).

    It matches every vendor collection host in the catalog, plus any host for the paths that
    first-party and server-side tagging use (`/g/collect`, `/tr`, …); the handler then asks
    `providers.is_collection_endpoint` for the exact answer.
    """
    hosts = sorted(providers.collection_hosts(), key=len, reverse=True)
    host_alt = "|".join(re.escape(h) for h in hosts)
    paths = "|".join(re.escape(p) for p in providers.first_party_paths())
    host_part = rf"(?:[^/?#@]*\.)?(?:{host_alt})" if host_alt else r"(?!)"
    path_part = rf"|[^/?#]+(?:{paths})(?:[/?;#]|$)" if paths else ""
    return re.compile(rf"^https?://(?:{host_part}(?::\d+)?(?:[/?#]|$){path_part})")


async def answer_hit(route: Route) -> None:
    """Fulfil a collection hit locally; let anything else through untouched."""
    request = route.request
    if not providers.is_collection_endpoint(request.url):
        await route.fallback()
        return
    ANSWERED.add(request)
    origin = request.headers.get("origin")
    headers = {**CORS_HEADERS, "Access-Control-Allow-Origin": origin or "*"}
    if request.resource_type == "image":
        await route.fulfill(
            status=200, body=ONE_PIXEL_GIF, content_type="image/gif", headers=headers
        )
    else:
        await route.fulfill(status=204, body=b"", headers=headers)


async def install_hit_route(context: BrowserContext) -> None:
    """Route matching requests of every page, frame and worker of `context` to `answer_hit`."""
    await context.route(interception_pattern(), answer_hit)
