"""Settings of the link checker: limits, budgets, politeness, and the user's extra parameters.

Plain data with defaults that work with zero config; tagaudit.yaml's `links:`, the CLI's
flags and the library's keywords fill it in, each field saying where (its Setting).
Imports only the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from tagaudit.model.settings import setting

TRANSPORTS = ("asyncio", "aiohttp", "httpx")
LANDING_CHOICES = ("accept", "reject", "none")


@dataclass
class LinkSettings:
    """How links are followed and judged.

    `transport` picks how requests are sent: `asyncio` (links.http1, tagaudit's own HTTP/1.1
    client) is the default because it measured about three times less CPU a request than
    aiohttp on loopback (benchmarks/bench_links.py); `aiohttp` is used instead when a proxy
    is set in the environment; `httpx` is httpx's stock httpcore pool. The redirect-chain
    budget is the `max_hops` arg of the `link-redirect-chain` rule (rules/links.yaml;
    `--chain-budget` or tagaudit.yaml `args:` override it), not a setting here.
    """

    # The campaign links of tagaudit.yaml (URLs, .txt and .csv lists), before the command's.
    targets: list[str] = setting(default_factory=list, key="links.targets")
    # More names for GA4's source categories ({social: [mastodon]}): the channel rule reads
    # them (the run passes them to the rules; nothing global).
    sources: dict[str, list[str]] = setting(default_factory=dict, key="links.sources")
    max_hops: int = setting(
        10,
        key="links.max_hops",
        flag="--max-hops",
        metavar="N",
        help="Give up after N redirects (default: {default}).",
        minimum=1,
    )
    concurrency: int = setting(
        64,
        key="links.concurrency",
        flag="--concurrency",
        metavar="N",
        help="Links followed at once (default: {default}).",
        minimum=1,
    )
    per_host: int = setting(
        16,
        key="links.per_host",
        flag="--per-host",
        metavar="N",
        help="Requests at once per host (default: {default}).",
        minimum=1,
    )
    # Seconds a link may spend on its own requests and backoff sleeps; waiting for a turn at
    # a host (per_host) does not count (links.pacing).
    timeout: float = setting(
        15.0,
        key="links.timeout",
        flag="--timeout",
        metavar="SECONDS",
        help="Limit per link (default: {default:g}).",
        above=0,
    )
    retries: int = setting(
        2,
        key="links.retries",
        flag="--retries",
        metavar="N",
        help="Retries on 429/5xx (default: {default}).",
        minimum=0,
    )
    backoff: float = setting(0.5, key="links.backoff", minimum=0)
    # A Retry-After longer than this is not waited for: the 429/503 stands (unverifiable).
    retry_wait_cap: float = setting(10.0, key="links.retry_wait_cap", minimum=0)
    # enough for <head> (meta refresh) and challenge pages
    max_body: int = setting(64 * 1024, key="links.max_body", minimum=0)
    method: str = setting("GET", key="links.method")
    user_agent: str = setting(
        "tagaudit-links/0.1 (+https://github.com/tagaudit/tagaudit)", key="links.user_agent"
    )
    transport: str = setting(
        "asyncio",
        key="links.transport",
        flag="--transport",
        metavar="NAME",
        help="asyncio, aiohttp or httpx (default: {default}; aiohttp behind a proxy).",
        choices=TRANSPORTS,
    )
    extra_params: list[str] = setting(
        default_factory=list,
        key="links.extra_params",
        flag="--param",
        metavar="NAME",
        help="One more tracking parameter (repeatable).",
        repeat=True,
    )
    # The choice made on a landing's consent banner (in the browser): `accept` (the default,
    # as the audit's accept scenario: the visitor whose click ids must be stored), `reject`,
    # or `none` (no choice: tags that wait for consent are reported waiting, not broken).
    consent: str | None = setting(
        None,
        key="links.consent",
        flag="--consent",
        metavar="CHOICE",
        help="The choice made on a landing's consent banner: accept, reject or none "
        "(default: accept, when a banner shows).",
        choices=LANDING_CHOICES,
    )
    # Seconds without a new main-frame navigation before a browser visit counts as landed.
    browser_settle: float = setting(1.0, key="links.browser_settle", minimum=0)
    # Following is CPU-bound (httpx and aiohttp in Python): from `shard_min` distinct links on,
    # they are split over up to `processes` worker processes (0 = one per core; 1 = never).
    processes: int = setting(0, key="links.processes", minimum=0)
    shard_min: int = setting(200, key="links.shard_min", minimum=1)
    # Seconds the whole follow may take; None: worked out from the number of links so that
    # links keeping to `timeout` never reach it (links.pacing.run_limit). Links it cuts short
    # are `unverifiable` / `run-timeout`.
    run_timeout: float | None = setting(None, key="links.run_timeout", above=0)
