"""What a crawl discovers beyond the listed pages, and what it keeps: the `crawl:` keys of
tagaudit.yaml that choose targets, as plain data (the config reads them, the runner acts).

    CrawlPlan(sitemap=["auto"], robots=True, include=["/products/**"], exclude=["/admin/**"],
              per_template=5)

`sitemap`: `["auto"]` reads the Sitemap lines of robots.txt, else `/sitemap.xml`; or the
sitemaps' URLs (or paths under the base URL). `robots`: leave out what robots.txt disallows
(RFC 9309). `include` / `exclude`: URL patterns, as in rule scopes (`/checkout/*`, `**`,
`re:`); `per_template`: at most this many pages per URL template (0: all), templates being
`templates` patterns first, then inferred (`/product/*`). These apply to discovered pages
(sitemaps, links followed with `depth`); pages listed in `pages:` or on the command line
are always audited. Imports nothing from tagaudit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AUTO = "auto"


@dataclass
class CrawlPlan:
    """The discovery and selection settings of `crawl:` (see the module docstring)."""

    sitemap: list[str] = field(default_factory=list)
    robots: bool = False
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_template: int = 0
    templates: list[str] = field(default_factory=list)
    # The tagaudit.yaml line of `crawl.sitemap`, for reports that say where a page came from.
    sitemap_source: str | None = None
