"""Folding one tag action sent over several transports into one logical hit.

One `gtag('event', 'conversion', {send_to: 'AW-1/abc'})` produces several requests
(`/pagead/conversion`, `/pagead/1p-conversion`, `/ccm/collect`, remarketing pings); Meta sends
`/tr` and a privacy-sandbox trigger; LinkedIn mirrors `px.` on `px4.`. The catalog marks such
endpoints with a `transport`; `merge_fanout` folds the hits of one page that share provider,
account (a label-less `AW-1` joins `AW-1/abc`), event and transaction id into the first one,
recording the transports in `params["transports"]`. A transport already folded into a hit
starts a new logical hit, so two real conversions stay two. Hits without a transport pass
through untouched. Pure: imports the model only.

    >>> from tagaudit.model import TagHit
    >>> a = TagHit("google_ads", account="AW-1/abc", event="conversion",
    ...            params={"transport": "conversion", "oid": "7"})
    >>> b = TagHit("google_ads", account="AW-1/abc", event="conversion",
    ...            params={"transport": "1p-conversion", "oid": "7"})
    >>> [h.params["transports"] for h in merge_fanout([a, b])]
    [['conversion', '1p-conversion']]
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tagaudit.model import TagHit


def _base_and_label(account: str | None) -> tuple[str, str | None]:
    base, _, label = (account or "").partition("/")
    return base, label or None


def _same_action(logical: TagHit, hit: TagHit) -> bool:
    if (logical.provider, logical.kind, logical.event) != (hit.provider, hit.kind, hit.event):
        return False
    base_a, label_a = _base_and_label(logical.account)
    base_b, label_b = _base_and_label(hit.account)
    if base_a != base_b or (label_a and label_b and label_a != label_b):
        return False
    txn_a = logical.params.get("transaction_id")
    txn_b = hit.params.get("transaction_id")
    return txn_a == txn_b or txn_a is None or txn_b is None


def _fold(logical: TagHit, hit: TagHit) -> None:
    logical.params["transports"].append(hit.params["transport"])
    for key, value in hit.params.items():
        if key not in ("transport", "transports"):
            logical.params.setdefault(key, value)
    if "/" in (hit.account or "") and "/" not in (logical.account or ""):
        logical.account = hit.account
    for key, value in hit.consent.items():
        logical.consent.setdefault(key, value)
    if hit.blocked is None:  # the action got through on at least one transport
        logical.blocked = None


def _start(hit: TagHit) -> TagHit:
    params: dict[str, Any] = {**hit.params, "transports": [hit.params["transport"]]}
    return dataclasses.replace(hit, params=params, consent=dict(hit.consent))


def merge_fanout(hits: list[TagHit]) -> list[TagHit]:
    """The hits of one page with fanned-out transports folded; order of first appearance."""
    out: list[TagHit] = []
    open_actions: list[TagHit] = []
    for hit in hits:
        transport = hit.params.get("transport")
        if not transport or hit.kind != "hit":
            out.append(hit)
            continue
        target = next(
            (
                logical
                for logical in open_actions
                if transport not in logical.params["transports"] and _same_action(logical, hit)
            ),
            None,
        )
        if target is None:
            target = _start(hit)
            open_actions.append(target)
            out.append(target)
        else:
            _fold(target, hit)
    return out
