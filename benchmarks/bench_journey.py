"""A 5-step journey: tagaudit's recording next to a bare Playwright script doing the same.

On the demo shop (served on 127.0.0.1): open the product page, add to cart, go to the
checkout, fill the order form and place the order, wait for the confirmation. The bare script
does exactly these actions with Playwright and, like tagaudit, answers tracking hits locally
and waits after each step until the network was quiet for `--quiet-ms` (a script that does
not wait misses late beacons, so it would not be the same job). tagaudit's side is
`tagaudit.journeys.run.play` on its page engine: recording, step snapshots, leaving the last
page, decoding. Both share one browser; rounds alternate, the median counts. Compare the
ratio within one run: machines are noisy.

    .venv/bin/python benchmarks/bench_journey.py [--rounds 5] [--quiet-ms 500]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from playwright.async_api import Page, Route

from tagaudit.browser.hits import interception_pattern, local_answer
from tagaudit.browser.page import PageEngine
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import PageSettings, SessionSettings
from tagaudit.config import config_from_mapping
from tagaudit.journeys.run import play
from tagaudit.runner.sitesrv import SiteServer

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo-site"
STEPS = [
    {"name": "product", "do": [{"goto": "/shop/trail-widget/"}]},
    {"name": "cart", "do": [{"click": "Add to cart"}, {"wait_for": {"url": "**/shop/cart/"}}]},
    {"name": "checkout", "do": [{"click": "Checkout"}]},
    {
        "name": "order",
        "do": [
            {"fill": {"label": "Email", "value": "buyer@example.com"}},
            {"select": {"label": "Country", "value": "DE"}},
            {"check": {"label": "I accept the terms"}},
            {"click": {"role": "button", "name": "Place order"}},
        ],
    },
    {"name": "confirmation", "do": [{"wait_for": {"url": "**/shop/thank-you/"}}]},
]


async def _quiet(page: Page, last: list[float], quiet_ms: int) -> None:
    while (time.monotonic() - last[0]) * 1000 < quiet_ms:
        await asyncio.sleep(0.02)


async def _bare(session: BrowserSession, base: str, quiet_ms: int) -> float:
    """The same five steps in plain Playwright, hits answered locally, quiet after each."""
    began = time.perf_counter()
    context = await session.browser.new_context(base_url=base)  # type: ignore[union-attr]
    pattern = interception_pattern()

    async def answer(route: Route) -> None:
        reply = local_answer(route.request)
        await (route.fallback() if reply is None else route.fulfill(**reply))

    await context.route(pattern, answer)
    page = await context.new_page()
    last = [time.monotonic()]
    page.on("request", lambda r: last.__setitem__(0, time.monotonic()))
    page.on("requestfinished", lambda r: last.__setitem__(0, time.monotonic()))
    await page.goto("/shop/trail-widget/", wait_until="load")
    await _quiet(page, last, quiet_ms)
    await page.get_by_role("button", name="Add to cart").click()
    await page.wait_for_url("**/shop/cart/")
    await _quiet(page, last, quiet_ms)
    await page.get_by_role("link", name="Checkout").click()
    await page.wait_for_load_state("load")
    await _quiet(page, last, quiet_ms)
    await page.get_by_label("Email").fill("buyer@example.com")
    await page.get_by_label("Country").select_option("DE")
    await page.get_by_label("I accept the terms").check()
    await page.get_by_role("button", name="Place order").click()
    await page.wait_for_url("**/shop/thank-you/")
    await _quiet(page, last, quiet_ms)
    await context.close()
    return time.perf_counter() - began


async def _tagaudit(session: BrowserSession, base: str, quiet_ms: int) -> float:
    config = config_from_mapping({"journeys": [{"name": "bench", "steps": STEPS}]})
    engine = PageEngine(session, PageSettings(quiet_ms=quiet_ms))
    began = time.perf_counter()
    outcome = await play(engine, config.journeys.journeys[0], base)
    elapsed = time.perf_counter() - began
    failed = [s for s in outcome.result.steps if s.status != "ok"]
    if failed or not any(h.event == "purchase" for v in outcome.visits for h in v.hits):
        print(f"  warning: the journey did not convert: {failed}", file=sys.stderr)
    return elapsed


async def _run(base: str, rounds: int, quiet_ms: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"bare": [], "tagaudit": []}
    async with BrowserSession(SessionSettings()) as session:
        await _bare(session, base, quiet_ms)  # warm-up: the browser's caches, the server
        for _ in range(rounds):
            times["bare"].append(await _bare(session, base, quiet_ms))
            times["tagaudit"].append(await _tagaudit(session, base, quiet_ms))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quiet-ms", type=int, default=500)
    args = parser.parse_args()
    with SiteServer(DEMO) as site:
        times = asyncio.run(_run(site.base_url, args.rounds, args.quiet_ms))
    bare, ours = statistics.median(times["bare"]), statistics.median(times["tagaudit"])
    print(f"bare Playwright   {bare:6.2f} s (median of {args.rounds})")
    print(f"tagaudit journey  {ours:6.2f} s")
    print(f"tagaudit / bare:  {ours / bare:.2f}x  (goal: at most 1.25x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
