"""Held-out SDKs: does a zero-config audit surface collectors it was never written for?

Installs a pinned list of real browser SDKs from npm (none of them named anywhere in
src/tagaudit/providers: check with grep before adding one) into a cache outside the
repository, serves one page per SDK on 127.0.0.1 (each SDK with its documented defaults,
sending to its documented endpoint or to a custom / self-hosted host, a page view plus named
events), and measures two things one after another:

1. Ground truth, without tagaudit: Playwright loads each page with every non-loopback host
   proxied to the loopback sink of fixtures/sdk-site (PAC + its own certificate), which
   answers as the vendor would, waits for the SDK, leaves by a real navigation, and records
   what reached the sink. An expected event (one of the page's own calls) counts when it is
   on the wire; one that never was is listed and not counted.
2. `tagaudit audit <pages> --json` (the CLI as a user runs it). Its one setting is the
   browser's proxy to the same sink (what tagaudit lets through, such as a family's settings,
   is answered there, not by the network); nothing about decoding. For each SDK: was its
   collector surfaced (a hit on its host, of a known family or `unknown`), which of the
   expected events were named, which other events it reported, and any hit on a host that
   is not the collector (a false hit).

Network: npm once (the cache is reused); nothing the pages send leaves the machine.
`--src` audits with another checkout's sources (before → after); `--quiet-ms` is passed on.

    .venv/bin/python benchmarks/bench_unseen_sdks.py                # all SDKs
    .venv/bin/python benchmarks/bench_unseen_sdks.py --sdk swetrix --verbose

Measured 2026-12-07 (2 shared cores, load 45-70), one run after another, before (issue 19's
first round) → after (its second): with `--quiet-ms 1500`, 2 → 8 of 8 collectors and 6 → 22
of 22 events (27 → 100 %), no false hit; at tagaudit's default 400 ms quiet period, 2 → 6
or 7 of 8 and 27 → 73-77 % (two runs): Optimizely and Elastic APM had sent nothing when the
audit left. Then, at the default 400 ms, one run after another on an idle machine: 6 → 8 of 8
and 16 → 22 of 22 events (73 → 100 %), no false hit; 100 % again in two runs beside two CPU
hogs. Optimizely's last batch on page hide is a beacon of a JSON Blob: its preflight was
answered with `Allow-Headers: *`, which grants nothing to a credentialed request, so its POST
never followed (browser/hits.py now grants what was asked). Elastic APM ends its page-load
transaction 1 s after load and flushes 500 ms later, and nothing of it survives the leave:
the visit now lasts until the page's timeouts due within 1.5 s have fired (browser/page.py).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tagaudit-bench"
NPM_DIR = CACHE / "unseen-sdks"
# Names a page view goes by on the wire or in a decoder: any of them names the page view.
PAGE_VIEW = frozenset(
    {"page_view", "pageview", "PageView", "Pageview", "$pageview", "page", "view", "screen_view"}
)


@dataclass
class Sdk:
    """One held-out SDK: its npm package, its page and what the page's calls send."""

    name: str
    kind: str
    package: str
    version: str
    collector: str
    script: str
    # the page's own calls, in order: (label, a regex that finds it in "URL\nbody" of a
    # request the SDK sent, the names that call it an event)
    expected: list[tuple[str, str, frozenset[str]]]
    # what the vendor answers, by a fragment of the URL (default "{}")
    answers: dict[str, str] = field(default_factory=dict)


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


OPTIMIZELY_DATAFILE = {
    "version": "4",
    "accountId": "24680135790",
    "projectId": "13579024680",
    "revision": "7",
    "anonymizeIP": True,
    "botFiltering": False,
    "attributes": [],
    "audiences": [],
    "groups": [],
    "rollouts": [],
    "featureFlags": [],
    "integrations": [],
    "typedAudiences": [],
    "events": [
        {"id": "30001", "key": "purchase", "experimentIds": ["20001"]},
        {"id": "30002", "key": "sign_up", "experimentIds": ["20001"]},
    ],
    "experiments": [
        {
            "id": "20001",
            "key": "checkout_button",
            "layerId": "10001",
            "status": "Running",
            "audienceIds": [],
            "forcedVariations": {},
            "trafficAllocation": [{"entityId": "40001", "endOfRange": 10000}],
            "variations": [{"id": "40001", "key": "green", "variables": []}],
        }
    ],
}

CUSTOMERIO_SETTINGS = {
    "integrations": {
        "Customer.io Data Pipelines": {
            "apiKey": "cio0a1b2c3d4e5f6a7b8c9d",
            "apiHost": "cdp.customer.io/v1",
            "protocol": "https",
        }
    },
    "plan": {"track": {"__default": {"enabled": True}}},
}

SDKS: list[Sdk] = [
    Sdk(
        "appinsights",
        "RUM / product analytics",
        "@microsoft/applicationinsights-web",
        "3.4.4",
        "dc.services.visualstudio.com",
        """<script
  src="/nm/@microsoft/applicationinsights-web/dist/es5/applicationinsights-web.min.js">
</script>
<script>
const ai = new Microsoft.ApplicationInsights.ApplicationInsights({config: {
  connectionString: "InstrumentationKey=5b0e7c3a-1d2f-4e5a-8b9c-0d1e2f3a4b5c"}});
ai.loadAppInsights();
ai.trackPageView();
ai.trackEvent({name: "purchase"}, {value: 42.5, currency: "EUR"});
ai.trackEvent({name: "sign_up"}, {plan: "pro"});
window.benchDone = true;
</script>""",
        [
            ("page view", r'"PageviewData"', PAGE_VIEW),
            ("purchase", r'"name":"purchase"', _names("purchase")),
            ("sign_up", r'"name":"sign_up"', _names("sign_up")),
        ],
        answers={"/v2/track": '{"itemsReceived":3,"itemsAccepted":3,"errors":[]}'},
    ),
    Sdk(
        "elastic-apm",
        "RUM (self-hosted APM server)",
        "@elastic/apm-rum",
        "5.17.5",
        "apm.shop.example",
        """<script src="/nm/@elastic/apm-rum/dist/bundles/elastic-apm-rum.umd.min.js"></script>
<script>
const apm = elasticApm.init({serviceName: "shop-web", serverUrl: "https://apm.shop.example"});
window.addEventListener("load", () => setTimeout(() => {
  // a custom transaction with a span that took time (empty ones are dropped)
  const run = (name) => new Promise((done) => {
    const tr = apm.startTransaction(name, "custom");
    const span = tr.startSpan(`${name} request`, "external");
    setTimeout(() => { span.end(); tr.end(); done(); }, 80);
  });
  run("purchase").then(() => run("sign_up")).then(() => { window.benchDone = true; });
}, 200));
</script>""",
        [
            ("page load", r'"type":"page-load"', PAGE_VIEW | _names("page-load", "/elastic-apm")),
            ("purchase", r'"name":"purchase"', _names("purchase")),
            ("sign_up", r'"name":"sign_up"', _names("sign_up")),
        ],
    ),
    Sdk(
        "optimizely",
        "experimentation",
        "@optimizely/optimizely-sdk",
        "5.3.5",
        "logx.optimizely.com",
        """<script src="/nm/@optimizely/optimizely-sdk/dist/optimizely.browser.umd.min.js"></script>
<script>
const client = optimizelySdk.createInstance({datafile: DATAFILE});
client.onReady().then(() => {
  client.activate("checkout_button", "user-42");
  client.track("purchase", "user-42", {}, {revenue: 4250, value: 42.5});
  client.track("sign_up", "user-42");
  window.benchDone = true;
});
</script>""".replace("DATAFILE", json.dumps(OPTIMIZELY_DATAFILE)),
        [
            ("activate", r'"key":"campaign_activated"', _names("campaign_activated")),
            ("purchase", r'"key":"purchase"', _names("purchase")),
            ("sign_up", r'"key":"sign_up"', _names("sign_up")),
        ],
    ),
    Sdk(
        "customerio",
        "CDP (Segment protocol)",
        "@customerio/cdp-analytics-browser",
        "0.5.11",
        "cdp.customer.io",
        """<script src="/nm/@customerio/cdp-analytics-browser/dist/umd/index.js"></script>
<script>
const analytics = AnalyticsNext.AnalyticsBrowser.load(
  {writeKey: "cio0a1b2c3d4e5f6a7b8c9d"},
  {integrations: {"Customer.io Data Pipelines": {
    apiHost: "cdp.customer.io/v1", protocol: "https"}}});
Promise.all([
  analytics.page(),
  analytics.track("Order Completed", {order_id: "A-1001", revenue: 42.5, currency: "EUR"}),
  analytics.track("Signed Up", {plan: "pro"}),
]).then(() => { window.benchDone = true; });
</script>""",
        [
            ("page", r'"type":"page"', PAGE_VIEW),
            ("Order Completed", r'"event":"Order Completed"', _names("Order Completed")),
            ("Signed Up", r'"event":"Signed Up"', _names("Signed Up")),
        ],
        answers={"/settings": json.dumps(CUSTOMERIO_SETTINGS)},
    ),
    Sdk(
        "openpanel",
        "product analytics",
        "@openpanel/web",
        "1.4.1",
        "api.openpanel.dev",
        """<script>
window.op = window.op || function () { (window.op.q = window.op.q || []).push(arguments); };
window.op("init", {clientId: "3c9d2f1a-6b7e-4c5d-9a8b-1f2e3d4c5b6a", trackScreenViews: true});
window.addEventListener("load", () => setTimeout(() => {
  window.op("track", "purchase", {value: 42.5, currency: "EUR"});
  window.op("track", "sign_up", {plan: "pro"});
  window.benchDone = true;
}, 300));
</script>
<script src="/nm/@openpanel/web/dist/src/tracker.global.js" defer></script>""",
        [
            ("screen view", r'"name":"screen_view"', PAGE_VIEW),
            ("purchase", r'"name":"purchase"', _names("purchase")),
            ("sign_up", r'"name":"sign_up"', _names("sign_up")),
        ],
    ),
    Sdk(
        "swetrix",
        "web analytics (self-hosted)",
        "swetrix",
        "4.6.1",
        "swetrix.shop.example",
        """<script src="/nm/swetrix/dist/swetrix.js"></script>
<script>
// devMode: the page is served from 127.0.0.1, which swetrix skips otherwise
swetrix.init("STEzHcB1rALV", {apiURL: "https://swetrix.shop.example/log", devMode: true});
swetrix.trackViews();
swetrix.track({ev: "purchase", meta: {currency: "EUR"}});
swetrix.track({ev: "sign_up"});
window.benchDone = true;
</script>""",
        [
            ("page view", r"/log/?\n", PAGE_VIEW),
            ("purchase", r'"ev":"purchase"', _names("purchase")),
            ("sign_up", r'"ev":"sign_up"', _names("sign_up")),
        ],
    ),
    Sdk(
        "aptabase",
        "product analytics",
        "@aptabase/web",
        "0.5.0",
        "eu.aptabase.com",
        """<script type="module">
import {init, trackEvent} from "/nm/@aptabase/web/dist/index.js";
// isDebug given: the bundle reads process.env (a bundler's) when it is not
init("A-EU-5712863891", {isDebug: false});
await trackEvent("app_started");
await trackEvent("purchase", {value: 42.5, currency: "EUR"});
await trackEvent("sign_up", {plan: "pro"});
window.benchDone = true;
</script>""",
        [
            ("app_started", r'"eventName":"app_started"', _names("app_started")),
            ("purchase", r'"eventName":"purchase"', _names("purchase")),
            ("sign_up", r'"eventName":"sign_up"', _names("sign_up")),
        ],
    ),
    Sdk(
        "counterscale",
        "web analytics (self-hosted)",
        "@counterscale/tracker",
        "3.4.1",
        "counterscale.shop.example",
        """<script type="module">
import * as Counterscale from "/nm/@counterscale/tracker/dist/module/index.js";
// reportOnLocalhost: the page is served from 127.0.0.1, which Counterscale skips otherwise
Counterscale.init({siteId: "shop-example", reporterUrl: "https://counterscale.shop.example/collect",
  reportOnLocalhost: true});
window.benchDone = true;
</script>""",
        [("page view", r"/collect\?", PAGE_VIEW)],
    ),
]


def install(sdks: list[Sdk]) -> Path:
    """npm install the pinned packages into the cache (once; again when a pin changes)."""
    wanted = {s.package: s.version for s in sdks}
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    manifest = NPM_DIR / "package.json"
    current = json.loads(manifest.read_text()).get("dependencies", {}) if manifest.exists() else {}
    if (
        any(current.get(p) != v for p, v in wanted.items())
        or not (NPM_DIR / "node_modules").is_dir()
    ):
        manifest.write_text(json.dumps({"private": True, "dependencies": {**current, **wanted}}))
        print(f"npm install into {NPM_DIR} …", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=NPM_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return NPM_DIR / "node_modules"


# --- the site -------------------------------------------------------------------------------


def _page(sdk: Sdk) -> bytes:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Shop: {sdk.name}</title></head><body><h1>{sdk.name}</h1>"
        f"{sdk.script}</body></html>"
    ).encode()


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages: ClassVar[dict[str, bytes]] = {}
    node_modules = Path()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        name = path.strip("/")
        if name in self.pages:
            self._send(200, self.pages[name], "text/html; charset=utf-8")
            return
        if path.startswith("/nm/"):
            file = (self.node_modules / path[4:]).resolve()
            if file.is_file() and self.node_modules.resolve() in file.parents:
                ctype = "application/json" if file.suffix == ".json" else "text/javascript"
                self._send(200, file.read_bytes(), ctype)
                return
        self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self._send(200, b"{}", "application/json")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class Site:
    """The held-out pages on a free loopback port."""

    def __init__(self, sdks: list[Sdk], node_modules: Path) -> None:
        handler = type("Handler", (_Handler,), {"pages": {s.name: _page(s) for s in sdks}})
        handler.node_modules = node_modules
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def url(self, sdk: Sdk) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/{sdk.name}/"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _load_sink() -> Any:
    path = REPO / "fixtures" / "sdk-site" / "sink.py"
    spec = importlib.util.spec_from_file_location("bench_sink", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- ground truth ---------------------------------------------------------------------------


def _text(body: bytes) -> str:
    """The body as text, gzip or deflate undone (SDKs compress without saying so)."""
    for undo in (gzip.decompress, zlib.decompress):
        try:
            return undo(body).decode("utf-8", "replace")
        except (OSError, zlib.error, EOFError):
            continue
    return body.decode("utf-8", "replace")


def vendors(sdks: list[Sdk]) -> Any:
    """The loopback sink standing in for the vendors' servers: it answers as they would."""

    def answer(url: str) -> tuple[int, str, str]:
        for sdk in sdks:
            for fragment, body in sdk.answers.items():
                if urlsplit(url).hostname == sdk.collector and fragment in url:
                    return 200, body, "application/json"
        return 200, "{}", "application/json"

    return _load_sink().Sink(answer)


def truth(sdks: list[Sdk], site: Site, chromium: str, wait_s: float, verbose: bool) -> dict:
    """What each SDK really sent, recorded at the sink (no tagaudit involved)."""
    from playwright.sync_api import sync_playwright

    sink = vendors(sdks)
    args = [
        *sink.launch_args(None),
        "--disable-blink-features=AutomationControlled",  # as tagaudit launches it
        "--disable-background-networking",
    ]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=args)
            agent = browser.new_page().evaluate("navigator.userAgent")
            agent = agent.replace("HeadlessChrome", "Chrome")  # as tagaudit does
            out = {s.name: _visit(browser, agent, sink, s, site, wait_s, verbose) for s in sdks}
            browser.close()
    finally:
        sink.close()
    return out


def _visit(
    browser: Any, agent: str, sink: Any, sdk: Sdk, site: Site, wait_s: float, verbose: bool
) -> dict:
    """Load the SDK's page, let it send, leave by a real navigation: what reached the sink."""
    context = browser.new_context(user_agent=agent)
    page = context.new_page()
    if verbose:
        page.on("console", lambda m: _say(sdk, m.text[:200]))
        page.on("requestfailed", lambda r: _say(sdk, f"failed {r.url[:100]} {r.failure}"))
    start = len(sink.requests)
    page.goto(site.url(sdk), wait_until="load")
    try:
        page.wait_for_function("window.benchDone === true", timeout=15000)
    except Exception:  # a timeout: reported, the events then count as never sent
        _say(sdk, "the page's calls did not finish")
    time.sleep(wait_s)
    page.goto("about:blank")
    time.sleep(2)  # unload beacons
    context.close()
    sent = [r for r in sink.requests[start:] if r.host == sdk.collector]
    texts = [unquote(r.url) + "\n" + _text(r.body) for r in sent]
    seen = [label for label, wire, _ in sdk.expected if any(re.search(wire, t) for t in texts)]
    if verbose:
        for request, text in zip(sent, texts, strict=True):
            _say(sdk, f"{request.method} {text[:700]}")
    return {"requests": len(sent), "events": seen}


def _say(sdk: Sdk, line: str) -> None:
    print(f"  [{sdk.name}] {line}", file=sys.stderr)


# --- the audit ------------------------------------------------------------------------------


def audit(sdks: list[Sdk], site: Site, opts: argparse.Namespace) -> dict:
    """`tagaudit audit` on every page, from an empty directory. Its one setting is the
    browser's proxy: what tagaudit lets through (a family's settings, page resources) reaches
    the sink, which answers as the vendor would, not the network; nothing about decoding."""
    sink = vendors(sdks)
    with tempfile.TemporaryDirectory() as tmp:
        report = opts.report or Path(tmp) / "report.json"
        config = Path(tmp, "tagaudit.yaml")
        config.write_text(json.dumps({"browser": {"args": sink.launch_args(None)}}))
        env = {**os.environ, "PYTHONPATH": str(opts.src)}
        cmd = [sys.executable, "-m", "tagaudit", "audit", *(site.url(s) for s in sdks)]
        cmd += ["--config", str(config), "--json", str(report), "--browser", opts.browser]
        cmd += ["--fail-on", "never"]
        if opts.quiet_ms is not None:
            cmd += ["--quiet-ms", str(opts.quiet_ms)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run.returncode not in (0, 1):
            sys.exit(f"tagaudit audit failed ({run.returncode}):\n{run.stderr[-2000:]}")
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(
            f"tagaudit audit: {cpu:.1f} s CPU (the command and the browser it ran)",
            file=sys.stderr,
        )
        sink.close()
        return json.loads(report.read_text())


def score(sdk: Sdk, page: dict, seen: list[str]) -> dict:
    """Surfaced, events named (of those really sent), other events, false hits."""
    requests = page.get("requests", [])
    hits = [h for h in page.get("hits", []) if h.get("kind", "hit") == "hit"]

    def host(hit: dict) -> str:
        index = hit.get("request_index")
        url = requests[index]["url"] if index is not None and index < len(requests) else ""
        url = url or hit.get("url", "")
        return hit.get("collector") or urlsplit(url).hostname or ""

    mine = [h for h in hits if host(h) == sdk.collector]
    names = {h.get("event") for h in mine}
    named = [label for label, _, accepted in sdk.expected if label in seen and names & accepted]
    known = set().union(*(accepted for *_, accepted in sdk.expected))
    return {
        "surfaced": bool(mine),
        "provider": sorted({h.get("provider") for h in mine}),
        "expected": [label for label, *_ in sdk.expected if label in seen],
        "named": named,
        "other": sorted(str(n) for n in names - known),
        "false": sorted({f"{h.get('provider')}@{host(h)}" for h in hits if h not in mine}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdk", action="append", help="only these SDKs (repeatable)")
    parser.add_argument("--browser", default="/usr/bin/chromium")
    parser.add_argument("--wait", type=float, default=6.0, help="seconds after the calls")
    parser.add_argument("--verbose", action="store_true", help="print what reached the sink")
    parser.add_argument("--json", type=Path, help="write the per-SDK results here")
    parser.add_argument("--report", type=Path, help="keep tagaudit's JSON report here")
    parser.add_argument(
        "--src",
        type=Path,
        default=REPO / "src",
        help="the tagaudit sources to audit with (an older checkout's src/: before → after)",
    )
    parser.add_argument(
        "--quiet-ms",
        type=int,
        help="tagaudit's --quiet-ms (default: tagaudit's own, 400): an SDK that batches on a "
        "timer longer than that and the visit's timeout wait (1.5 s) sends after "
        "the audit has left",
    )
    opts = parser.parse_args()
    sdks = [s for s in SDKS if not opts.sdk or s.name in opts.sdk]
    node_modules = install(sdks)
    site = Site(sdks, node_modules)
    try:
        sent = truth(sdks, site, opts.browser, opts.wait, opts.verbose)
        report = audit(sdks, site, opts)
    finally:
        site.close()
    pages = {urlsplit(p["url"]).path.strip("/"): p for p in report["pages"]}
    results = {s.name: score(s, pages.get(s.name, {}), sent[s.name]["events"]) for s in sdks}
    _print(sdks, sent, results, report)
    if opts.json:
        opts.json.write_text(json.dumps({"truth": sent, "results": results}, indent=2))


def _print(sdks: list[Sdk], sent: dict, results: dict, report: dict) -> None:
    print(f"{'SDK':<13} {'kind':<28} {'surfaced as':<22} {'events':>7}  other / false")
    for sdk in sdks:
        r = results[sdk.name]
        surfaced = ",".join(r["provider"]) if r["surfaced"] else "NO"
        events = f"{len(r['named'])}/{len(r['expected'])}"
        extra = "; ".join(filter(None, [", ".join(r["other"]), ", ".join(r["false"])]))
        print(f"{sdk.name:<13} {sdk.kind:<28} {surfaced:<22} {events:>7}  {extra}"[:160])
        missing = [e for e in r["expected"] if e not in r["named"]]
        if missing:
            print(f"{'':<13} missed: {', '.join(missing)}")
        lost = [label for label, *_ in sdk.expected if label not in sent[sdk.name]["events"]]
        if lost:
            print(f"{'':<13} never on the wire (not counted): {', '.join(lost)}")
    surfaced = sum(r["surfaced"] for r in results.values())
    named = sum(len(r["named"]) for r in results.values())
    expected = sum(len(r["expected"]) for r in results.values())
    false = sum(len(r["false"]) for r in results.values())
    print(
        f"\ncollectors surfaced: {surfaced} of {len(sdks)}; events named: {named} of {expected}"
        f" ({100 * named / max(expected, 1):.0f} %); false hits: {false}"
    )
    unknown = [f for f in report.get("findings", []) if f.get("rule_id") == "collector-unknown"]
    print(f"collector-unknown findings: {len(unknown)}")


if __name__ == "__main__":
    main()
