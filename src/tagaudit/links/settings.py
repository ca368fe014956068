"""Settings of the link checker: limits, budgets, politeness, and the user's extra parameters.

Plain data with defaults that work with zero config; the CLI and tagaudit.yaml fill it in.
Imports nothing from tagaudit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TRANSPORTS = ("aiohttp", "httpx")


@dataclass
class LinkSettings:
    """How links are followed and judged.

    `transport` picks httpx's transport: `aiohttp` (httpx-aiohttp) is the default because it
    measured several times faster on loopback (benchmarks/bench_links.py); `httpx` is the
    stock httpcore pool. The redirect-chain budget is the `max_hops` arg of the
    `link-redirect-chain` rule (rules/links.yaml; `--chain-budget` or tagaudit.yaml `args:`
    override it), not a setting here.
    """

    max_hops: int = 10
    concurrency: int = 64
    per_host: int = 16
    # Seconds a link may spend on its own requests and backoff sleeps; waiting for a turn at
    # a host (per_host) does not count (links.pacing).
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 0.5
    # A Retry-After longer than this is not waited for: the 429/503 stands (unverifiable).
    retry_wait_cap: float = 10.0
    max_body: int = 64 * 1024  # enough for <head> (meta refresh) and challenge pages
    method: str = "GET"
    user_agent: str = "tagaudit-links/0.1 (+https://github.com/tagaudit/tagaudit)"
    transport: str = "aiohttp"
    extra_params: list[str] = field(default_factory=list)
    # Seconds without a new main-frame navigation before a browser visit counts as landed.
    browser_settle: float = 1.0
    # Following is CPU-bound (httpx and aiohttp in Python): from `shard_min` distinct links on, they
    # are split over up to `processes` worker processes (0 = one per core; 1 = never).
    processes: int = 0
    shard_min: int = 200
    # Seconds the whole follow may take; None: worked out from the number of links so that
    # links keeping to `timeout` never reach it (links.pacing.run_limit). Links it cuts short
    # are `unverifiable` / `run-timeout`.
    run_timeout: float | None = None
