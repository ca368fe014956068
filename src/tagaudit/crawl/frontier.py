"""The URL frontier: which targets are left, deduplicated, bounded by page count and depth.

Links found on a page are followed only on the same host as a start URL, without fragments,
and only while `depth` allows; the frontier hands work to workers until nothing is pending
and nothing is in flight.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urldefrag, urlsplit

SKIPPED_SUFFIXES = (".pdf", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4")


def normalise(url: str) -> str:
    """The form used to deduplicate targets: no fragment."""
    return urldefrag(url)[0]


class Frontier:
    """A work queue of (url, depth) that knows when the crawl is finished."""

    def __init__(self, targets: list[str], max_pages: int, depth: int) -> None:
        self.max_pages, self.depth = max_pages, depth
        self.hosts = {urlsplit(t).netloc for t in targets}
        self.rank: dict[str, int] = {}
        self._queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
        self._in_flight = 0
        for target in targets:
            self._add(target, 0)

    def _add(self, url: str, depth: int) -> None:
        url = normalise(url)
        if url in self.rank or len(self.rank) >= self.max_pages:
            return
        self.rank[url] = len(self.rank)
        self._queue.put_nowait((url, depth))

    def _followable(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and parts.netloc in self.hosts
            and not parts.path.lower().endswith(SKIPPED_SUFFIXES)
        )

    async def next(self) -> tuple[str, int] | None:
        """The next target, or None once the queue is empty and no page can add more."""
        while True:
            if not self._queue.empty():
                self._in_flight += 1
                return self._queue.get_nowait()
            if self._in_flight == 0:
                return None
            await asyncio.sleep(0.02)  # another worker may still add links

    def done(self, url: str, links: list[str], depth: int) -> None:
        """Record a finished target and queue the links it revealed."""
        self._in_flight -= 1
        if depth < self.depth:
            for link in links:
                if self._followable(link):
                    self._add(link, depth + 1)
