"""Benchmark: audits at 200, 1,000 and 2,000 pages — time per page, memory, report sizes.

    .venv/bin/python benchmarks/bench_audit_scale.py [--pages 200,1000,2000]
                                                     [--concurrency 4] [--json OUT.json]
                                                     [--keep DIR] [--every-format]

Generates a site of as many pages as the largest size (each page loads a script, a style
sheet and an image, pushes to the dataLayer, sets cookies, and sends a GA4 batch of 12
events in a POST body, a Meta pixel hit and a TikTok JSON event: nine requests and 14 tag
hits a page, bodies of some kilobytes), serves it on 127.0.0.1 from this process, and for
each size runs the whole command as a user would, one process tree:

    tagaudit audit -c tagaudit.yaml --json report.json -q   (sitemap of that many pages)

While it runs, the memory of the whole tree (tagaudit, the Playwright driver, Chromium and
its helpers) is sampled from /proc every 0.2 s: the sum of PSS (each shared page counted once
between the processes that share it) and, apart, the RSS of tagaudit's own Python process,
the part that grows with the pages it keeps. Then, in this process, the report is read back
and written in every format (the time and the size of each), and split into two shard
reports that `tagaudit merge` joins again (a process, timed whole).

Prints the table again after each size (per size: wall and CPU seconds a page, the tree's
memory at its peak, at 25 % and at 90 % of the run, tagaudit's own at its peak, at 25 % and
at the end, report sizes, CPU seconds of writing each format and of the merge) and the
ratios that the goals of issue 22 name: time a page at the largest size over the smallest
(goal: within 1.15) and memory at the largest size over the smallest (flat after warm-up:
near 1). Nothing leaves 127.0.0.1. Run it on a quiet machine, once: 2,000 pages take
minutes.

Measured (issue 22, 2026-12-07, one run after another on an idle 2-core machine, four
workers; `--json -q`):

    code                         pages  s/page  tree MB peak  tagaudit MB peak (25% / end)
    before pages on disk (3d3bc05) 200   0.29      1041          86 (62 / 81)
                                  1000   0.22      1317         133 (80 / 132)
                                  2000   0.21      1360         272 (116 / 161)
    pages on disk, rules in one    200   0.26      1089          80 (61 / 78)
    pass over them (c0e76da)      1000   0.22      1242         109 (84 / 109)
                                  2000   0.25      1193         110 (108 / 109)

tagaudit's memory is flat after warm-up (the first 100 pages stay in memory, and Python's
heap grows to its working size within some 500 pages): 108 MB 500 pages into the 2,000-page
run, 109 MB at its end, and its peak at 2,000 pages 1.01x its peak at 1,000. Time a page at
2,000 over 200: wall 0.96x, CPU 0.92x (goal 1.15x). Writing the JSON no longer holds its
text: 3.2x the file before, 6 % now (tests/report/test_json_in_parts.py).
With `--every-format` (the terminal summary, JUnit, HTML, SARIF and Markdown too), same
code, right after: tagaudit peaks at 92 MB at 200 pages and 150 MB at 2,000 (108 MB 500
pages in, 109 MB after the crawl); the tree at 1,178 and 1,329 MB. The 40 MB above the
JSON-only run is the HTML's: it still gets a masked list of every page while it is written
(it links matrix rows and findings to pages by identity, report/masking.py).
The HTML at 2,000 pages is 6.6 MB (7.1 MB in an earlier stop) and opens in 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PYTHON = sys.executable
SAMPLE_EVERY = 0.2
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Product {n}</title>
<link rel="stylesheet" href="/site.css"><script src="/tags.js"></script></head>
<body><h1>Product {n}</h1><img src="/img/p.svg" width="120" alt="">
<p>{text}</p><a href="/p{next}/">next</a>
<script>fire({n});</script></body></html>
"""
TAGS_JS = """
function fire(n) {
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({event: 'view_item', ecommerce: {items: [{item_id: 'SKU-' + n, price: n}]}});
  var lines = ['en=page_view&_et=1'];
  for (var i = 0; i < 11; i++) lines.push('en=scroll&epn.percent_scrolled=' + (i * 9)
      + '&ep.section=section-' + i + '&ep.text=' + 'lorem-ipsum-'.repeat(6));
  navigator.sendBeacon('https://www.google-analytics.com/g/collect?v=2&tid=G-BENCH1'
    + '&cid=1.2&dl=' + encodeURIComponent(location.href), lines.join('\\n'));
  new Image().src = 'https://www.facebook.com/tr/?id=1234567890&ev=PageView&dl='
    + encodeURIComponent(location.href);
  fetch('https://analytics.tiktok.com/api/v2/pixel', {method: 'POST', mode: 'no-cors',
    body: JSON.stringify({event: 'ViewContent', context: {pixel: {code: 'CBENCH'},
    page: {url: location.href}}, properties: {value: n, contents: Array.from({length: 20},
    (_, i) => ({content_id: 'SKU-' + i, quantity: 1}))}})});
  document.cookie = '_ga=GA1.1.' + n + '.1; path=/';
  document.cookie = '_fbp=fb.1.1.' + n + '; path=/';
}
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect fill="#9ab"/></svg>'


# ---------------------------------------------------------------- the site
def write_site(root: Path, pages: int) -> None:
    (root / "site.css").write_text("body{font-family:sans-serif;max-width:40em;margin:auto}")
    (root / "tags.js").write_text(TAGS_JS)
    (root / "img").mkdir()
    (root / "img" / "p.svg").write_text(SVG)
    for n in range(pages):
        folder = root / f"p{n}"
        folder.mkdir()
        text = "A product worth reading about. " * 20
        (folder / "index.html").write_text(PAGE.format(n=n, next=(n + 1) % pages, text=text))


def write_config(folder: Path, base: str, pages: int, concurrency: int) -> Path:
    entries = "".join(f"<url><loc>{base}/p{n}/</loc></url>" for n in range(pages))
    (folder / f"sitemap-{pages}.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )
    config = folder / f"tagaudit-{pages}.yaml"
    config.write_text(
        f"base_url: {base}/p0/\ncrawl: {{sitemap: /sitemap-{pages}.xml, max_pages: {pages}, "
        f"depth: 0, concurrency: {concurrency}}}\n"
    )
    return config


# ---------------------------------------------------------------- memory of a process tree
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _tree(root: int) -> list[int]:
    children, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _kib(pid: int, path: str, key: bytes) -> int:
    try:
        with open(f"/proc/{pid}/{path}", "rb") as source:
            for line in source:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the PSS of a process tree and the RSS of its root until `stop()`."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.samples = root, []  # (seconds, tree PSS MiB, root RSS MiB)
        self._stop_event = threading.Event()
        self._began = time.perf_counter()

    def run(self) -> None:
        while not self._stop_event.wait(SAMPLE_EVERY):
            pss = sum(_kib(pid, "smaps_rollup", b"Pss:") for pid in _tree(self.root))
            rss = _kib(self.root, "status", b"VmRSS:")
            if rss:
                when = time.perf_counter() - self._began
                self.samples.append((when, pss / 1024, rss / 1024))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def at(self, share: float, column: int = 2) -> float:
        """tagaudit's RSS (`column` 1: the tree's PSS) at `share` of the run (0.25: a quarter
        of the way)."""
        if not self.samples:
            return 0.0
        end = self.samples[-1][0]
        return next(sample[column] for sample in self.samples if sample[0] >= end * share)


# ---------------------------------------------------------------- one size
def audit(folder: Path, config: Path, pages: int, every_format: bool = False) -> dict:
    out = folder / f"report-{pages}.json"
    argv = [PYTHON, "-m", "tagaudit", "audit", "-c", str(config), "--fail-on", "never"]
    if every_format:  # the terminal summary too, and every file a person reads
        for name, suffix in (("junit", "junit.xml"), ("html", "html"), ("sarif", "sarif")):
            argv += [f"--{name}", str(folder / f"run-{pages}.{suffix}")]
        argv += ["--markdown", str(folder / f"run-{pages}.md")]
    else:
        argv.append("-q")
    started, cpu_before = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen([*argv, "--json", str(out)], stdout=subprocess.DEVNULL)
    memory = TreeMemory(proc.pid)
    memory.start()
    code = proc.wait()
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    memory.stop()
    if code not in (0, 1) or not out.exists():
        raise SystemExit(f"the audit of {pages} pages failed (exit {code})")
    data = json.loads(out.read_text(encoding="utf-8"))
    audited = len(data["pages"])
    return {
        "pages": audited,
        "hits": sum(len(p["hits"]) for p in data["pages"]),
        "wall": wall,
        "per_page": wall / max(1, audited),
        "peak_tree_mb": max((s[1] for s in memory.samples), default=0),
        "peak_tagaudit_mb": max((s[2] for s in memory.samples), default=0),
        "tagaudit_quarter_mb": memory.at(0.25),
        "tagaudit_end_mb": memory.at(0.97),
        "tree_quarter_mb": memory.at(0.25, column=1),
        "tree_late_mb": memory.at(0.9, column=1),
        "cpu_per_page": cpu / max(1, audited),
        "report": out,
    }


def formats(path: Path) -> dict[str, dict[str, float]]:
    """Each format written from the report read back: seconds and megabytes."""
    from tagaudit.model import Report
    from tagaudit.report.formats import FORMATS

    report = Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
    made = {}
    for name, fmt in FORMATS.items():
        started = time.process_time()
        text = fmt.text(report, "error")
        seconds = time.process_time() - started
        made[name] = {"seconds": seconds, "mb": len(text.encode()) / 1e6}
        if name == "html":
            path.with_suffix(".html").write_text(text, encoding="utf-8")
    return made


def merging(path: Path) -> float:
    """Seconds `tagaudit merge` takes on the report split into two shard reports."""
    data = json.loads(path.read_text(encoding="utf-8"))
    shards = []
    for index in (1, 2):
        pages = data["pages"][index - 1 :: 2]
        shard = dict(data, pages=pages, findings=[])
        shard["config"] = dict(
            data["config"], targets=[p["url"] for p in pages], shard=f"{index}/2", plan_id="b"
        )
        shards.append(path.with_name(f"{path.stem}-shard{index}.json"))
        shards[-1].write_text(json.dumps(shard), encoding="utf-8")
    out = path.with_name(f"{path.stem}-merged.json")
    argv = [PYTHON, "-m", "tagaudit", "merge", *map(str, shards), "--json", str(out), "-q"]
    cpu_before = _children_cpu()
    subprocess.run([*argv, "--fail-on", "never"], check=True, stdout=subprocess.DEVNULL)
    return _children_cpu() - cpu_before


def _children_cpu() -> float:
    """CPU seconds of the finished child processes and all they waited for: a tagaudit run
    with its driver and Chromium, whole (less at the mercy of a loaded machine than wall)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- the table
def show(rows: list[dict]) -> None:
    print(
        f"\n{'pages':>6}{'s/page':>7}{'cpu/p':>7}{'tree MB':>8}{'@25%':>6}{'@90%':>6}"
        f"{'ta MB':>6}{'@25%':>6}{'@end':>6}{'json':>6}{'html':>6}{'merge':>6}  write cpu s"
    )
    for r in rows:
        writes = " ".join(f"{name} {f['seconds']:.2f}" for name, f in r["formats"].items())
        print(
            f"{r['pages']:>6}{r['per_page']:>7.3f}{r['cpu_per_page']:>7.3f}"
            f"{r['peak_tree_mb']:>8.0f}{r['tree_quarter_mb']:>6.0f}{r['tree_late_mb']:>6.0f}"
            f"{r['peak_tagaudit_mb']:>6.0f}{r['tagaudit_quarter_mb']:>6.0f}"
            f"{r['tagaudit_end_mb']:>6.0f}{r['formats']['json']['mb']:>6.1f}"
            f"{r['formats']['html']['mb']:>6.1f}{r['merge']:>6.1f}  {writes}"
        )
    first, last = rows[0], rows[-1]
    sizes = f"{last['pages']} over {first['pages']} pages"
    print(
        f"\ntime a page, {sizes}: wall {last['per_page'] / first['per_page']:.2f}x, CPU "
        f"{last['cpu_per_page'] / first['cpu_per_page']:.2f}x (goal: at most 1.15x)"
    )
    end, peak, tree = (
        last[key] / first[key] for key in ("tagaudit_end_mb", "peak_tagaudit_mb", "peak_tree_mb")
    )
    print(
        f"memory, {sizes}: tagaudit at the end {end:.2f}x, at its peak {peak:.2f}x; whole tree"
        f" at its peak {tree:.2f}x (flat after warm-up: near 1)"
    )
    # After warm-up: within the largest run, from its first quarter to its end (500 pages
    # in, at 2,000), and its peak over the next size's.
    within = last["tagaudit_end_mb"] / last["tagaudit_quarter_mb"]
    line = f"after warm-up: tagaudit from 25 % to the end of the largest run {within:.2f}x"
    if len(rows) > 2:
        middle = rows[-2]
        ratio = last["peak_tagaudit_mb"] / middle["peak_tagaudit_mb"]
        line += f"; its peak at {last['pages']} over {middle['pages']} pages {ratio:.2f}x"
    print(line)
    print(
        "s/page: wall; cpu/p: CPU seconds of the whole tree a page; tree MB: PSS of tagaudit +"
        " driver + Chromium (peak, at 25 % and 90 % of the run); ta: tagaudit's own RSS (peak,"
        " at 25 %, at the end); json, html: report MB; merge, write: CPU seconds. Load average"
        " now: " + " ".join(f"{x:.1f}" for x in os.getloadavg()),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="200,1000,2000", help="comma list of sizes")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", help="write the raw results here")
    parser.add_argument("--keep", help="keep the site and the reports in this folder")
    parser.add_argument(
        "--every-format",
        action="store_true",
        help="the audit also prints its terminal summary and writes JUnit, HTML, SARIF and "
        "Markdown (their memory counts in the run's)",
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.pages.split(","))
    from tagaudit.runner.sitesrv import SiteServer

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        root = folder / "site"
        root.mkdir()
        write_site(root, sizes[-1])
        rows = []
        with SiteServer(root) as site:
            for pages in sizes:
                config = write_config(root, site.base_url, pages, args.concurrency)
                row = audit(folder, config, pages, args.every_format)
                row["formats"] = formats(row["report"])
                row["merge"] = merging(row["report"])
                row["report"] = str(row["report"])
                rows.append(row)
                print(f"{pages} pages: {row['wall']:.0f} s", file=sys.stderr, flush=True)
                show(rows)  # each size as it is measured: 2,000 pages may not finish in time
                if args.json:
                    Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
