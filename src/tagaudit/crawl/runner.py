"""The async audit runner: one browser, N workers, a frontier of targets, partial results kept.

`Audit.run()` fills `Audit.visits` as pages finish, so an interrupted or half-failed run
still has everything that was finished for its report (DESIGN.md, "Reports are never lost").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from tagaudit.browser.session import BrowserSession, SessionSettings
from tagaudit.crawl.frontier import Frontier
from tagaudit.crawl.visit import VisitSettings, Worker
from tagaudit.model import PageVisit


@dataclass
class AuditSettings:
    """What to load and how hard to push: the crawl half of the config."""

    concurrency: int = 4
    max_pages: int = 200
    depth: int = 0
    visit: VisitSettings = field(default_factory=VisitSettings)
    session: SessionSettings = field(default_factory=SessionSettings)


class Audit:
    """Loads `targets` (and, with depth > 0, same-site links found on them)."""

    def __init__(
        self,
        targets: list[str],
        settings: AuditSettings | None = None,
        on_visit: Callable[[PageVisit], None] | None = None,
    ) -> None:
        self.settings = settings or AuditSettings()
        self.frontier = Frontier(targets, self.settings.max_pages, self.settings.depth)
        self.visits: list[PageVisit] = []
        self.browser_version = ""
        self._on_visit = on_visit

    async def run(self) -> list[PageVisit]:
        """Visit every target; returns the visits in the order the targets were discovered."""
        settings = self.settings
        settings.visit.collect_links = settings.depth > 0
        async with BrowserSession(settings.session) as session:
            self.browser_version = session.version
            workers = [Worker(session, settings.visit) for _ in range(max(1, settings.concurrency))]
            try:
                await asyncio.gather(*(self._work(w) for w in workers))
            finally:
                for worker in workers:
                    await worker.close()
        return self.ordered()

    def ordered(self) -> list[PageVisit]:
        """Finished visits in discovery order (workers finish in any order)."""
        rank = self.frontier.rank
        return sorted(self.visits, key=lambda v: rank.get(v.url, len(rank)))

    async def _work(self, worker: Worker) -> None:
        while True:
            item = await self.frontier.next()
            if item is None:
                return
            url, depth = item
            try:
                visit, links = await worker.visit(url)
            except Exception as problem:
                reason = f"capture failed: {type(problem).__name__}: {problem}"
                visit, links = PageVisit(url=url, error=reason), []
                await worker.close()  # its page may be broken: start the next one clean
            self.visits.append(visit)
            self.frontier.done(url, links, depth)
            if self._on_visit is not None:
                self._on_visit(visit)
