"""Decoding everything one page sent: its requests in order → its tag hits.

Owns the per-page pass over `decode_request`: each hit points at its request
(`request_index`), carries its consent phase, journey step and single-page-app view, and is
marked when its request did not reach the vendor (`TagHit.blocked`: `csp` when the page's
Content Security Policy stopped it, a network error, `HTTP 404`). Blocked requests are
decoded like any other, so "why wasn't it tracked?" reads the provider, account and library
from the hit instead of guessing from hosts. One action sent over several transports is
then folded into one hit (`merge_fanout`). Pure: imports only the model and the providers
package.
"""

from __future__ import annotations

from collections.abc import Iterable

from tagaudit.model import Request, TagHit
from tagaudit.providers.decoding import decode_request
from tagaudit.providers.fanout import merge_fanout
from tagaudit.providers.routing import Catalog


def decode_requests(requests: Iterable[Request], catalog: Catalog | None = None) -> list[TagHit]:
    """Every tag hit in `requests` (a PageVisit's, in order), blocked ones marked."""
    hits: list[TagHit] = []
    for index, request in enumerate(requests):
        decoded = decode_request(request, catalog)
        if not decoded:
            continue
        blocked = request.delivery_problem()
        for hit in decoded:
            hit.request_index, hit.phase, hit.blocked = index, request.phase, blocked
            hit.step, hit.view = request.step, request.view
            hits.append(hit)
    return merge_fanout(hits)
