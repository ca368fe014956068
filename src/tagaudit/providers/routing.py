"""Routing a URL to the catalog endpoint it belongs to, fast enough for every browser request.

This module owns the `Catalog` (an index over the providers' endpoints) and the answer to
"is this a vendor collection hit that must be answered locally?". It decides from the parsed
host and path only — never from substrings of the whole URL, because a GA4 hit's `dl` param
carries the page's own URL, and `www.google-analytics.com.evil.test` is not Google.

Lookup order: exact host, then `*.domain` suffixes (most specific first), then `prefix.*`
hosts, then any-host (`*`) endpoints, which are screened by one combined path regex so an
ordinary request costs a few dict lookups.

    >>> catalog = default_catalog()
    >>> catalog.match("https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=x").provider.id
    'ga4'
    >>> is_collection_endpoint("https://www.googletagmanager.com/gtag/js?id=G-1")
    False
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from tagaudit.patterns import BoundedRegex
from tagaudit.providers.catalog import (
    Endpoint,
    Provider,
    builtin_providers,
    load_yaml,
    parse_providers,
)
from tagaudit.providers.wire import parse_query, split_url

_GROUP_NAME = re.compile(r"\(\?P<[A-Za-z_]\w*>")
# What `prefix.*` may end with: a country-style ending (`de`, `co.uk`, `com.au`), so that
# `www.google.*` matches www.google.de but never www.google.evil.test.
HOST_CACHE_SIZE = 4096
_TLD_ENDING = re.compile(r"^[a-z]{2,3}(\.[a-z]{2,3})?$")


@dataclass
class Match:
    """A URL routed to one endpoint: the parsed pieces and the path's named groups."""

    provider: Provider
    endpoint: Endpoint
    host: str
    path: str
    query: dict[str, Any]
    groups: dict[str, str] = field(default_factory=dict)


class Catalog:
    """All providers, indexed by host for routing.

    >>> Catalog(builtin_providers()).provider("meta_pixel").name
    'Meta Pixel'
    """

    def __init__(self, providers: dict[str, Provider]) -> None:
        self.providers = providers
        self._exact: dict[str, list[Endpoint]] = {}
        self._suffix: dict[str, list[Endpoint]] = {}
        self._prefix: list[tuple[str, Endpoint]] = []
        self._anyhost: list[Endpoint] = []
        self._by_host: dict[str, tuple[Endpoint, ...]] = {}
        for provider in providers.values():
            for endpoint in provider.endpoints:
                self._index(endpoint)
        self._anyhost_screen = _combined([p for e in self._anyhost for p in e.paths])
        # Hit endpoints of named hosts, tried on unknown hosts by `lookalike`, screened by
        # one regex over their paths so an ordinary request costs one search.
        self.hit_endpoints = [
            e
            for p in providers.values()
            for e in p.endpoints
            if e.kind == "hit" and "*" not in e.hosts
        ]
        self.hit_path_screen = _combined([p for e in self.hit_endpoints for p in e.paths])
        # Wire-format families, tried on requests no endpoint claimed (families.py).
        self.families = [p for p in providers.values() if p.family is not None]
        self.family_screen = _combined([p for f in self.families for p in f.family.paths])  # type: ignore[union-attr]
        self.family_files = [p for f in self.families for p in f.family.files]  # type: ignore[union-attr]

    def _index(self, endpoint: Endpoint) -> None:
        for host in endpoint.hosts:
            if host == "*":
                self._anyhost.append(endpoint)
            elif host.startswith("*."):
                self._suffix.setdefault(host[2:], []).append(endpoint)
            elif host.endswith(".*"):
                self._prefix.append((host[:-1], endpoint))
            else:
                self._exact.setdefault(host, []).append(endpoint)

    def problems(self) -> list[str]:
        """Users' regexes that ran out of time on a request (or on a storage key: `queues:`)
        and were switched off (one line each): requests they should have routed, or events
        an SDK held, may have been missed."""
        regexes: list[Any] = []
        for provider in self.providers.values():
            regexes += provider.queues
            for endpoint in provider.endpoints:
                regexes += [*endpoint.paths, *(pattern for _, pattern in endpoint.require)]
        slow = [r.slow for r in regexes if isinstance(r, BoundedRegex) and r.slow]
        return list(dict.fromkeys(slow))

    def provider(self, provider_id: str) -> Provider:
        return self.providers[provider_id]

    def lists_host(self, provider_id: str, host: str) -> bool:
        """Does the catalog name `host` for this provider (not only as "any host")?"""
        return any(e.provider == provider_id for e in self._host_endpoints(host))

    def _host_endpoints(self, host: str) -> tuple[Endpoint, ...]:
        """Endpoints whose hosts fit `host`, memoised: a page talks to few hosts, many times."""
        cached = self._by_host.get(host)
        if cached is None:
            if len(self._by_host) >= HOST_CACHE_SIZE:
                self._by_host.clear()
            cached = self._by_host[host] = tuple(self._lookup_host(host))
        return cached

    def _lookup_host(self, host: str) -> list[Endpoint]:
        found = list(self._exact.get(host, ()))
        at = 0
        while at >= 0:
            found.extend(self._suffix.get(host[at:], ()))
            at = host.find(".", at)
            at = at + 1 if at >= 0 else -1
        for prefix, endpoint in self._prefix:
            if host.startswith(prefix) and _TLD_ENDING.match(host[len(prefix) :]):
                found.append(endpoint)
        return found

    def _route(self, host: str, path: str, query: str) -> tuple[Endpoint, dict[str, str]] | None:
        candidates = self._host_endpoints(host)
        if self._anyhost_screen is not None and self._anyhost_screen.search(path):
            candidates += tuple(self._anyhost)
        params: dict[str, Any] | None = None
        for endpoint in candidates:
            groups = _path_groups(endpoint, path)
            if groups is None:
                continue
            if endpoint.require and params is None:
                params = parse_query(query)
            if not endpoint.require or _meets(endpoint, params or {}):
                return endpoint, groups
        return None

    def match(self, url: str) -> Match | None:
        """The first endpoint whose host, path and required params fit `url`, or None."""
        host, path, query = split_url(url)
        routed = self._route(host, path, query) if host else None
        if routed is None:
            return None
        endpoint, groups = routed
        provider = self.providers[endpoint.provider]
        return Match(provider, endpoint, host, path, parse_query(query), groups)

    def is_family_file(self, url: str) -> bool:
        """Is `url` the settings file of a wire-format family, on any host (a Segment-spec
        SDK's `/v1/projects/<write key>/settings`)? It carries no event."""
        path = split_url(url)[1]
        return any(pattern.search(path) for pattern in self.family_files)

    def is_collection_endpoint(self, url: str) -> bool:
        """True when `url` is a vendor collection hit (or ping) that must not be delivered."""
        host, path, query = split_url(url)
        routed = self._route(host, path, query) if host else None
        return routed is not None and routed[0].is_collection


class _Screen:
    """Could `path` match any of the patterns? One `re` search over the shipped ones; each
    user regex (BoundedRegex) on its own, so one that runs out of time switches off only
    itself, never the shipped endpoints."""

    def __init__(self, shipped: re.Pattern[str] | None, users: list[BoundedRegex]) -> None:
        self.shipped, self.users = shipped, users

    def search(self, path: str) -> bool:
        if self.shipped is not None and self.shipped.search(path):
            return True
        return any(user.search(path) for user in self.users)


def _combined(patterns: list[Any]) -> _Screen | None:
    """One regex that matches wherever any of `patterns` might (named groups neutralised)."""
    if not patterns:
        return None
    users = [p for p in patterns if isinstance(p, BoundedRegex)]
    parts = [_GROUP_NAME.sub("(?:", p.pattern) for p in patterns if p not in users]
    try:
        shipped = re.compile("|".join(f"(?:{part})" for part in parts)) if parts else None
    except re.error:
        shipped = re.compile("")
    return _Screen(shipped, users)


def _path_groups(endpoint: Endpoint, path: str) -> dict[str, str] | None:
    for pattern in endpoint.paths:
        found = pattern.search(path)
        if found:
            return {k: v for k, v in found.groupdict().items() if v is not None}
    return None


def _meets(endpoint: Endpoint, params: dict[str, Any]) -> bool:
    for name, pattern in endpoint.require:
        value = params.get(name)
        if not isinstance(value, str) or not pattern.search(value):
            return False
    return True


def load_catalog(extra: list[dict[str, Any]] | None = None, source: str | None = None) -> Catalog:
    """The built-in catalog plus user providers/endpoints given as data (tagaudit.yaml).

    `extra` uses the schema of catalog.yaml's `providers:` list; an entry whose id exists
    extends that provider. Malformed entries raise ConfigError naming `source`, the line and
    the field. Lines are known when the entries come from `catalog.load_yaml` (mappings that
    remember their line) or carry a `__line__` key.

        >>> catalog = load_catalog([{"id": "ga4", "endpoints": [
        ...     {"kind": "hit", "hosts": ["t.shop.example"], "paths": ["^/collect/v2$"]}]}])
        >>> catalog.is_collection_endpoint("https://t.shop.example/collect/v2?tid=G-1")
        True
    """
    if not extra:
        return default_catalog()
    return Catalog(parse_providers(extra, source, builtin_providers()))


def load_catalog_file(path: str) -> Catalog:
    """The built-in catalog extended by the `providers:` list of a YAML file."""
    from tagaudit.errors import ConfigError

    try:
        with open(path, encoding="utf-8") as handle:
            data = load_yaml(handle.read(), path)
    except OSError as problem:
        raise ConfigError(f"cannot read provider file: {problem.strerror}", path=path) from None
    if not isinstance(data, dict) or "providers" not in data:
        raise ConfigError("expected a top-level `providers:` list", path=path, field="providers")
    return load_catalog(data["providers"], source=path)


@functools.lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The built-in catalog, built once per process."""
    return Catalog(builtin_providers())


def is_collection_endpoint(url: str, catalog: Catalog | None = None) -> bool:
    """True for vendor collection/hit endpoints whose requests are answered locally.

    False for library loads (gtag/js, gtm.js, fbevents.js …), config fetches and anything
    else. Called for every request the browser makes, so it only parses host and path.

    >>> is_collection_endpoint("https://www.facebook.com/tr/?id=1&ev=PageView")
    True
    >>> is_collection_endpoint("https://shop.example/?next=https://www.facebook.com/tr/")
    False
    """
    return (catalog or default_catalog()).is_collection_endpoint(url)
