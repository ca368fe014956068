"""Checking a list of campaign links end to end: follow (httpx), then look (browser).

Owns the order of work: identical URLs are followed once; each input keeps its own copy of
the result with its expectations (`LinkResult.expected`); links that landed on a 2xx page
are then loaded by the `LinkNavigator` when one is given (a few at a time), and what the
browser saw is merged in. Imports links and the model only; the browser comes in through
the Protocol.
"""

from __future__ import annotations

import asyncio
import copy

from tagaudit.links.follower import Follower
from tagaudit.links.inputs import LinkTarget
from tagaudit.links.navigator import LinkNavigator, merge_visit
from tagaudit.links.settings import LinkSettings
from tagaudit.model import LinkResult

BROWSER_CONCURRENCY = 3


async def check_links(
    targets: list[LinkTarget],
    settings: LinkSettings | None = None,
    navigator: LinkNavigator | None = None,
    done: dict[str, LinkResult] | None = None,
) -> list[LinkResult]:
    """One LinkResult per target, in input order.

    `done` (URL → result) fills up as links finish; after an interrupt, `per_target(targets,
    done)` still gives the finished ones.
    """
    settings = settings or LinkSettings()
    done = done if done is not None else {}
    async with Follower(settings) as follower:
        await follower.follow_all([t.url for t in targets], done)
    if navigator is not None:
        await _look(list(done.values()), settings, navigator)
    return per_target(targets, done)


def per_target(targets: list[LinkTarget], done: dict[str, LinkResult]) -> list[LinkResult]:
    """The result of each target that has one, carrying its own expectations.

    A URL given more than once (say, in two CSV rows with different expectations) was
    followed once; each later target gets a deep copy so the expectations stay apart.
    """
    results, given = [], set()
    for target in targets:
        if target.url in done:
            found = done[target.url]
            result = copy.deepcopy(found) if target.url in given else found
            given.add(target.url)
            result.expected = _expectations(target)
            results.append(result)
    return results


def _expectations(target: LinkTarget) -> dict[str, object]:
    expected: dict[str, object] = {"source": target.source}
    if target.expected_landing:
        expected["landing"] = target.expected_landing
    if target.must_arrive:
        expected["must_arrive"] = list(target.must_arrive)
    if target.expected_channel:
        expected["channel"] = target.expected_channel
    return expected


def wants_browser(result: LinkResult) -> bool:
    """Only links that landed on a page are worth a browser visit."""
    return result.verdict == "ok" and result.final_status is not None and result.final_status < 300


async def _look(results: list[LinkResult], settings: LinkSettings, nav: LinkNavigator) -> None:
    gate = asyncio.Semaphore(BROWSER_CONCURRENCY)

    async def one(result: LinkResult) -> None:
        async with gate:
            try:
                visit = await nav.visit(
                    result.url, timeout=settings.timeout, settle=settings.browser_settle
                )
            except Exception as problem:  # one crashed visit must not sink the run
                result.landing = {"browser_error": f"{type(problem).__name__}: {problem}"}
                return
        merge_visit(result, visit, settings.extra_params, settings.max_hops)

    await asyncio.gather(*(one(r) for r in results if wants_browser(r)))


def check_links_sync(
    targets: list[LinkTarget],
    settings: LinkSettings | None = None,
    navigator: LinkNavigator | None = None,
) -> list[LinkResult]:
    """`check_links` for synchronous callers (the CLI)."""
    return asyncio.run(check_links(targets, settings, navigator))
