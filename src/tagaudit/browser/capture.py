"""Recording what one page does: every request, response, failure, CSP block, console error.

Records only; the page engine (browser/page.py) decodes what was recorded.

A `Recorder` listens at context level (Playwright's request events: resource type, frame,
navigation, response) and takes the edge's records (browser/edge.py: what was answered here
or let through, and the requests Playwright never reports — beacons of a page that unloads
or closes, shared workers). A request both saw is one record: whichever arrives second
joins the first, matched by method and URL among the requests the edge pauses. Each
collector is guarded on its own (tracker-radar-collector's habit): if reading the dataLayer
fails, only `data_layer` is empty. Requests and cookies are tagged with the current `phase`,
which consent scenarios move forward (before-action → after-action → after-reload), and
with `leaving` while the visitor leaves the page.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from playwright.async_api import BrowserContext, ConsoleMessage, Page, Response
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PwRequest

from tagaudit.browser.gate import host_of
from tagaudit.browser.hits import LEFT_PATH, is_leave_mark, is_paused
from tagaudit.browser.queues import QUEUE_LENGTHS, QueuePatterns, held_events
from tagaudit.model import Cookie, PageVisit, Request, empty_state, is_identifier_cookie
from tagaudit.providers import Body, Catalog, PageBodies

CATCH_UP_GRACE = 0.03  # seconds for requests a caught-up page just started to reach us
CATCH_UP_LEAD = 0.1  # seconds before the quiet period ends that the catch-up starts

# Collects CSP violations in every frame, before any page script runs.
CSP_LISTENER = """
(() => {
  const store = (window.__tagauditCsp = window.__tagauditCsp || []);
  document.addEventListener('securitypolicyviolation', (e) => {
    store.push({blocked_url: e.blockedURI, directive: e.effectiveDirective || e.violatedDirective,
                source: e.sourceFile || '', line: e.lineNumber || 0, disposition: e.disposition,
                document: document.location.href});
  }, true);
})();
"""

# Counts, in every frame, the beacons and keepalive fetches the document sends once it starts
# unloading (`beforeunload`/`pagehide`, listened to before any page script): the page's
# "hidden" mark carries the count (`?n=`), so leaving waits until the edge has them all
# (browser/leaving.py), not for a quiet period that a beacon with a larger body outlasts.
# Proxies keep the functions' native `toString`.
BEACON_COUNTER = """
(() => {
  if (window.__tagauditSent) return;
  const sent = (window.__tagauditSent = {unloading: false, n: 0});
  const unloading = () => { sent.unloading = true; };
  window.addEventListener('beforeunload', unloading, true);
  window.addEventListener('pagehide', unloading, true);
  const beacon = typeof Navigator !== 'undefined' && Navigator.prototype.sendBeacon;
  if (beacon) {
    Navigator.prototype.sendBeacon = new Proxy(beacon, {apply(target, self, args) {
      const queued = Reflect.apply(target, self, args);
      if (queued && sent.unloading) sent.n += 1;
      return queued;
    }});
  }
  const fetch = window.fetch;
  if (fetch) {
    window.fetch = new Proxy(fetch, {apply(target, self, args) {
      const init = args[1], input = args[0];
      const keepalive = (init && init.keepalive) || (input instanceof Request && input.keepalive);
      if (sent.unloading && keepalive) sent.n += 1;
      return Reflect.apply(target, self, args);
    }});
  }
})();
"""

# Notes, in every frame, when the page's timeouts are due (setTimeout of 50 ms to
# TIMER_WATCH_MS, until they fire or are cleared), with the delay each was set with.
# SDKs that batch on a timer (Optimizely 1 s, Elastic APM 1 s then 500 ms) send nothing
# before it fires, and one nobody catalogued says nothing of what it holds: leaving waits
# for the timeouts due soon (Tab.leave), at most TIMER_HORIZON_MS in all. gtag.js holds its
# hits for a Consent Mode `wait_for_update` on a timeout set when it *runs* the default,
# which may be long after the page pushed it: consent scenarios wait for a timeout of that
# delay (Tab.timers_left). Intervals are not counted (a poller is always due) and nor are
# zero-delay yields. Kept on the object BEACON_COUNTER made; Proxies keep `toString`.
TIMER_HORIZON_MS = 1500
TIMER_WATCH_MS = 10_000
TIMER_WATCH = """
(() => {
  const sent = window.__tagauditSent;
  if (!sent || sent.timers) return;
  const due = (sent.timers = new Map());
  const original = window.setTimeout, clear = window.clearTimeout;
  if (!original || !clear) return;
  window.setTimeout = new Proxy(original, {apply(target, self, args) {
    const delay = Number(args[1]) || 0;
    if (delay < 50 || delay > WATCH_MS || typeof args[0] !== 'function') {
      return Reflect.apply(target, self, args);
    }
    const callback = args[0];
    let id;
    args[0] = function (...given) {
      due.delete(id);
      return Reflect.apply(callback, this, given);
    };
    id = Reflect.apply(target, self, args);
    due.set(id, {at: performance.now() + delay, delay});
    return id;
  }});
  window.clearTimeout = new Proxy(clear, {apply(target, self, args) {
    due.delete(args[0]);
    return Reflect.apply(target, self, args);
  }});
})();
""".replace("WATCH_MS", str(TIMER_WATCH_MS))
# Milliseconds until the last of the main frame's pending timeouts is due (0: none; at least
# 1 while one is overdue but has not run): those set with one of `delays` when given, else
# those of at most TIMER_HORIZON_MS.
PENDING_TIMERS = """
(delays) => {
  const due = window.__tagauditSent && window.__tagauditSent.timers;
  if (!due) return 0;
  const now = performance.now();
  let last = 0;
  for (const {at, delay} of due.values()) {
    // Overdue and not yet run (a busy page): still pending.
    if (delays ? delays.includes(delay) : delay <= HORIZON_MS) last = Math.max(last, at - now, 1);
  }
  return last;
}
""".replace("HORIZON_MS", str(TIMER_HORIZON_MS))

# Everything a context runs in every frame before the page's own scripts, in one script.
INIT_SCRIPT = CSP_LISTENER + BEACON_COUNTER + TIMER_WATCH

# One round trip for the main frame: its dataLayer, the CSP blocks it saw, how many events
# each queue-shaped localStorage entry holds (when `queues`; whose they are is decided in
# Python: browser/queues.py), and, when `left` is given, a last `visibilitychange` listener
# that says the page is hidden (browser/leaving.py).
READ_MAIN_FRAME = (
    """
(args) => {
  args = args || {};
  const plain = (v, depth) => {
    if (depth > 8 || v === null || typeof v !== 'object') {
      return (typeof v === 'function' || typeof v === 'symbol') ? undefined : v;
    }
    if (v instanceof Node || v === window) return String(v);
    const list = Object.prototype.toString.call(v) === '[object Arguments]' || Array.isArray(v);
    if (list) return Array.from(v, (x) => plain(x, depth + 1));
    const out = {};
    for (const k of Object.keys(v)) { out[k] = plain(v[k], depth + 1); }
    return out;
  };
  const held = args.queues ? ("""
    + QUEUE_LENGTHS.strip()
    + """)() : {};
  if (args.left && !window.__tagauditLeft && location.origin.startsWith('http')) {
    window.__tagauditLeft = true;
    const mark = location.origin + args.left;
    window.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'hidden') return;
      const sent = window.__tagauditSent;
      try { navigator.sendBeacon(mark + '?n=' + (sent ? sent.n : -1), ''); } catch (e) {}
    });
  }
  const layer = window.dataLayer;
  // What the page says it is: its title, headings and alert boxes (an empty or error state
  // such as "No order found" shows there), a few short texts, never the body copy.
  const notices = [document.title];
  const shown = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
  const boxes = 'h1, h2, [role=alert], [role=status], [class*=empty i], [class*=error i], ' +
    '[class*=notice i], [class*=alert i]';
  for (const el of Array.from(document.querySelectorAll(boxes)).slice(0, 40)) {
    const text = (el.innerText || '').trim();
    if (text && text.length <= 200 && shown(el)) notices.push(text);
    if (notices.length >= 12) break;
  }
  return {data_layer: Array.isArray(layer) ? layer.map((x) => plain(x, 0)) : [],
          csp: window.__tagauditCsp || [], notices, queued: held};
}
"""
)


# The settle's catch-up (all timers due have run) reading the main frame as it returns.
CATCH_UP_READ = (
    "(args) => new Promise((done) => setTimeout(() => done(("
    + READ_MAIN_FRAME.strip()
    + ")(args)), 0))"
)


# What a beacon or keepalive fetch is at the edge (CDP resource types, lowercased).
LEAVE_BEACON_TYPES = ("ping", "fetch")


def _mark_count(url: str) -> int:
    """The count a "hidden" mark carries (-1 when it has none)."""
    for pair in url.partition("?")[2].split("&"):
        name, _, value = pair.partition("=")
        if name == "n" and value.isdigit():
            return int(value)
    return -1


class Recorder:
    """Collects one target's traffic from a context; `snapshot()` turns it into a PageVisit."""

    def __init__(self, context: BrowserContext, page: Page, catalog: Catalog | None = None) -> None:
        self.context, self.page, self.catalog = context, page, catalog
        # Labels every request recorded from now on carries: the consent phase, the journey
        # step, the single-page-app view (tagaudit.browser.views).
        self.phase: str | None = None
        self.step: str | None = None
        self.view: str | None = None
        self.leaving = False  # the visitor is leaving the page (Tab.leave)
        # The page said it is hidden (its LEFT_PATH beacon) and the edge has every beacon it
        # counted before saying so (BEACON_COUNTER): browser/leaving.py waits for this.
        self.left = asyncio.Event()
        self.left_count: int | None = None  # the mark's count (-1: the page could not count)
        self.leave_beacons = 0  # beacons and keepalive fetches the edge took while leaving
        self.queued: dict[str, int] = {}  # events batching SDKs held at the last snapshot
        self.marked = False  # the page will say when it is hidden (browser/leaving.py)
        # What the snapshot reads in the page (browser/capture.py, READ_MAIN_FRAME).
        self.read_args: dict[str, Any] = {"queues": False, "left": LEFT_PATH}
        self.queue_patterns: QueuePatterns = {}  # whose keys hold whose events (queues.py)
        # The last catch-up's reads: (last_activity then, main frame, cookies). Still the
        # page's state when nothing happened since: the snapshot needs no round trip.
        self._caught: tuple[float, dict[str, Any], list[Cookie]] | None = None
        self.started = time.monotonic()
        self.last_activity = self.started
        self.requests: list[Request] = []
        # Main-frame documents recorded, HTTP redirects not counted (Tab.self_navigations,
        # asked every 50 ms while a page loads: counted here, not by scanning `requests`).
        self.documents = 0
        self.console_errors: list[str] = []
        self._by_pw: dict[PwRequest, Request] = {}
        # The bodies this page sent, read within a budget for all of them (a page decides
        # how many it sends).
        self.bodies = PageBodies()
        self._in_flight: set[PwRequest] = set()
        self._listening = False
        # False once stopped: a tab that forwards its page's events to its current
        # recorder (browser/page.py, Feed) keeps its listeners from target to target.
        self.active = True
        self._patience = 3.0
        # Records waiting for the other side's view of the same request (module docstring).
        self._edge_only: dict[tuple[str, str], deque[Request]] = {}
        self._playwright_only: dict[tuple[str, str], deque[Request]] = {}
        self._hosts: set[str] = set()  # hosts of the documents the page loaded

    async def start(self) -> Recorder:
        """Attach the listeners (idempotent per recorder)."""
        return self.listen()

    def listen(self) -> Recorder:
        """Attach the listeners: plain calls, so Playwright's sync API can use it too."""
        if not self._listening:
            for target, event, handler in self._handlers():
                target.on(event, handler)
            self._listening = True
        return self

    def stop(self) -> None:
        """Stop recording; detach the listeners it attached (`listen`), so a reused page or
        context does not feed the next target's recorder."""
        self.active = False
        if self._listening:
            for target, event, handler in self._handlers():
                target.remove_listener(event, handler)
            self._listening = False

    def _handlers(self) -> list[tuple[Any, str, Callable[..., None]]]:
        return [
            (self.context, "request", self.on_request),
            (self.context, "response", self.on_response),
            (self.context, "requestfailed", self.on_failed),
            (self.page, "console", self.on_console),
            (self.page, "pageerror", self.on_page_error),
        ]

    def page_hosts(self) -> set[str]:
        """Hosts of the documents this page loaded: its own, first-party to the gate."""
        return self._hosts

    def edge_record(self, record: Request) -> None:
        """A request the edge decided (browser/edge.py): joined to Playwright's record of it,
        or recorded as the only one (an unload beacon Playwright never reported)."""
        self.last_activity = time.monotonic()
        if is_leave_mark(record.url):
            if self.leaving:
                self.left_count = _mark_count(record.url)
                self._maybe_left()
            return
        if self.leaving and record.resource_type in LEAVE_BEACON_TYPES:
            self.leave_beacons += 1
            self._maybe_left()
        if record.resource_type == "other" and record.url.split("?", 1)[0].endswith(FAVICON):
            return
        seen = _take(self._playwright_only, _key(record))
        if seen is not None:
            seen.answered_locally = record.answered_locally
            seen.let_through = record.let_through
            if record.answered_locally and seen.status is None and seen.failure is None:
                seen.status = record.status
            if seen.body_sha256 is None and record.body_sha256 is not None:
                _take_body(seen, record)  # a Blob or stream body Playwright did not see
            return
        self._label(record, self.last_activity)
        self.requests.append(record)
        self._edge_only.setdefault(_key(record), deque()).append(record)

    def watch_queues(self, patterns: QueuePatterns) -> None:
        """Read how many events these SDK queues hold at each snapshot and catch-up."""
        self.queue_patterns = patterns
        self.read_args["queues"] = bool(patterns)

    def start_leaving(self) -> None:
        """From now on, requests are the page's leave (`leaving`), counted for its mark."""
        self.leaving = True
        self.left.clear()
        self.left_count, self.leave_beacons = None, 0
        self.touch()

    def _maybe_left(self) -> None:
        if self.left_count is not None and self.leave_beacons >= self.left_count:
            self.left.set()

    def edge_body(self, method: str, url: str, raw: bytes | str | None, headers: Any) -> Body:
        """The body of a request the edge paused, read once within the page's budget: one
        Playwright reported first has its body read already (a page's 48 bodies of 1 MiB
        were read twice, past the budget, before)."""
        waiting = self._playwright_only.get((method.upper(), _bare(url)))
        if waiting and waiting[0].body_sha256 is not None:
            return _body_of(waiting[0])  # the same text: the answer may depend on it
        return self.bodies.read(raw, headers, url)

    def _label(self, record: Request, at: float) -> None:
        record.timestamp = round(at - self.started, 4)
        record.phase, record.step, record.view = self.phase, self.step, self.view
        record.leaving = True if self.leaving else None

    def on_request(self, pw_request: PwRequest) -> None:
        if not self.active or is_leave_mark(pw_request.url) or _is_favicon(pw_request):
            return
        navigation = pw_request.is_navigation_request() and _in_main_frame(pw_request, self.page)
        if navigation:
            self.view = None  # a new document: no single-page-app view yet
            self._hosts.add(host_of(pw_request.url))
        now = time.monotonic()
        self.last_activity = now
        self._in_flight.add(pw_request)
        headers = dict(pw_request.headers)
        # The bytes as sent (gzip, base64 undone by read_body): `post_data` would turn a
        # binary body into U+FFFD replacement characters.
        # A request the edge recorded first has its body read there already (edge_body).
        edge_first = bool(self._edge_only.get((pw_request.method.upper(), _bare(pw_request.url))))
        raw = None if edge_first else _post_data_buffer(pw_request)
        body = self.bodies.read(raw, headers, pw_request.url)
        record = Request(
            url=pw_request.url,
            method=pw_request.method,
            resource_type=pw_request.resource_type,
            headers=headers,
            **body.request_fields(),
            frame_url=_frame_url(pw_request),
            timestamp=round(now - self.started, 4),
            redirected_from=pw_request.redirected_from.url if pw_request.redirected_from else None,
            initiator=pw_request.headers.get("referer"),
            navigation=navigation,
        )
        self._label(record, now)
        if navigation and record.redirected_from is None:
            self.documents += 1
        decided = _take(self._edge_only, _key(record))
        if decided is not None:  # the edge answered or let it through first
            _join(decided, record)
            self._by_pw[pw_request] = decided
            return
        self._by_pw[pw_request] = record
        self.requests.append(record)
        if is_paused(record.url, record.resource_type, self.catalog):
            self._playwright_only.setdefault(_key(record), deque()).append(record)

    def on_response(self, response: Response) -> None:
        if not self.active:
            return
        self.last_activity = time.monotonic()
        self._in_flight.discard(response.request)
        record = self._by_pw.get(response.request)
        if record is not None:
            record.status = response.status

    def on_failed(self, pw_request: PwRequest) -> None:
        if not self.active:
            return
        self.last_activity = time.monotonic()
        self._in_flight.discard(pw_request)
        record = self._by_pw.get(pw_request)
        if record is not None:
            record.failure = pw_request.failure or "failed"

    def on_console(self, message: ConsoleMessage) -> None:
        favicon = str((message.location or {}).get("url", "")).endswith(FAVICON)
        if self.active and message.type == "error" and not favicon:
            self.console_errors.append(message.text[:500])

    def on_page_error(self, error: Exception) -> None:
        if not self.active:
            return
        self.console_errors.append(f"uncaught: {str(error)[:500]}")

    async def settle(
        self,
        quiet_ms: int = 800,
        max_wait_ms: int = 5000,
        catch_up: bool = True,
        give_up: Callable[[], object] | None = None,
    ) -> None:
        """After load: wait until no request started or ended for `quiet_ms`, bounded.

        `networkidle` never settles on beacon-heavy pages; a bounded quiet period catches late
        beacons (a purchase event fired 300 ms after load) without hanging. A quiet network
        can also mean a page that has not had its turn (a long task on its main thread, a
        starved renderer on a loaded CI machine): with `catch_up`, quiet only counts once the
        page has run the timers due by the last tenth of a second of the period (`_catch_up`,
        started then) and nothing new started meanwhile.
        `give_up()` true ends the wait at once (a page in a refresh loop is never quiet).
        """
        deadline = time.monotonic() + max_wait_ms / 1000
        quiet = quiet_ms / 1000
        # The catch-up starts this long before the quiet period ends, so its round trip
        # overlaps the end of the wait instead of adding to every page (~70 ms under load).
        lead = min(CATCH_UP_LEAD, quiet / 4)
        caught_up_at: float | None = None  # last_activity when the page last caught up
        while True:
            now = time.monotonic()
            if now >= deadline or (give_up is not None and give_up()):
                return
            idle_for = now - self.last_activity
            calm = not self._pending_hits()
            caught_up = not catch_up or caught_up_at == self.last_activity
            if calm and not caught_up and idle_for >= quiet - lead:
                mark = self.last_activity
                await self._catch_up(deadline)
                caught_up_at = mark
                continue
            if calm and caught_up and idle_for >= quiet:
                return
            await asyncio.sleep(min(0.05, max(0.01, quiet - idle_for)))

    async def _catch_up(self, deadline: float) -> None:
        """Return once the main frame has run every timer already due, then a moment more.

        A `setTimeout(0)` posted now runs after all overdue timers (they are ordered by due
        time), so its promise settles only when they have run; the grace lets the requests
        they started reach us (network events and evaluate results travel separately).
        """
        left = deadline - time.monotonic()
        if left > 0:
            mark = self.last_activity
            probe = self.page.evaluate(CATCH_UP_READ, self.read_args)
            main, cookies = await asyncio.gather(_guarded(probe, None, left), self._cookies())
            self._caught = (mark, main, cookies) if main is not None else None
        await asyncio.sleep(CATCH_UP_GRACE)

    def touch(self) -> None:
        """Count now as activity, so the next `settle` waits a full quiet period from here."""
        self.last_activity = time.monotonic()

    def _pending_hits(self) -> bool:
        """In-flight requests that matter (a hung third-party script must not hold us)."""
        return any(r.resource_type in ("ping", "fetch", "xhr", "image") for r in self._in_flight)

    async def snapshot(
        self,
        page: Page | None = None,
        patience: float = 3.0,
        queues: QueuePatterns | None = None,
    ) -> PageVisit:
        """Everything recorded so far, plus cookies, dataLayer and CSP blocks read now, and
        the events the batching SDKs of `queues` hold (`self.queued`).

        `patience` bounds each in-page read: on a page that never finished loading, an
        evaluate waits for a document that may never come. Right after a settle that ended
        in quiet, the reads its catch-up made are the page's state (nothing happened since)
        and are used as they are.
        """
        page = page or self.page
        self._patience = patience
        visit = PageVisit(url=page.url)
        visit.requests = list(self.requests)
        visit.console_errors = list(self.console_errors)
        caught = self._caught
        if caught is not None and caught[0] == self.last_activity and page is self.page:
            _, main, visit.cookies = caught
        else:
            args = {**self.read_args, "queues": bool(queues or self.queue_patterns)}
            # Independent reads: one round trip's wait for both.
            visit.cookies, main = await asyncio.gather(
                self._cookies(), _guarded(page.evaluate(READ_MAIN_FRAME, args), {}, patience)
            )
        self.queued = held_events(main.get("queued"), queues or self.queue_patterns)
        self.marked = "queued" in main  # its hidden-beacon listener is in place
        visit.data_layer = main.get("data_layer", [])
        found = empty_state([str(t) for t in main.get("notices") or []])
        if found is not None:
            visit.reached.empty, visit.reached.notice = found
        visit.csp_violations = main.get("csp", []) + await self._csp_in_child_frames(page)
        self._add_csp_blocked(visit)
        return visit

    async def _cookies(self) -> list[Cookie]:
        raw = await _guarded(self.context.cookies(), [], self._patience)
        return [_cookie(c, self.phase) for c in raw]

    async def _csp_in_child_frames(self, page: Page) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for frame in page.frames[1:]:
            read = frame.evaluate("() => window.__tagauditCsp || []")
            found.extend(await _guarded(read, [], self._patience))
        return found

    def _add_csp_blocked(self, visit: PageVisit) -> None:
        """A CSP-blocked request never reaches the network layer: record it from the report."""
        seen = {r.url for r in visit.requests}
        for violation in visit.csp_violations:
            url = violation.get("blocked_url") or ""
            if url.startswith("http") and url not in seen:
                seen.add(url)
                visit.requests.append(
                    Request(
                        url=url,
                        resource_type=_resource_type_for(violation.get("directive", "")),
                        frame_url=violation.get("document"),
                        failure="csp",
                        phase=self.phase,
                        step=self.step,
                        view=self.view,
                    )
                )


# Request headers whose values are secrets: a session cookie, a bearer token. Kept as a
# mark that they were sent (the cookie names, the auth scheme), never their values.
SECRET_HEADERS = ("cookie", "authorization", "proxy-authorization")


def keep_headers(visit: PageVisit) -> None:
    """Headers stay only on the requests tags sent (a write key may be in them), without
    secrets: cookie values and credentials are never written into a report."""
    tracking = {h.request_index for h in visit.hits}
    for index, request in enumerate(visit.requests):
        if index not in tracking:
            request.headers = {}
            continue
        request.headers = {k: _masked(k, v) for k, v in request.headers.items()}


def _masked(name: str, value: str) -> str:
    name = name.lower()
    if name == "cookie":
        return "; ".join(f"{part.split('=', 1)[0].strip()}=…" for part in value.split(";"))
    if name in SECRET_HEADERS:
        scheme = value.split(" ", 1)[0] if " " in value else ""
        return f"{scheme} …".strip()
    return value


# The browser's own request for a site's icon (not the page's: with the edge below the page,
# Chromium reports it as one of the page's requests, and its 404 as a console error).
FAVICON = "/favicon.ico"


def _is_favicon(request: PwRequest) -> bool:
    return request.resource_type == "other" and request.url.split("?", 1)[0].endswith(FAVICON)


def _key(record: Request) -> tuple[str, str]:
    return record.method.upper(), _bare(record.url)


def _body_of(record: Request) -> Body:
    """The Body a record's fields came from (Body.request_fields, read back)."""
    encoding, problem = record.body_encoding, None
    if encoding and encoding.startswith("unreadable: "):
        encoding, problem = None, encoding.removeprefix("unreadable: ")
    size = record.body_size or 0
    return Body(record.post_data, size, record.body_sha256, encoding, problem)


def _bare(url: str) -> str:
    return url.split("#", 1)[0]


def _take(waiting: dict[tuple[str, str], deque[Request]], key: tuple[str, str]) -> Request | None:
    queue = waiting.get(key)
    if not queue:
        return None
    record = queue.popleft()
    if not queue:
        del waiting[key]
    return record


def _join(decided: Request, seen: Request) -> None:
    """Playwright's view of a request the edge recorded first: what only it knows."""
    decided.resource_type = seen.resource_type
    decided.frame_url = seen.frame_url or decided.frame_url
    decided.redirected_from = seen.redirected_from
    decided.navigation = seen.navigation
    decided.headers = seen.headers or decided.headers
    decided.timestamp = min(decided.timestamp, seen.timestamp)


def _take_body(record: Request, source: Request) -> None:
    """`source`'s body on `record` (the edge read the bytes as the browser sent them)."""
    record.post_data, record.body_size = source.post_data, source.body_size
    record.body_sha256, record.body_encoding = source.body_sha256, source.body_encoding


def _post_data_buffer(request: PwRequest) -> bytes | None:
    try:
        return request.post_data_buffer
    except PlaywrightError:
        return None


def _in_main_frame(request: PwRequest, page: Page) -> bool:
    try:
        return request.frame == page.main_frame
    except PlaywrightError:
        return False  # service worker requests have no frame


def _frame_url(request: PwRequest) -> str | None:
    try:
        return request.frame.url
    except PlaywrightError:
        return None  # service worker requests have no frame


def _resource_type_for(directive: str) -> str:
    return {"img-src": "image", "script-src-elem": "script", "script-src": "script"}.get(
        directive, "fetch" if directive.startswith("connect-src") else "other"
    )


def _cookie(raw: dict[str, Any], phase: str | None) -> Cookie:
    name = raw.get("name", "")
    expires = raw.get("expires")
    return Cookie(
        name=name,
        domain=raw.get("domain", ""),
        path=raw.get("path", "/"),
        expires=expires if expires and expires > 0 else None,
        http_only=bool(raw.get("httpOnly")),
        secure=bool(raw.get("secure")),
        same_site=raw.get("sameSite"),
        value=raw.get("value") if is_identifier_cookie(name) else None,
        phase=phase,
    )


async def _guarded(awaitable: Any, fallback: Any, timeout: float) -> Any:
    """Run one collector, bounded; a failure empties only its own section of the PageVisit."""
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except (PlaywrightError, asyncio.TimeoutError):
        return fallback
