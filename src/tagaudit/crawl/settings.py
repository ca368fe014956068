"""How far an audit crawls and which discovered pages it keeps: the `crawl:` keys that choose
targets, as plain data (the config reads them, the runner acts on them).

    CrawlSettings(concurrency=4, depth=1, sitemap=["auto"], robots=True,
                  include=["/products/**"], exclude=["/admin/**"], per_template=5)

`concurrency` pages are loaded at once, at most `max_pages` of them (the pages listed
always all, discovered ones in the room left), following same-site
links `depth` clicks deep. `sitemap`: `["auto"]` reads the Sitemap lines of robots.txt, else
`/sitemap.xml`; or the sitemaps' URLs (or paths under the base URL). `robots`: leave out what
robots.txt disallows (RFC 9309). `include` / `exclude`: URL patterns, as in rule scopes
(`/checkout/*`, `**`, `re:`); `per_template`: at most this many pages per URL template (0:
all), templates being `templates` patterns first, then inferred (`/product/*`). These apply
to discovered pages (sitemaps, links followed with `depth`); pages listed in `pages:` or on
the command line are always audited. How long each page may take is the page engine's
(tagaudit.browser.settings.PageSettings, keys under `crawl:` too). Imports only the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from tagaudit.model.settings import setting

AUTO = "auto"


@dataclass
class CrawlSettings:
    """The crawl's size and the discovery and selection keys of `crawl:` (module docstring)."""

    concurrency: int = setting(
        4,
        key="crawl.concurrency",
        flag="--concurrency",
        metavar="N",
        help="Pages loaded at once (default: {default}).",
        minimum=1,
    )
    max_pages: int = setting(
        200,
        key="crawl.max_pages",
        flag="--max-pages",
        metavar="N",
        help="At most N pages in all; listed pages are never cut (default: {default}).",
        minimum=1,
    )
    depth: int = setting(
        0,
        key="crawl.depth",
        flag="--depth",
        metavar="N",
        help="Follow same-site links N clicks deep (default: {default}).",
        minimum=0,
    )
    sitemap: list[str] = setting(default_factory=list, key="crawl.sitemap")
    robots: bool = setting(False, key="crawl.robots")
    include: list[str] = setting(default_factory=list, key="crawl.include")
    exclude: list[str] = setting(default_factory=list, key="crawl.exclude")
    per_template: int = setting(0, key="crawl.per_template", minimum=0)
    templates: list[str] = setting(default_factory=list, key="crawl.templates")
    # The tagaudit.yaml line of `crawl.sitemap`, for reports that say where a page came from.
    sitemap_source: str | None = None
