"""Before an audit loads its pages: check that the base URL answers, read robots.txt and the
sitemaps, keep the discovered pages the crawl plan selects, cap them (never the pages the
user listed), take this shard's share.

Runs in the audit's browser session (browser/fetch.py), so robots.txt and sitemaps are read
with the staging access of the pages. Bad input is one line and exit 2 (UsageError): a base
URL that gives no answer at all, a sitemap named in the config that cannot be fetched or is
no sitemap, `--shard` with `--depth` (a shard cannot split a crawl it has not done). What
the plan left out is said in notes ("crawl: left out 49,980 discovered pages (…)").

    planned = await plan_site(session, config, ["https://shop.example/"], parse_shard("2/4"))
    planned.targets, planned.planned, planned.plan_id, planned.notes
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from tagaudit.browser.fetch import SiteFetcher
from tagaudit.browser.session import BrowserSession
from tagaudit.config import Config
from tagaudit.config.targets import resolve_target
from tagaudit.crawl.robots import Robots, parse_robots, unreachable
from tagaudit.crawl.select import Selector
from tagaudit.crawl.settings import AUTO
from tagaudit.crawl.shards import Shard, plan_id
from tagaudit.crawl.sitemap import read_sitemap
from tagaudit.errors import UsageError
from tagaudit.model.urls import origin_of

# Sitemaps are the site's: an endless or slow chain of index files must not hold the run
# (before: an index that named a new index every second had no bound at all). Files, URLs,
# index levels below a start, and the time for all of them; past one, the run says so.
MAX_SITEMAP_FILES = 1000
MAX_SITEMAP_URLS = 1_000_000
MAX_SITEMAP_DEPTH = 3
SITEMAP_BUDGET_S = 120.0


@dataclass
class PlannedTargets:
    """This run's (or shard's) targets, the whole plan's size and id, and what to say."""

    targets: list[str]
    planned: int
    plan_id: str
    declared: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    selector: Selector | None = None


async def plan_site(
    session: BrowserSession, config: Config, explicit: list[str], shard: Shard | None = None
) -> PlannedTargets:
    """The targets of an audit (see the module docstring); `explicit` are always kept."""
    if shard is not None and config.crawl.depth > 0:
        raise UsageError(
            f"--shard {shard} splits a planned list of pages; with --depth every shard would "
            "have to crawl the whole site first: list the pages, or use crawl.sitemap"
        )
    notes: list[str] = []
    plan = config.crawl
    if not explicit and not config.base_url:  # journeys only: no site to read or to plan
        return PlannedTargets([], 0, plan_id([]), dict(config.declared), notes)
    site = origin_of(config.base_url or explicit[0])
    hosts = {urlsplit(u).netloc.lower() for u in [site, *explicit]}
    fetcher = SiteFetcher(session, config.page.page_timeout)
    try:
        if config.base_url:
            await check_base_url(fetcher, config.base_url)
        robots = None
        if plan.robots or AUTO in plan.sitemap:
            robots = await read_robots(fetcher, site, notes)
        found = await read_sitemaps(fetcher, sitemap_urls(config, site, robots), notes)
    finally:
        await fetcher.close()
    selector = Selector(plan, hosts, robots if plan.robots else None)
    known = set(explicit)
    discovered = selector.select([u for u in found if u not in known])
    notes += [line for line in [selector.summary()] if line]
    discovered = _within_max_pages(discovered, len(explicit), config.crawl.max_pages, notes)
    targets = [*explicit, *discovered]
    declared = dict(config.declared)
    if plan.sitemap_source:
        for url in discovered:
            declared.setdefault(url, plan.sitemap_source)
    planned, identity = len(targets), plan_id(targets)
    if shard is not None:
        targets = shard.take(targets)
        notes.append(f"shard {shard}: {len(targets)} of the {planned} planned pages")
    return PlannedTargets(targets, planned, identity, declared, notes, selector)


def _within_max_pages(discovered: list[str], listed: int, cap: int, notes: list[str]) -> list[str]:
    """The discovered pages `max_pages` leaves room for. A limit meant for crawling never
    drops a page the user listed (before: a 500-URL audit audited 200, and said so in one
    stderr line): listed pages take their room first, discovered ones get what is left."""
    room = max(0, cap - listed)
    if len(discovered) <= room:
        return discovered
    left_out = len(discovered) - room
    why = f" (the {listed:,} listed pages come first)" if listed else ""
    notes.append(f"crawl: {left_out:,} discovered pages beyond max_pages {cap} left out{why}")
    return discovered[:room]


async def check_base_url(fetcher: SiteFetcher, base_url: str) -> None:
    """UsageError (exit 2) when the base URL gives no answer at all (any HTTP status is one)."""
    got = await fetcher.get(base_url)
    if got.error is not None:
        raise UsageError(
            f"the base URL {base_url} is unreachable: {got.error}",
            "check base_url / --base-url",
        )


async def read_robots(fetcher: SiteFetcher, site: str, notes: list[str]) -> Robots:
    """robots.txt of the site, as RFC 9309 §2.3.1 says to treat each kind of answer."""
    url = f"{site}/robots.txt"
    got = await fetcher.get(url)
    if got.ok:
        return parse_robots(got.body.decode("utf-8", errors="replace"))
    if got.status is not None and got.status < 500:
        return Robots()  # 4xx: no robots.txt, no rules (§2.3.1.3)
    why = got.error or f"HTTP {got.status}"
    notes.append(f"robots.txt unreachable ({why}): its rules would forbid every page (RFC 9309)")
    return unreachable()


def sitemap_urls(config: Config, site: str, robots: Robots | None) -> list[tuple[str, bool]]:
    """(sitemap URL, named by the user?) for `crawl.sitemap`."""
    starts: list[tuple[str, bool]] = []
    for entry in config.crawl.sitemap:
        if entry != AUTO:
            starts.append((resolve_target(entry, config.base_url or site + "/"), True))
        elif robots is not None and robots.sitemaps:
            starts += [(urljoin(site + "/", u), False) for u in robots.sitemaps]
        else:
            starts.append((f"{site}/sitemap.xml", False))
    return starts


async def read_sitemaps(
    fetcher: SiteFetcher, starts: list[tuple[str, bool]], notes: list[str]
) -> list[str]:
    """Every page URL of the sitemaps (index files followed), in their order, within the
    limits above (what was not read is said in `notes`)."""
    queue = deque((url, named, 0) for url, named in starts)
    seen: set[str] = set()
    pages: list[str] = []
    deadline = time.monotonic() + SITEMAP_BUDGET_S
    while queue:
        url, named, depth = queue.popleft()
        if url in seen:
            continue
        stop = _sitemap_limit(len(seen), len(pages), deadline)
        if stop is not None:
            left = len({u for u, _, _ in queue} - seen) + 1
            notes.append(
                f"sitemaps: stopped after {len(seen)} files and {len(pages):,} URLs "
                f"({stop}); {left:,} sitemap files not read"
            )
            break
        seen.add(url)
        got = await fetcher.get(url)
        if got.error is not None:
            raise UsageError(f"sitemap {url} could not be fetched: {got.error}")
        if not got.ok:
            if named:
                raise UsageError(f"sitemap {url} answered HTTP {got.status}")
            notes.append(f"no sitemap at {url} (HTTP {got.status})")
            continue
        sitemap = read_sitemap(got.body, url)
        pages += sitemap.pages
        if sitemap.sitemaps and depth >= MAX_SITEMAP_DEPTH:
            notes.append(
                f"sitemaps: {url} is an index {depth + 1} levels deep; the "
                f"{len(sitemap.sitemaps):,} sitemaps it names were not read "
                f"(at most {MAX_SITEMAP_DEPTH} levels)"
            )
            continue
        queue.extend((child, True, depth + 1) for child in sitemap.sitemaps)
    return pages


def _sitemap_limit(files: int, urls: int, deadline: float) -> str | None:
    """Which limit reading one more sitemap file would pass, in words; None: none."""
    if files >= MAX_SITEMAP_FILES:
        return f"at most {MAX_SITEMAP_FILES:,} files"
    if urls >= MAX_SITEMAP_URLS:
        return f"at most {MAX_SITEMAP_URLS:,} URLs"
    if time.monotonic() > deadline:
        return f"at most {SITEMAP_BUDGET_S:g} s for all of them"
    return None
