"""The URL frontier: which targets are left, deduplicated, bounded by page count and depth.

The targets it starts with are the plan (the pages listed, then the sitemaps' within
`max_pages`): all of them are kept; links followed with `depth` fill what room is left.

Links found on a page are followed only on the same host as a start URL, without fragments,
and only while `depth` allows, and only when `admit` keeps them (the crawl plan's include,
exclude, robots.txt and sampling: crawl/select.py); each link is asked about once. Plain
data, no waiting: the runner asks for the next target (`take`) and reports each finished one
with its links (`done`). Imports nothing of tagaudit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from urllib.parse import urldefrag, urlsplit

SKIPPED_SUFFIXES = (".pdf", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4")


def normalise(url: str) -> str:
    """The form used to deduplicate targets: no fragment."""
    return urldefrag(url)[0]


class Frontier:
    """A queue of (url, depth) targets that grows with the links of finished pages."""

    def __init__(
        self,
        targets: list[str],
        max_pages: int,
        depth: int,
        admit: Callable[[str], bool] | None = None,
    ) -> None:
        self.max_pages, self.depth, self.admit = max_pages, depth, admit
        self._refused: set[str] = set()
        self.hosts = {urlsplit(t).netloc for t in targets}
        self.rank: dict[str, int] = {}
        self._queue: deque[tuple[str, int]] = deque()
        for target in targets:  # planned already: never cut here, whatever their number
            self._add(target, 0, planned=True)

    def _add(self, url: str, depth: int, planned: bool = False) -> None:
        url = normalise(url)
        if url in self.rank or (len(self.rank) >= self.max_pages and not planned):
            return
        self.rank[url] = len(self.rank)
        self._queue.append((url, depth))

    def _followable(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and parts.netloc in self.hosts
            and not parts.path.lower().endswith(SKIPPED_SUFFIXES)
        )

    def take(self) -> tuple[str, int] | None:
        """The next target, or None when none is waiting (a page in flight may add more)."""
        return self._queue.popleft() if self._queue else None

    def done(self, url: str, links: list[str], depth: int) -> None:
        """Record a finished target and queue the links it revealed."""
        if depth < self.depth:
            for link in links:
                if self._followable(link) and self._admitted(normalise(link)):
                    self._add(link, depth + 1)

    def _admitted(self, url: str) -> bool:
        if self.admit is None or url in self.rank:
            return True
        if url in self._refused:
            return False
        if self.admit(url):
            return True
        self._refused.add(url)
        return False
