"""Which discovered pages an audit keeps: the site's own hosts, `include` / `exclude`,
robots.txt, and `per_template` sampling, with a count of what each left out.

Discovered pages are those of sitemaps and of links followed with `depth`; the pages a user
listed are never dropped. A sitemap's list is selected at once (`Selector.select`, exact
template sampling over the whole list); links found while crawling are admitted one by one
(`Selector.admit`), where a template is known only once 10 siblings have been seen, so a
crawl may keep up to 9 + `per_template` pages of a template (sitemaps sample exactly).
Imports tagaudit.crawl and tagaudit.patterns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from urllib.parse import urlsplit

from tagaudit.crawl.robots import Robots
from tagaudit.crawl.settings import CrawlSettings
from tagaudit.crawl.templates import MANY_AT_ROOT, MANY_SIBLINGS, sample, shape
from tagaudit.patterns import any_matches, url_matches


class Selector:
    """The plan's filters for one run; `left_out` counts what they dropped, by reason."""

    def __init__(self, plan: CrawlSettings, hosts: set[str], robots: Robots | None = None) -> None:
        self.plan, self.hosts, self.robots = plan, hosts, robots
        self.left_out: Counter[str] = Counter()
        self._counts: Counter[str] = Counter()
        self._children: dict[tuple, set[str]] = defaultdict(set)

    def reason(self, url: str) -> str | None:
        """Why `url` is left out by host, include, exclude or robots.txt (None: kept)."""
        if urlsplit(url).netloc.lower() not in self.hosts:
            return "another host"
        if self.plan.include and not any_matches(self.plan.include, url):
            return "include"
        if self.plan.exclude and any_matches(self.plan.exclude, url):
            return "exclude"
        if self.robots is not None and not self.robots.allows(url):
            return "robots.txt"
        return None

    def select(self, urls: list[str]) -> list[str]:
        """A sitemap's URLs, filtered, then sampled per template (counts in `left_out`)."""
        kept = []
        for url in dict.fromkeys(urls):
            why = self.reason(url)
            if why is None:
                kept.append(url)
            else:
                self.left_out[why] += 1
        sampled = sample(kept, self.plan.per_template, self.plan.templates)
        self.left_out["per_template"] += len(kept) - len(sampled)
        return sampled

    def admit(self, url: str) -> bool:
        """Keep this link found by the crawl? (filters, then the template's running count)"""
        why = self.reason(url)
        if why is None and self.plan.per_template > 0:
            template = self._template(url)
            if self._counts[template] >= self.plan.per_template:
                why = "per_template"
            else:
                self._counts[template] += 1
        if why is not None:
            self.left_out[why] += 1
        return why is None

    def _template(self, url: str) -> str:
        chosen = next((p for p in self.plan.templates if url_matches(p, url)), None)
        if chosen is not None:
            return chosen
        host, segments = shape(url)
        if not segments:
            return f"{host}/"
        parent = (host, tuple(segments[:-1]))
        self._children[parent].add(segments[-1])
        many = MANY_AT_ROOT if len(segments) == 1 else MANY_SIBLINGS
        if segments[-1] == "*" or len(self._children[parent]) >= many:
            return "/".join([host, *segments[:-1], "*"])
        return "/".join([host, *segments])

    def summary(self) -> str | None:
        """`left out 4,980 pages: 4,950 per_template, 30 robots.txt` (None: none left out)."""
        counts = Counter({k: v for k, v in self.left_out.items() if v})
        if not counts:
            return None
        total = sum(counts.values())
        parts = ", ".join(f"{n:,} by {why}" for why, n in counts.most_common())
        return f"crawl: left out {total:,} discovered page{'s' if total != 1 else ''} ({parts})"
