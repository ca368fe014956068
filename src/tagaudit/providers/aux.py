"""Linking side requests (`aux` hits) to the hit they follow.

Vendors send side requests after a hit: Google Signals copies a GA4 hit to
`stats.g.doubleclick.net/g/collect`, Google Ads adds remarketing list joins (`1p-user-list`,
`td.doubleclick.net/td/rul`), X's uwt.js sends every event twice (`t.co` twins the
`analytics.twitter.com` hit). The catalog marks those endpoints `kind: aux`; they are recorded
and answered locally like hits, but are not events. `link_aux` sets each aux hit's `follows`
to the index of the hit it belongs to: the nearest earlier `hit` of the same provider whose
account matches (equal, or the same base: `AW-1` matches `AW-1/label`; an aux without an
account matches any), preferring one with the same event (a user-list join sent for
`gtag.config` follows the config hit, not a purchase sent in between). An aux with no such
hit keeps `follows` None — a side request with no hit is itself worth a look. Pure: imports
the model only.

Call it on a visit's final hit list (after `merge_fanout`), since `follows` indexes that list.

    >>> from tagaudit.model import TagHit
    >>> hits = [TagHit("ga4", account="G-1", event="page_view"),
    ...         TagHit("google_ads", account="AW-9", event="gtag.config"),
    ...         TagHit("ga4", kind="aux", account="G-1")]
    >>> [h.follows for h in link_aux(hits)]
    [None, None, 0]
"""

from __future__ import annotations

import dataclasses

from tagaudit.model import TagHit


def _belongs(aux: TagHit, hit: TagHit) -> bool:
    if hit.kind != "hit" or hit.provider != aux.provider:
        return False
    return aux.account is None or (aux.base_account or "") == (hit.base_account or "")


def _followed(hits: list[TagHit], index: int) -> int | None:
    aux = hits[index]
    earlier = [i for i in range(index - 1, -1, -1) if _belongs(aux, hits[i])]
    same_event = [i for i in earlier if aux.event is not None and hits[i].event == aux.event]
    return (same_event or earlier or [None])[0]


def link_aux(hits: list[TagHit]) -> list[TagHit]:
    """The same hits, in order, each aux hit (not linked yet) given the index it follows."""
    out: list[TagHit] = []
    for index, hit in enumerate(hits):
        if hit.kind == "aux" and hit.follows is None:
            target = _followed(hits, index)
            hit = dataclasses.replace(hit, follows=target) if target is not None else hit
        out.append(hit)
    return out
