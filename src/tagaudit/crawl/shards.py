"""`--shard I/N`: split a run's targets across CI jobs or machines, deterministically.

Every shard plans the same target list (pages, sitemaps, filters, sampling: all
deterministic) and keeps every N-th entry from its own offset: target `k` (0-based) belongs
to shard `k mod N + 1`. Round-robin keeps the shards within one target of each other in
size, and lets `tagaudit merge` put the pages back in the order one run would have had:
shard `i`'s `j`-th target was target `j·N + i − 1`. Each shard records the plan's size and
a fingerprint of the whole list (`plan_id`), so a merge can tell when shards planned
different lists (a sitemap that changed between two jobs). Imports only tagaudit.errors.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TypeVar

from tagaudit.errors import UsageError

T = TypeVar("T")
SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def take(self, items: list[T]) -> list[T]:
        """This shard's share of `items` (round-robin from its own offset)."""
        return items[self.index - 1 :: self.count]

    def position(self, local: int) -> int:
        """The place in the whole plan of this shard's `local`-th target (0-based)."""
        return local * self.count + self.index - 1


def parse_shard(text: str | None, flag: str = "--shard") -> Shard | None:
    """`"2/4"` → Shard(2, 4); None → None; anything else a one-line UsageError (exit 2)."""
    if text is None:
        return None
    match = SPEC.match(text)
    if match is None:
        raise UsageError(f"{flag} {text!r}: write I/N, e.g. 2/4 for the second of four shards")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise UsageError(f"{flag} {text}: the number of shards must be at least 1")
    if not 1 <= index <= count:
        raise UsageError(f"{flag} {text}: the shard number must be between 1 and {count}")
    return Shard(index, count)


def plan_id(targets: list[str]) -> str:
    """A fingerprint of a whole target list (order included): equal plans, equal ids."""
    return hashlib.sha256("\n".join(targets).encode()).hexdigest()[:16]
