"""Capture candidates side by side: what each sees of every request a page makes, what
escapes it, and its cost per request (issue 18; MEASUREMENTS.md section 6 of fixtures/sdk-site).

Candidates (each run is a process of its own, alternating, `--rounds` times):

- `none`: no capture at all; every request reaches the witness (the baseline for cost);
- `edge`: tagaudit's capture point as the audit uses it (browser/edge.py: CDP `Fetch` on the
  browser target with target discovery, the run's gate deciding, tagaudit's init script);
- `mitmproxy`: mitmproxy as a library (benchmarks/capture_mitm.py, in a throwaway venv given
  by `--mitm-python`), chosen by a PAC script, its CA key trusted by SPKI hash;
- `asyncio`: a small asyncio HTTP/CONNECT proxy (benchmarks/capture_proxy.py), chosen the same;
- `edge+flags`: the edge with tagaudit's launch flags of today. The four above launch with
  the flags tagaudit had before Chromium's own traffic was stopped (`OLD_FLAGS`), so that
  traffic exists and the table shows who sees it.

Nothing leaves the machine. The witness (capture_proxy.Proxy in this process) is the
"network": for `none` and the edges, Chromium's PAC sends every non-loopback host to it (as
the tests do); for every candidate, `--host-resolver-rules` maps every host but loopback to
its direct TLS port, so a request that bypassed the PAC reaches it too. A request the witness
got that the candidate did not see is an escape (a leak), unless it is Chromium's own. In the
`none` column the counts are what reached the witness: what Chromium itself delivered.

Pages: the real SDK pages of fixtures/sdk-site (npm bundles, `make` installs them) and two
generated pages on a tracker host nobody catalogued. `gen/` sends `--n` requests of each kind
on load (image, sendBeacon, keepalive fetch, XHR, dedicated/shared/service worker, same-site
and cross-site iframe) and again while it is left by a real navigation (beacon, keepalive
fetch and image on `pagehide`, the iframes' `pagehide` beacons); `gen/close.html` sends
beacons, keepalive fetches and images on `pagehide` while its tab is closed.
Each page: load, network quiet (700 ms, at most 6 s), leave (`about:blank`, or close), 0.8 s.

Cost: wall time and CPU time of the whole process tree of a run (driver, Chromium, node, the
proxy: `os.wait4`), per request seen; the proxy's own CPU while serving and the edge's own
Python time (`busy_s`) are kept apart. Compare within one run: the machine is noisy.

    .venv/bin/python benchmarks/bench_capture.py --mitm-python /tmp/mitm-venv/bin/python \\
        [--n 5] [--rounds 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from capture_proxy import Proxy

REPO = Path(__file__).resolve().parents[1]
SDK_SITE = REPO / "fixtures" / "sdk-site"
TRACKER = "collector.bench-capture.test"
CANDIDATES = ("none", "edge", "mitmproxy", "asyncio", "edge+flags")
# tagaudit's launch flags before Chromium's own traffic was stopped (browser/session.py).
OLD_FLAGS = (
    "--disable-blink-features=AutomationControlled",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--no-sandbox",
)
# Chromium's own requests (measured: belong to no page): never counted as a page's leak.
OWN_HOSTS = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com")
KINDS_ON_LOAD = (
    "image", "beacon", "fetch", "xhr", "worker", "shared", "service", "iframe-same", "iframe-cross"
)  # fmt: skip
KINDS_ON_LEAVE = ("beacon", "fetch", "image", "iframe-same", "iframe-cross")
KINDS_ON_CLOSE = ("beacon", "fetch", "image")

GEN_SEND = """
const T = 'https://%(tracker)s/e?';
const N = %(n)d, R = Math.random().toString(36).slice(2);
const url = (k, p, i) => T + 'k=' + k + '&p=' + p + '&i=' + i + '&r=' + R;
const send = (p, kinds) => {
  for (let i = 0; i < N; i++) {
    if (kinds.includes('beacon')) navigator.sendBeacon(url('beacon', p, i), 'e=' + p);
    if (kinds.includes('fetch'))
      fetch(url('fetch', p, i), {method: 'POST', keepalive: true, mode: 'no-cors', body: p});
    if (kinds.includes('image')) new Image().src = url('image', p, i);
  }
};
"""
GEN_INDEX = """<!doctype html><meta charset="utf-8"><title>every kind</title>
<script>%(send)s
send('load', ['beacon', 'fetch', 'image']);
for (let i = 0; i < N; i++) {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', url('xhr', 'load', i));
  xhr.send('e=load');
}
addEventListener('pagehide', () => send('leave', ['beacon', 'fetch', 'image']));
new Worker('worker.js?n=' + N);
new SharedWorker('shared.js?n=' + N + '&r=' + R);
navigator.serviceWorker.register('sw.js').then(() => navigator.serviceWorker.ready)
  .then((reg) => reg.active.postMessage(N));
</script>
<iframe src="child.html?k=iframe-same"></iframe>
<iframe id="cross"></iframe>
<script>
document.getElementById('cross').src =
  location.origin.replace('127.0.0.1', 'localhost') + '/gen/child.html?k=iframe-cross';
</script>
"""
GEN_CHILD = """<!doctype html><meta charset="utf-8"><script>%(send)s
const k = new URLSearchParams(location.search).get('k');
for (let i = 0; i < N; i++) navigator.sendBeacon(url(k, 'load', i), 'e=' + k);
addEventListener('pagehide', () => {
  for (let i = 0; i < N; i++) navigator.sendBeacon(url(k, 'leave', i), 'e=leave');
});
</script>"""
GEN_CLOSE = """<!doctype html><meta charset="utf-8"><title>closed while sending</title>
<script>%(send)s
addEventListener('pagehide', () => send('close', ['beacon', 'fetch', 'image']));
</script>"""
GEN_WORKER = """const T = 'https://%(tracker)s/e?', R = Math.random().toString(36).slice(2);
const n = %(n_expr)s;
const go = (k, n) => { for (let i = 0; i < n; i++)
  fetch(T + 'k=' + k + '&p=load&i=' + i + '&r=' + R, {method: 'POST', mode: 'no-cors', body: k}); };
"""


def generate(root: Path, n: int) -> None:
    """The generated pages under root/gen/ (see the module docstring)."""
    gen = root / "gen"
    gen.mkdir(parents=True)
    send = GEN_SEND % {"tracker": TRACKER, "n": n}
    (gen / "index.html").write_text(GEN_INDEX % {"send": send})
    (gen / "child.html").write_text(GEN_CHILD % {"send": send})
    (gen / "close.html").write_text(GEN_CLOSE % {"send": send})
    worker = GEN_WORKER % {"tracker": TRACKER, "n_expr": n}
    (gen / "worker.js").write_text(worker + "go('worker', n);\n")
    (gen / "shared.js").write_text(worker + "go('shared', n);\n")
    (gen / "sw.js").write_text(
        worker + "self.addEventListener('message', () => go('service', n));\n"
    )


def sdk_pages() -> list[str]:
    """The real SDK pages of fixtures/sdk-site (their own folders; leave/ is the audit's)."""
    return sorted(p.parent.name for p in SDK_SITE.glob("*/index.html"))


# ---------------------------------------------------------------- the child: one candidate


class Receiver:
    """The edge's receiver for every context: keeps its records."""

    def __init__(self) -> None:
        self.records: list[Any] = []

    def page_hosts(self) -> set[str]:
        return {"127.0.0.1", "localhost"}

    def edge_record(self, record: Any) -> None:
        self.records.append(record)

    def edge_body(self, method: str, url: str, raw: Any, headers: Any) -> Any:
        from tagaudit.providers import read_body

        return read_body(raw, headers, url)


def _pac(port: int) -> str:
    import base64

    script = f"function FindProxyForURL(url, host) {{ return 'PROXY 127.0.0.1:{port}'; }}"
    return (
        "data:application/x-ns-proxy-autoconfig;base64,"
        + base64.b64encode(script.encode()).decode()
    )


def _start_proxy(candidate: str, plan: dict[str, Any], tmp: Path) -> tuple[Any, dict[str, Any]]:
    """Start the candidate's proxy process; wait for its ready file: (process, ready)."""
    here = Path(__file__).resolve().parent
    ready, log = tmp / "ready.json", tmp / "log.json"
    if candidate == "mitmproxy":
        command = [plan["mitm_python"], str(here / "capture_mitm.py")]
        command += ["--upstream", f"http://127.0.0.1:{plan['witness_port']}"]
    else:
        command = [sys.executable, str(here / "capture_proxy.py")]
    process = subprocess.Popen([*command, "--ready", str(ready), "--log", str(log)])
    while not ready.exists() or not ready.read_text():
        if process.poll() is not None:
            raise SystemExit(f"{candidate} did not start")
        time.sleep(0.05)
    return process, json.loads(ready.read_text())


async def _quiet(last: list[float], quiet: float, cap: float) -> None:
    began = time.monotonic()
    while time.monotonic() - last[0] < quiet and time.monotonic() - began < cap:
        await asyncio.sleep(0.05)


async def _settle(edge: Any) -> None:
    """Until the edge has decided every request it paused and no new one came for 0.3 s. The
    audit's own `drain` is bounded at 2 s: at a load of 58, 300 requests sent as a tab closed
    took longer, and what was still paused went with its context (not sent, not recorded)."""
    paused = -1
    while paused != edge.counts["paused"] or edge._tasks:
        paused = edge.counts["paused"]
        await edge.drain(timeout=30.0)
        await asyncio.sleep(0.3)


async def _visit(browser: Any, edge: Any, receiver: Receiver, url: str, close: bool) -> None:
    from tagaudit.browser.capture import INIT_SCRIPT

    agent = f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{browser.version} Safari/537.36"  # noqa: E501
    context = await browser.new_context(
        ignore_https_errors=True, service_workers="allow", user_agent=agent
    )
    await context.add_init_script(INIT_SCRIPT)
    page = await context.new_page()
    if edge is not None:
        await edge.attach(context, page, receiver)
    last = [time.monotonic()]
    context.on("request", lambda _: last.__setitem__(0, time.monotonic()))
    try:
        await page.goto(url, wait_until="load", timeout=60_000)
        await _quiet(last, 0.7, 6.0)
        if close:
            await page.close()
        else:
            await page.goto("about:blank")
        await asyncio.sleep(0.8)
        if edge is not None:  # until every request the edge paused is decided (what it saw)
            await _settle(edge)
    finally:
        await context.close()


async def drive(plan: dict[str, Any]) -> dict[str, Any]:
    """One candidate over every page: what it saw (URLs), its own times."""
    from playwright.async_api import async_playwright

    from tagaudit.browser import session
    from tagaudit.browser.edge import Edge
    from tagaudit.browser.gate import Gate

    candidate = plan["candidate"]
    out: dict[str, Any] = {"candidate": candidate, "seen": [], "proxy_cpu_s": None}
    process = None
    with tempfile.TemporaryDirectory() as tmp:
        spki = [plan["witness_spki"]]
        pac_port = plan["witness_port"]
        if candidate in ("mitmproxy", "asyncio"):
            process, ready = _start_proxy(candidate, plan, Path(tmp))
            pac_port = ready["port"]
            spki.append(ready["spki"])
        flags = session.LAUNCH_ARGS if candidate == "edge+flags" else OLD_FLAGS
        rules = (
            f"MAP * 127.0.0.1:{plan['witness_direct_port']}, EXCLUDE 127.0.0.1, EXCLUDE localhost"
        )
        args = [*flags, f"--proxy-pac-url={_pac(pac_port)}", f"--host-resolver-rules={rules}"]
        args.append(f"--ignore-certificate-errors-spki-list={','.join(spki)}")
        receiver = Receiver()
        began = time.perf_counter()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=plan["chromium"],
                args=args,
                ignore_default_args=list(session.IGNORED_DEFAULT_ARGS),
            )
            edge = None
            if candidate.startswith("edge"):
                edge = await Edge(Gate(site_hosts=["127.0.0.1"])).start(browser)
            for url in plan["urls"]:
                await _visit(browser, edge, receiver, url, url.endswith("/close.html"))
            await browser.close()
        out["wall_s"] = time.perf_counter() - began
        if edge is not None:
            out["seen"] = [{"method": r.method, "url": r.url} for r in receiver.records]
            out["seen"] += [{"method": r.method, "url": r.url} for r in edge.unplaced]
            out["edge_busy_s"] = edge.busy_s
        if process is not None:
            process.terminate()
            process.wait(timeout=60)
            log = json.loads((Path(tmp) / "log.json").read_text())
            out["seen"], out["proxy_cpu_s"] = log["seen"], log["cpu_s"]
    return out


# ---------------------------------------------------------------- the parent: the rounds


class Witness:
    """capture_proxy.Proxy on a thread of its own: the loopback "network"."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.proxy = asyncio.run_coroutine_threadsafe(Proxy().start(), self.loop).result()

    def take(self) -> list[dict[str, Any]]:
        seen, self.proxy.seen = self.proxy.seen, []
        return [{"method": s.method, "url": s.url, "how": s.how} for s in seen]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.proxy.close)


class TreeSampler:
    """The CPU of a process tree read from /proc every 0.2 s (a check on `wait4`, which
    misses a descendant nobody waited for): the last reading of each process, summed."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self._stop.wait(0.2):
            stats = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        text = Path(f"/proc/{entry}/stat").read_text()
                    except OSError:
                        continue
                    fields = text.rsplit(")", 1)[1].split()
                    stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
            tree = {self.root}
            grew = True
            while grew:
                grew = False
                for pid, (ppid, _) in stats.items():
                    if ppid in tree and pid not in tree:
                        tree.add(pid)
                        grew = True
            for pid in tree & stats.keys():
                self.last[pid] = stats[pid][1]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def total(self) -> float:
        return sum(self.last.values())


def run_child(plan: dict[str, Any]) -> dict[str, Any]:
    """One candidate's run as a process: its result and the whole tree's CPU (`wait4`)."""
    with tempfile.NamedTemporaryFile("w+", suffix=".json") as result:
        here = Path(__file__).resolve()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(here.parent)])}
        began = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(here), "--child", json.dumps(plan), "--out", result.name],
            env=env,
        )
        sampled = TreeSampler(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        sampled.stop()
        if status != 0:
            raise SystemExit(f"{plan['candidate']} failed (status {status})")
        out = json.loads(Path(result.name).read_text())
    out["tree_cpu_s"] = usage.ru_utime + usage.ru_stime
    out["sampled_cpu_s"] = sampled.total()
    out["process_wall_s"] = wall
    return out


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_own(url: str) -> bool:
    host = _host(url)
    return any(host == h or host.endswith("." + h) for h in OWN_HOSTS)


def tally(run: dict[str, Any], reached: list[dict[str, Any]]) -> dict[str, Any]:
    """What a run saw of each kind, what escaped it, Chromium's own traffic, its cost."""
    seen = Counter(s["url"] for s in run["seen"])
    # Without a capture, the columns say what reached the network (the witness).
    shown = Counter(r["url"] for r in reached) if run["candidate"] == "none" else seen
    kinds: Counter[str] = Counter()
    sdk: Counter[str] = Counter()
    for url, count in shown.items():
        if _host(url) == TRACKER:  # each URL names one request (`r` is the page's nonce)
            query = parse_qs(urlsplit(url).query)
            kinds[f"{query['p'][0]}:{query['k'][0]}"] += 1
        elif not is_own(url) and _host(url) not in ("127.0.0.1", "localhost"):
            sdk[_host(url)] += count
    # What reached the witness more often than the candidate saw it escaped (retries too).
    unseen = Counter(r["url"] for r in reached) - seen
    escaped = []
    for r in reached:
        if unseen[r["url"]] > 0 and not is_own(r["url"]):
            unseen[r["url"]] -= 1
            escaped.append(r)
    own_reached = sorted({_host(r["url"]) for r in reached if is_own(r["url"])})
    own_seen = sorted({_host(u) for u in seen if is_own(u)})
    page_requests = sum(kinds.values()) + sum(sdk.values())
    return {
        "candidate": run["candidate"],
        "kinds": dict(kinds),
        "sdk_hosts": dict(sdk),
        "page_requests_seen": page_requests,
        "escaped": [f"{r['method']} {r['url'][:120]} ({r['how']})" for r in escaped],
        "own_seen": own_seen,
        "own_reached_witness": own_reached,
        "wall_s": run["wall_s"],
        "tree_cpu_s": run["tree_cpu_s"],
        "sampled_cpu_s": run["sampled_cpu_s"],
        "proxy_cpu_s": run.get("proxy_cpu_s"),
        "edge_busy_s": run.get("edge_busy_s"),
    }


def expected(n: int) -> dict[str, int]:
    """How many requests of each kind the generated pages send (phase:kind)."""
    counts = {f"load:{k}": n for k in KINDS_ON_LOAD}
    counts |= {f"leave:{k}": n for k in KINDS_ON_LEAVE}
    counts |= {f"close:{k}": n for k in KINDS_ON_CLOSE}
    return counts


def _span(values: list[int]) -> str:
    """One count, or the lowest and highest of the rounds."""
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def print_table(results: list[dict[str, Any]], n: int) -> None:
    want = expected(n)
    names = [c for c in CANDIDATES if any(r["candidate"] == c for r in results)]
    by = {c: [r for r in results if r["candidate"] == c] for c in names}
    print("columns: what each candidate saw (none: what reached the network), min-max of rounds")
    print(f"{'phase:kind':22}" + "".join(f"{c:>12}" for c in names) + f"{'sent':>6}")
    for key, count in want.items():
        cells = [_span([r["kinds"].get(key, 0) for r in by[c]]) for c in names]
        print(f"{key:22}" + "".join(f"{v:>12}" for v in cells) + f"{count:>6}")
    rows = {
        "SDK requests seen": lambda r: sum(r["sdk_hosts"].values()),
        "escaped (leaks)": lambda r: len(r["escaped"]),
        "Chromium own seen": lambda r: len(r["own_seen"]),
        "Chromium own out": lambda r: len(r["own_reached_witness"]),
    }
    for label, value in rows.items():
        cells = [
            "-" if c == "none" and label.startswith("escaped") else max(value(r) for r in by[c])
            for c in names
        ]
        print(f"{label:22}" + "".join(f"{v:>12}" for v in cells))
    base = by.get("none")
    for label, key in (
        ("wall s", "wall_s"),
        ("tree CPU s", "tree_cpu_s"),
        ("sampled CPU s", "sampled_cpu_s"),
    ):
        line = f"{label:22}"
        for c in names:
            line += f"{sum(r[key] for r in by[c]) / len(by[c]):>12.1f}"
        print(line)
        if base:
            ref = sum(r[key] for r in base) / len(base)
            ratio = "".join(
                f"{sum(r[key] for r in by[c]) / len(by[c]) / ref:>11.2f}x" for c in names
            )
            print(f"{'  ÷ none':22}" + ratio)
    for label, key in (("proxy CPU s", "proxy_cpu_s"), ("edge Python s", "edge_busy_s")):
        vals = [
            sum(r[key] or 0 for r in by[c]) / len(by[c]) if by[c][0][key] is not None else None
            for c in names
        ]
        print(
            f"{label:22}" + "".join(f"{v:>12.2f}" if v is not None else f"{'-':>12}" for v in vals)
        )
    if base:
        for label, key in (
            ("CPU ms/request − none", "sampled_cpu_s"),
            ("wall ms/request − none", "wall_s"),
        ):
            ref = sum(r[key] for r in base) / len(base)
            line = f"{label:22}"
            for c in names:
                mean = sum(r[key] for r in by[c]) / len(by[c])
                seen = max(1, sum(r["page_requests_seen"] for r in by[c]) / len(by[c]))
                line += f"{(mean - ref) * 1000 / seen:>12.1f}"
            print(line)
    hosts = sorted({h for r in results for h in r["sdk_hosts"]})
    for host in hosts:
        cells = [_span([r["sdk_hosts"].get(host, 0) for r in by[c]]) for c in names]
        print(f"{host[:22]:22}" + "".join(f"{v:>12}" for v in cells))
    for c in names:
        for r in by[c]:
            for leak in r["escaped"][:5]:
                print(f"  escaped {c}: {leak}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--mitm-python", default="")
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument(
        "--sdks",
        default="",
        help="SDK pages, comma-separated (default: all; none: only the generated pages)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.out.write_text(json.dumps(asyncio.run(drive(json.loads(args.child)))))
        return 0
    return run_bench(args)


def run_bench(args: argparse.Namespace) -> int:
    from tagaudit.browser.discovery import find_browser
    from tagaudit.runner.sitesrv import SiteServer
    from tests.e2e.sdk_expected import _load

    candidates = [c for c in args.candidates.split(",") if c]
    if "mitmproxy" in candidates and not args.mitm_python:
        candidates.remove("mitmproxy")
        print("mitmproxy left out: give --mitm-python (a throwaway venv's python)")
    sdks = [s for s in args.sdks.split(",") if s] or sdk_pages()
    if sdks == ["none"]:
        sdks = []
    witness = Witness()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.n)
        with _load("serve").SdkSite() as sdk_site, SiteServer(Path(tmp)) as gen_site:
            urls = [sdk_site.url(f"/{s}/") for s in sdks]
            urls += [gen_site.url("/gen/index.html"), gen_site.url("/gen/close.html")]
            plan = {
                "urls": urls,
                "chromium": find_browser().path,
                "mitm_python": args.mitm_python,
                "witness_port": witness.proxy.port,
                "witness_direct_port": witness.proxy.direct_port,
                "witness_spki": witness.proxy.spki,
            }
            print(f"{len(urls)} pages, n={args.n}, {os.getloadavg()[0]:.1f} load at start")
            for round_ in range(args.rounds):
                order = (
                    candidates[round_ % len(candidates) :] + candidates[: round_ % len(candidates)]
                )
                for candidate in order:
                    witness.take()
                    run = run_child({**plan, "candidate": candidate})
                    results.append(tally(run, witness.take()))
                    wall, load = results[-1]["wall_s"], os.getloadavg()[0]
                    print(f"  round {round_ + 1} {candidate}: {wall:.1f} s wall, load {load:.1f}")
    witness.close()
    print_table(results, args.n)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
