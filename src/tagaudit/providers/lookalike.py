"""A request that looks like a vendor's hit, sent to a host the catalog does not know.

First-party proxies and server-side containers move a vendor's collection onto the site's own
host (`t.shop.example/tr/?id=…&ev=Purchase`): tagaudit then neither answers nor decodes it,
and "why wasn't it tracked?" has nothing to go on. `lookalike` tries the collection endpoints
of the catalog on such a request's path and query, as if its host were the vendor's, and
names the provider when the vendor's decoder reads an account out of it (a path alone, such
as `/collect`, is not enough). Pure: the model and the providers package.
"""

from __future__ import annotations

from tagaudit.model import Request, TagHit
from tagaudit.providers.decoding import DECODERS, _build_hit
from tagaudit.providers.families import BEACON_TYPES
from tagaudit.providers.records import Wire
from tagaudit.providers.routing import Catalog, Match, _meets, _path_groups, default_catalog
from tagaudit.providers.wire import parse_query, split_url


def lookalike(request: Request, catalog: Catalog | None = None) -> str | None:
    """The provider whose collection hit `request` looks like, on an unknown host, or None."""
    hits = lookalike_hits(request, catalog)
    return hits[0].provider if hits else None


def lookalike_hits(request: Request, catalog: Catalog | None = None) -> list[TagHit]:
    """The hits `request` carries when read as the vendor's hit it looks like, or []."""
    if request.resource_type not in BEACON_TYPES or request.method.upper() == "OPTIONS":
        return []
    catalog = catalog or default_catalog()
    host, path, _ = split_url(request.url)
    screen = catalog.hit_path_screen
    if not host or screen is None or not screen.search(path):
        return []
    if catalog.match(request.url) is not None:
        return []
    query = parse_query(split_url(request.url)[2])
    for endpoint in catalog.hit_endpoints:
        groups = _path_groups(endpoint, path)
        if groups is None or not _meets(endpoint, query):
            continue
        match = Match(catalog.providers[endpoint.provider], endpoint, host, path, query, groups)
        hits = _with_an_account(request, match)
        if hits:
            return hits
    return []


def _with_an_account(request: Request, match: Match) -> list[TagHit]:
    wire = Wire(request, match)
    try:
        records = DECODERS[match.provider.decoder](wire)  # hit endpoints only: always decoded
    except Exception:
        return []
    hits = [_build_hit(wire, record) for record in records]
    return hits if any(hit.account for hit in hits) else []
