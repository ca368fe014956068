"""URL templates: which pages share a page type, so a 50,000-product shop is audited as
"home, 5 categories, 5 products, cart, checkout" (`crawl.per_template`).

A page's template is the first of the user's `templates:` patterns it matches
(tagaudit.patterns: `/product/*`, `re:^/p/\\d+`), else one inferred from the URLs the crawl
found: a path segment that looks like an id (digits, a UUID, a long hex string, or a word
with three or more digits: `sku-10442`) stands for `*`; so does a segment with many
different values under the same parent (10 or more, e.g. `/product/blue-shirt`,
`/product/red-shirt` … → `/product/*`), except directly under the root, where a site's one-off
pages live (`/cart`, `/checkout`, `/about`: 100 or more are needed there). Queries never
make a template. The sample of a template is the pages with the smallest SHA-1 of their URL:
the same pages every run and on every shard, spread over the template rather than the
first few in sitemap order. Imports tagaudit.patterns.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from urllib.parse import urlsplit

from tagaudit.patterns import url_matches

ID_LIKE = re.compile(
    r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}"
    r"|.*\d.*\d.*\d.*)$",
    re.IGNORECASE,
)
MANY_SIBLINGS = 10
MANY_AT_ROOT = 100


def templates_of(urls: list[str], patterns: list[str] | None = None) -> dict[str, str]:
    """url → its template (`host/product/*`), for every URL (see the module docstring)."""
    patterns = patterns or []
    result: dict[str, str] = {}
    inferred: list[str] = []
    for url in urls:
        chosen = next((p for p in patterns if url_matches(p, url)), None)
        if chosen is not None:
            result[url] = chosen
        else:
            inferred.append(url)
    result.update(_infer(inferred))
    return result


def shape(url: str) -> tuple[str, list[str]]:
    """(host, path segments with id-like ones as `*`): what inference starts from. A URL that
    does not parse (`http://[::1`: a page's Location header, a report read back) is its
    own template."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, []
    segments = [s for s in parts.path.split("/") if s]
    return parts.netloc.lower(), ["*" if ID_LIKE.match(s) else s for s in segments]


def _infer(urls: list[str]) -> dict[str, str]:
    shapes = {url: shape(url) for url in urls}
    depth = max((len(s) for _, s in shapes.values()), default=0)
    for position in range(depth):  # collapse from the root down: parents first
        siblings: dict[tuple, set[str]] = defaultdict(set)
        for host, segments in shapes.values():
            if len(segments) > position:
                siblings[(host, tuple(segments[:position]))].add(segments[position])
        many = MANY_AT_ROOT if position == 0 else MANY_SIBLINGS
        crowded = {key for key, values in siblings.items() if len(values) >= many}
        for host, segments in shapes.values():
            if len(segments) > position and (host, tuple(segments[:position])) in crowded:
                segments[position] = "*"
    return {url: f"{host}/{'/'.join(segments)}" for url, (host, segments) in shapes.items()}


def sample(urls: list[str], per_template: int, patterns: list[str] | None = None) -> list[str]:
    """At most `per_template` URLs of each template, in their original order."""
    if per_template <= 0:
        return list(urls)
    groups: dict[str, list[str]] = defaultdict(list)
    for url, template in templates_of(urls, patterns).items():
        groups[template].append(url)
    kept: set[str] = set()
    for members in groups.values():
        kept.update(sorted(members, key=_spread)[:per_template])
    return [url for url in urls if url in kept]


def _spread(url: str) -> str:
    return hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()
