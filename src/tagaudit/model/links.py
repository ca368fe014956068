"""What following a campaign link found: its hops and what each did to the parameters.

Plain dataclasses; Hop is shared with page captures (tagaudit.model.capture).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tagaudit.model.capture import Hop


@dataclass
class ParamChange:
    """What one hop did to the tracking parameters of the original link."""

    hop: int
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved_to_fragment: list[str] = field(default_factory=list)
    # name → how it changed, e.g. "value 'google' → 'Google'" or "encoding 'a%20b' → 'a+b'"
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class LinkResult:
    """A followed campaign link: its hops, where it landed, and its parameter ledger."""

    url: str
    hops: list[Hop] = field(default_factory=list)
    final_url: str | None = None
    final_status: int | None = None
    ledger: list[ParamChange] = field(default_factory=list)
    verdict: str = "ok"
    error: str | None = None
    expected: dict[str, Any] = field(default_factory=dict)
    landing: dict[str, Any] = field(default_factory=dict)
    # Why the verdict is not ok, as a stable code: `http-status`, `loop`, `too-many-hops`,
    # `timeout`, `dns`, `tls`, `connect`, `bot-wall`, `rate-limited`, `unavailable` (a 503
    # announcing downtime), `run-timeout` (the run's limit cut it short), `invalid-location` …
    reason: str | None = None
