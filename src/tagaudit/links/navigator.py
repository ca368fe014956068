"""The small Protocol through which the link checker uses a real browser, and what it learns.

The follower is httpx-only; JavaScript redirects and the landing page's analytics need
Chromium. `browser/link_navigator.py` implements `LinkNavigator` (links never imports
Playwright): it loads a link in a fresh context and returns a model `PageVisit` with its hops
(`via` = `http`, `meta` or `js`), final URL, decoded tag hits and cookie names. This module
merges that visit into the `LinkResult`: JS hops past where httpx stopped extend the chain
(and the ledger), a different landing is recorded, and the tracking parameters that reached
the page's analytics are listed. Imports only the model and links.params.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from tagaudit.model import CLICK_IDS, KEPT_NAVIGATING, LinkResult, PageVisit, to_dict
from tagaudit.model.params import build_ledger, tracking_params
from tagaudit.model.reached import consent_state


class LinkNavigator(Protocol):
    """Loads one link in a real browser; never raises for a page problem (sets `error`)."""

    async def visit(self, url: str, *, timeout: float, settle: float) -> PageVisit: ...


def _without_fragment(url: str | None) -> str:
    return (url or "").split("#", 1)[0]


def merge_visit(
    result: LinkResult, visit: PageVisit, extra: Iterable[str] = (), max_hops: int = 10
) -> None:
    """Fold what the browser saw into `result` (hops, landing, analytics continuity).

    Client-side redirects count against `max_hops` like HTTP ones: a landing page that
    redirects itself without end (JavaScript, meta refresh) is a broken link, not an `ok`
    one with a browser error.
    """
    extra = tuple(extra)
    http_final = result.final_url
    if visit.error and not visit.hops:
        result.landing = {"browser_error": visit.error}
        return
    _trust_http_meta(result, visit)
    _extend_with_client_hops(result, visit)
    _judge_client_hops(result, max_hops)
    if result.verdict == "ok" and visit.error and KEPT_NAVIGATING in visit.error:
        # It never landed, however few redirects a slow machine saw before the time ran out.
        result.verdict, result.reason, result.error = "broken", "too-many-hops", visit.error
    landed = visit.final_url or (visit.hops[-1].url if visit.hops else None)
    result.landing = {
        "browser_final_url": landed,
        "browser_hops": [to_dict(h) for h in visit.hops],
        "http_final_url": http_final,
        "differs": _without_fragment(landed) != _without_fragment(http_final),
        **analytics_continuity(landed or "", visit, result.url, extra),
    }
    if visit.error:
        result.landing["browser_error"] = visit.error
    result.ledger = build_ledger(result.hops, extra)


def _trust_http_meta(result: LinkResult, visit: PageVisit) -> None:
    """A page httpx saw a meta refresh on is a `meta` hop in the browser too (the browser's
    own signal can lose a race with a 0-second refresh)."""
    meta_pages = {_without_fragment(h.url) for h in result.hops if h.via == "meta"}
    for hop in visit.hops:
        if hop.via == "js" and _without_fragment(hop.url) in meta_pages:
            hop.via = "meta"


def _extend_with_client_hops(result: LinkResult, visit: PageVisit) -> None:
    """Where httpx stopped on a 200 but the browser went on (JS), append the browser's hops."""
    if result.verdict != "ok" or not result.hops:
        return
    stop = _without_fragment(result.hops[-1].url)
    urls = [_without_fragment(h.url) for h in visit.hops]
    if stop not in urls:
        return
    at = urls.index(stop)
    extra_hops = visit.hops[at + 1 :]
    if not extra_hops or visit.hops[at].location is None:
        return
    result.hops[-1].location = visit.hops[at].location
    result.hops[-1].via = visit.hops[at].via
    result.hops.extend(extra_hops)
    result.final_url = extra_hops[-1].url
    result.final_status = extra_hops[-1].status


def _judge_client_hops(result: LinkResult, max_hops: int) -> None:
    if result.verdict != "ok" or len(result.hops) <= max_hops + 1:
        return
    urls = [_without_fragment(h.url) for h in result.hops]
    repeated = next((u for i, u in enumerate(urls) if u in urls[:i]), None)
    if repeated is not None:
        cycle = urls[urls.index(repeated) :]
        result.landing["cycle"] = cycle
        result.verdict, result.reason = "broken", "loop"
        result.error = f"client-side redirect loop of {len(cycle) - 1} hops in the browser"
        return
    result.verdict, result.reason = "broken", "too-many-hops"
    via = sorted({h.via for h in result.hops if h.via in ("js", "meta")})
    result.error = (
        f"more than {max_hops} redirects ({len(result.hops) - 1} in the browser, "
        f"{'/'.join(via) or 'client-side'}): the landing page keeps redirecting itself"
    )


def analytics_continuity(
    landed: str, visit: PageVisit, link: str, extra: tuple[str, ...]
) -> dict[str, object]:
    """Which of the link's tracking parameters arrived, reached a tag hit, or were stored."""
    sent = tracking_params(link, extra)
    arrived = tracking_params(landed, extra)
    reported = [h.params.get("page_url") or h.params.get("dl") for h in visit.hits]
    reported = [u for u in reported if isinstance(u, str)]
    in_hits: set[str] = set()
    for page_url in reported:
        in_hits.update(tracking_params(page_url, extra))
    cookie_names = sorted({c.name for c in visit.cookies})
    banner = visit.consent.cmp or (visit.consent.banner.cmp if visit.consent.banner else None)
    stored = {
        name: [c for c in CLICK_IDS.get(name, {}).get("cookies", ()) if c in cookie_names]
        for name in sent
    }
    return {
        "arrived": sorted(n for n in sent if n in arrived),
        "reached_analytics": sorted(n for n in sent if n in in_hits),
        "stored_in_cookies": {n: v for n, v in stored.items() if v},
        "analytics_page_urls": reported,
        "tag_hits": len(visit.hits),
        "providers": sorted({h.provider for h in visit.hits}),
        "cookies": cookie_names,
        # The landing's consent state (tagaudit.model.reached): `none` when a banner asked
        # and no choice was made, so tags that wait for consent could not store anything.
        "consent": consent_state(visit),
        **({"banner": banner} if banner else {}),
    }
