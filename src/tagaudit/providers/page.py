"""Decoding everything one page sent: its requests in order → its tag hits.

Owns the per-page pass over `decode_request`: each hit points at its request
(`request_index`), carries its consent phase, journey step and single-page-app view, and is
marked when its request did not reach the vendor (`TagHit.blocked`: `csp` when the page's
Content Security Policy stopped it, a network error, `HTTP 404`). Blocked requests are
decoded like any other, so "why wasn't it tracked?" reads the provider, account and library
from the hit instead of guessing from hosts. One action sent over several transports is
then folded into one hit (`merge_fanout`), side requests linked to the hit they follow
(`link_aux`) and an SDK's re-sends told apart from new events (`mark_resends`). A request
read as a vendor's hit on a host nobody lists keeps that vendor in `Request.lookalike`. Pure:
imports only the model and the providers package.
"""

from __future__ import annotations

from collections.abc import Iterable

from tagaudit.model import Request, TagHit
from tagaudit.providers.aux import link_aux
from tagaudit.providers.decoding import decode_request
from tagaudit.providers.fanout import merge_fanout
from tagaudit.providers.routing import Catalog, default_catalog
from tagaudit.providers.unknown import GUESS, GUESS_FROM, UNKNOWN


def decode_requests(requests: Iterable[Request], catalog: Catalog | None = None) -> list[TagHit]:
    """Every tag hit in `requests` (a PageVisit's, in order), blocked ones marked."""
    hits: list[TagHit] = []
    for index, request in enumerate(requests):
        decoded = decode_request(request, catalog)
        request.lookalike = _looks_like(decoded)
        if not decoded:
            continue
        blocked = request.delivery_problem()
        for hit in decoded:
            hit.request_index, hit.phase, hit.blocked = index, request.phase, blocked
            hit.step, hit.view = request.step, request.view
            hits.append(hit)
    return mark_resends(link_aux(merge_fanout(hits)), catalog or default_catalog())


def _looks_like(hits: list[TagHit]) -> str | None:
    """The vendor an `unknown` hit was read as, when its wire format said so (lookalike)."""
    for hit in hits:
        if hit.provider == UNKNOWN and hit.params.get(GUESS_FROM) == "wire format":
            return str(hit.params.get(GUESS))
    return None


def mark_resends(hits: list[TagHit], catalog: Catalog) -> list[TagHit]:
    """A second hit with the same SDK-made event id is a re-send, not a second event.

    SDKs that are not sure a batch arrived send it again (Mixpanel re-sends what it flushed
    by beacon; PostHog and Amplitude retry on an answer they do not like): the vendor drops
    the copy by its id, so must the rules. The copy becomes an `aux` hit that `follows` the
    first, marked `_resent`. Only for providers whose event ids are the SDK's
    (`unique_event_ids` in the catalog); a site's own dedup key (Meta's eid) is left alone.
    """
    first: dict[tuple[str, str], int] = {}
    for index, hit in enumerate(hits):
        event_id = hit.params.get("event_id")
        if hit.kind != "hit" or not event_id or not _makes_its_ids(hit.provider, catalog):
            continue
        key = (hit.provider, str(event_id))
        if key in first:
            hit.kind, hit.follows = "aux", first[key]
            hit.params["_resent"] = True
        else:
            first[key] = index
    return hits


def _makes_its_ids(provider: str, catalog: Catalog) -> bool:
    known = catalog.providers.get(provider)
    return known is not None and known.unique_event_ids
