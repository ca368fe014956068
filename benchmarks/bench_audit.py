"""Audit throughput: tagaudit next to bare Playwright loops doing the same navigations.

Generates a local site of N pages (each firing a GA4 beacon, a Meta pixel image, a late
TikTok fetch and loading a local script), serves it on 127.0.0.1, and in ONE run measures
pages/second for:

  bare-context  a new context + page per URL: goto(load), wait, close   (isolated, slow)
  bare-reuse    one page per worker: goto(load), wait                    (fast, not isolated)
  tagaudit      the library's `audit_async` (full capture, decoding and the rules), in
                `reuse` (wiped state) and `context` isolation modes

Every loop answers vendor hits locally (as tagaudit does), runs at the same concurrency and
waits the same way after load: until no request has started for `--wait-ms` (the quiet
period that catches late beacons; a fixed sleep after load would miss a beacon fired later
than the sleep). Machines are noisy: compare ratios within one run.

    .venv/bin/python benchmarks/bench_audit.py [--pages 120] [--concurrency 4] [--wait-ms 500]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import BrowserContext, Page, Route, async_playwright

from tagaudit import audit_async
from tagaudit.browser.discovery import find_browser
from tagaudit.browser.session import LAUNCH_ARGS
from tagaudit.runner.sitesrv import SiteServer

VENDOR_HOSTS = re.compile(
    r"^https://(www\.google-analytics\.com|www\.facebook\.com|analytics\.tiktok\.com)/"
)
PAGE = """<!doctype html><html><head><title>Page {n}</title>
<link rel="stylesheet" href="/site.css"><script src="/tags.js"></script></head>
<body><h1>Product {n}</h1><p>{text}</p>{links}
<script>fire({n});</script></body></html>
"""
TAGS_JS = """
function fire(n) {
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({event: 'view', page: n});
  navigator.sendBeacon('https://www.google-analytics.com/g/collect?v=2&tid=G-BENCH1&cid=1.2'
    + '&dl=' + encodeURIComponent(location.href), 'en=page_view\\nen=view_item&epn.value=' + n);
  new Image().src = 'https://www.facebook.com/tr/?id=1234567890&ev=PageView&dl='
    + encodeURIComponent(location.href);
  setTimeout(() => fetch('https://analytics.tiktok.com/api/v2/pixel', {method: 'POST',
    mode: 'no-cors', body: JSON.stringify({event: 'ViewContent', context: {pixel:
    {code: 'CBENCH'}}, properties: {value: n}})}), 150);
  document.cookie = '_ga=GA1.1.' + n + '.1; path=/';
  localStorage.setItem('seen', String(n));
}
"""


def generate_site(root: Path, pages: int) -> list[str]:
    """Write `pages` pages plus shared assets; return their paths."""
    (root / "site.css").write_text("body{font-family:sans-serif;max-width:40em;margin:auto}")
    (root / "tags.js").write_text(TAGS_JS)
    paths = []
    for n in range(pages):
        links = "".join(f'<a href="/p{(n + k) % pages}/">next {k}</a> ' for k in (1, 2, 3))
        page_dir = root / f"p{n}"
        page_dir.mkdir()
        (page_dir / "index.html").write_text(
            PAGE.format(n=n, text="lorem ipsum " * 40, links=links)
        )
        paths.append(f"/p{n}/")
    return paths


async def _quiet(page: Page, wait_ms: int) -> None:
    """Wait until no request has started for `wait_ms` (bounded at 5 s, as tagaudit is)."""
    last = [time.monotonic()]
    listener = lambda request: last.__setitem__(0, time.monotonic())  # noqa: E731
    page.on("request", listener)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and time.monotonic() - last[0] < wait_ms / 1000:
        await asyncio.sleep(0.02)
    page.remove_listener("request", listener)


async def _answer(route: Route) -> None:
    await route.fulfill(status=204, body=b"")


async def _bare(urls: list[str], concurrency: int, wait_ms: int, fresh: bool) -> float:
    """A bare Playwright loop: the floor any tool built on Playwright pays."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser().path, args=LAUNCH_ARGS)
        queue = list(reversed(urls))

        async def setup() -> tuple[BrowserContext, Page]:
            context = await browser.new_context()
            await context.route(VENDOR_HOSTS, _answer)
            return context, await context.new_page()

        async def worker() -> None:
            context, page = (None, None) if fresh else await setup()
            while queue:
                url = queue.pop()
                if fresh:
                    context, page = await setup()
                await page.goto(url, wait_until="load")
                await _quiet(page, wait_ms)
                if fresh:
                    await context.close()
            if not fresh:
                await context.close()

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
        await browser.close()
    return elapsed


async def _tagaudit(urls: list[str], concurrency: int, wait_ms: int, isolation: str) -> float:
    began = time.perf_counter()
    report = await audit_async(
        urls, concurrency=concurrency, quiet_ms=wait_ms, isolation=isolation, max_pages=len(urls)
    )
    elapsed = time.perf_counter() - began
    missing = [v.url for v in report.pages if len(v.hits) < 4 or v.error]
    if missing:
        print(f"  warning: {len(missing)} pages without all 4 hits, e.g. {missing[:2]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--wait-ms", type=int, default=500, help="quiet period after load")
    args = parser.parse_args()
    runs: list[tuple[str, Callable[[list[str]], Awaitable[float]]]] = [
        ("bare-context", lambda u: _bare(u, args.concurrency, args.wait_ms, fresh=True)),
        ("bare-reuse", lambda u: _bare(u, args.concurrency, args.wait_ms, fresh=False)),
        ("tagaudit-reuse", lambda u: _tagaudit(u, args.concurrency, args.wait_ms, "reuse")),
        ("tagaudit-context", lambda u: _tagaudit(u, args.concurrency, args.wait_ms, "context")),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate_site(Path(tmp), args.pages)
        with SiteServer(Path(tmp)) as site:
            urls = [site.url(p) for p in paths]
            results = {}
            for name, run in runs:
                elapsed = asyncio.run(run(urls))
                results[name] = len(urls) / elapsed
                print(f"{name:17s} {results[name]:6.2f} pages/s  ({elapsed:.1f} s)", flush=True)
    print(
        f"\n{args.pages} pages, concurrency {args.concurrency}, wait {args.wait_ms} ms after load"
    )
    for name in ("tagaudit-reuse", "tagaudit-context"):
        for base in ("bare-reuse", "bare-context"):
            print(f"{name} / {base}: {results[name] / results[base]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
