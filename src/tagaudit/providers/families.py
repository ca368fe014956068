"""Wire-format families: a vendor's protocol recognised on a host the catalog does not list.

Many SDKs speak another vendor's protocol (Segment's spec is spoken by RudderStack, Jitsu,
Hightouch, Customer.io …), and collectors move onto the site's own hosts (PostHog and
Mixpanel reverse proxies, self-hosted Matomo, server-side containers). A provider's
`family:` in catalog.yaml says how to know its protocol anywhere: a path, then the decoded
events, each of which must carry the fields of `require` (Segment: a call `type` and an
anonymous, user or message id). The provider's own decoder reads the request, so a family
hit has the same account, event and shared params as one sent to the vendor's host.

Pure: imports the model-free pieces of this package; the decoders are passed in by
decoding.py (which owns them), so this module never imports it.

Worked example (Jitsu's browser SDK, which speaks Segment's spec to the site's own host)::

    POST https://events.shop.example/api/s/track
    {"type": "track", "event": "Order Completed", "anonymousId": "a1", "writeKey": "k1", …}

→ one record, provider `segment` (family "Segment-compatible"), account `k1`, event
`Order Completed`; decoding.py marks the hit's `collector` "events.shop.example".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tagaudit.model import Request
from tagaudit.providers.catalog import Endpoint, Family, Provider
from tagaudit.providers.records import Record, Wire
from tagaudit.providers.routing import Catalog, Match
from tagaudit.providers.wire import lookup, parse_query, split_url

# Requests a tag sends; documents, scripts, styles and fonts never carry a family's events.
BEACON_TYPES = ("ping", "fetch", "xhr", "image", "other")
Decoders = Mapping[str, Callable[[Wire], list[Record]]]


def find_family(
    request: Request, catalog: Catalog, decoders: Decoders
) -> tuple[Match, list[Record]] | None:
    """The first family whose path fits `request` and whose rules every event meets.

    Returns the routed match (a `hit` endpoint on any host) and the decoded records, or None.
    """
    if request.resource_type not in BEACON_TYPES or request.navigation:
        return None
    host, path, query = split_url(request.url)
    screen = catalog.family_screen
    if not host or screen is None or not (query or request.post_data):
        return None
    if not screen.search(path):
        return None
    params = parse_query(query)
    for provider in catalog.families:
        family = provider.family
        assert family is not None
        groups = _path_groups(family, path)
        if groups is None:
            continue
        match = Match(provider, _endpoint(provider, family), host, path, params, groups)
        try:
            records = decoders[provider.decoder](Wire(request, match))
        except Exception:  # an odd body is not this family; never lose the request
            continue
        if records and all(meets(family, record) for record in records):
            return match, records
    return None


def meets(family: Family, record: Record) -> bool:
    """Does one decoded event carry every field `family.require` asks for?"""
    for names, pattern in family.require:
        value = next((v for v in (lookup(record, n) for n in names) if _scalar(v)), None)
        if value is None or not pattern.search(str(value)):
            return False
    return True


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != ""


def _path_groups(family: Family, path: str) -> dict[str, str] | None:
    for pattern in family.paths:
        found = pattern.search(path)
        if found:
            return {k: v for k, v in found.groupdict().items() if v is not None}
    return None


def _endpoint(provider: Provider, family: Family) -> Endpoint:
    return Endpoint(provider=provider.id, kind="hit", hosts=("*",), paths=family.paths)
