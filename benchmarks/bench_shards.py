"""Benchmark: is sharding honest? Two shards on one machine + merge against one run, and the
cost of `tagaudit merge` on a 2,000-page report.

    .venv/bin/python benchmarks/bench_shards.py [--pages 48] [--concurrency 4] [--merge-pages 2000]

1. Writes a site of `--pages` pages (each sends GA4 hits, answered locally) served on
   127.0.0.1, and audits it from its sitemap three ways, each `tagaudit audit` a process of
   its own: one run at `--concurrency`; two `--shard` runs at the same concurrency each,
   started together (two CI jobs on one machine); and two at half of it (the same number
   of pages at once as the one run). Each pair is followed by `tagaudit merge`. It prints
   wall times (start to the merged report) and their ratio to the one run, and checks that
   the merged report has the one run's pages and findings.
2. Builds a 2,000-page audit report (the demo site's captured pages, repeated under new
   URLs), splits it into two shard reports, and times `tagaudit merge` on them as a whole
   process: reading, the rules again on all pages, writing JSON.

Run it once: the machine is shared. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
REPO = Path(__file__).resolve().parents[1]
PAGE = """<!doctype html><title>{path}</title>
<img src="https://www.google-analytics.com/g/collect?v=2&tid=G-BENCH1&cid=1.2&en=page_view&dl={path}">
<img src="https://www.facebook.com/tr/?id=1234567890&ev=PageView">
"""


def write_site(root: Path, pages: int) -> list[str]:
    paths = ["/"] + [f"/product/item-{chr(97 + i % 26)}{i}/" for i in range(pages - 1)]
    for path in paths:
        folder = root / path.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(PAGE.format(path=path), encoding="utf-8")
    return paths


def sitemap(root: Path, base: str, paths: list[str]) -> None:
    entries = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    (root / "sitemap.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>', "utf-8"
    )


def audit_argv(config: Path, out: Path, concurrency: int, shard: str | None) -> list[str]:
    argv = [PYTHON, "-m", "tagaudit", "audit", "-c", str(config), "-q", "--fail-on", "never"]
    argv += ["--concurrency", str(concurrency), "--json", str(out)]
    return [*argv, "--shard", shard] if shard else argv


def timed(argvs: list[list[str]]) -> float:
    """Start every command at once; seconds until the last one ended."""
    started = time.perf_counter()
    procs = [subprocess.Popen(a, stdout=subprocess.DEVNULL) for a in argvs]
    for proc in procs:
        if proc.wait() not in (0, 1):
            raise SystemExit(f"failed: {proc.args}")
    return time.perf_counter() - started


def comparable(path: Path) -> tuple:
    report = json.loads(path.read_text(encoding="utf-8"))
    pages = [p["url"] for p in report["pages"]]
    return pages, sorted(f["fingerprint"] for f in report["findings"])


def sharding(args: argparse.Namespace, folder: Path) -> None:
    from tagaudit.runner.sitesrv import SiteServer

    root = folder / "site"
    paths = write_site(root, args.pages)
    with SiteServer(root) as site:
        sitemap(root, site.base_url, paths)
        config = folder / "tagaudit.yaml"
        config.write_text(
            f"base_url: {site.base_url}\ncrawl: {{sitemap: /sitemap.xml, max_pages: 10000}}\n",
            encoding="utf-8",
        )
        one = timed([audit_argv(config, folder / "one.json", args.concurrency, None)])
        print(f"one run, {args.pages} pages, concurrency {args.concurrency}: {one:.1f} s")
        for each in (args.concurrency, max(1, args.concurrency // 2)):
            outs = [folder / f"s{i}-{each}.json" for i in (1, 2)]
            shards = [audit_argv(config, outs[i], each, f"{i + 1}/2") for i in range(2)]
            both = timed(shards)
            merged = folder / f"merged-{each}.json"
            merge = [PYTHON, "-m", "tagaudit", "merge", *map(str, outs), "-c", str(config)]
            joined = timed([[*merge, "--json", str(merged), "-q", "--fail-on", "never"]])
            same = comparable(merged) == comparable(folder / "one.json")
            print(
                f"2 shards at concurrency {each} each + merge: {both:.1f} + {joined:.1f} s = "
                f"{(both + joined) / one:.2f}x the one run (merged = one run: {same})"
            )


def big_report(folder: Path, pages: int) -> list[Path]:
    """Two shard reports of `pages` pages built from the demo site's captured pages."""
    from tagaudit.runner.sitesrv import SiteServer

    demo = folder / "demo.json"
    with SiteServer(REPO / "fixtures" / "demo-site") as site:
        argv = [PYTHON, "-m", "tagaudit", "audit", site.url("/"), "--depth", "3", "-q"]
        argv += ["--json", str(demo), "--fail-on", "never"]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    data = json.loads(demo.read_text(encoding="utf-8"))
    captured = [p for p in data["pages"] if p["scenario"] == "none" and not p["error"]]
    made = []
    for i in range(pages):
        page = json.loads(json.dumps(captured[i % len(captured)]))
        page["url"] = page["final_url"] = f"https://shop.example/p/{i}/"
        made.append(page)
    paths = []
    for index in (1, 2):
        mine = made[index - 1 :: 2]
        shard = dict(data, pages=mine, findings=[])
        shard["config"] = dict(
            data["config"], targets=[p["url"] for p in mine], shard=f"{index}/2", plan_id="b"
        )
        path = folder / f"big{index}.json"
        path.write_text(json.dumps(shard), encoding="utf-8")
        paths.append(path)
    return paths


def merging(args: argparse.Namespace, folder: Path) -> None:
    shards = big_report(folder, args.merge_pages)
    size = sum(p.stat().st_size for p in shards) / 1e6
    out = folder / "big-merged.json"
    argv = [PYTHON, "-m", "tagaudit", "merge", *map(str, shards), "--json", str(out), "-q"]
    seconds = min(timed([[*argv, "--fail-on", "never"]]) for _ in range(args.repeat))
    merged = json.loads(out.read_text(encoding="utf-8"))
    print(
        f"merge of 2 shards, {len(merged['pages'])} pages ({size:.0f} MB of JSON in): "
        f"{seconds:.1f} s (fastest of {args.repeat}), {len(merged['findings'])} findings"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=48)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--merge-pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip", default="", help="comma list: sharding,merge")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if "sharding" not in args.skip:
            sharding(args, Path(tmp))
        if "merge" not in args.skip:
            merging(args, Path(tmp))


if __name__ == "__main__":
    main()
