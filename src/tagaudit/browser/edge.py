"""The capture point below every page: Chromium's `Fetch` domain on the browser target.

One CDP session on the browser itself pauses the requests that can carry a hit (browser/
hits.py, `pause_patterns`) of every page, frame and worker of every context — including the
beacons a page sends while it unloads or closes, which never reach Playwright's routes or
request events (measured: fixtures/sdk-site/MEASUREMENTS.md). Each paused request gets the
gate's verdict (browser/gate.py): answered here (`Fetch.fulfillRequest`) or let through
(`Fetch.continueRequest`), and a `Request` record for the page it belongs to.

Which page: a paused request names its frame. A page's main frame is its target id, learnt
when the page is attached (`attach`); iframes in their own process and every kind of worker
are targets of their own, announced by target discovery with their browser context; a
frame in its page's process is looked up in the frame trees of the attached pages, once.
A request nobody can place in time is still decided (fail closed does not depend on it);
its record reaches its page when the look-up ends, else stays in `unplaced`, which the
audit's notes count (`unplaced_note`).

The receiver of a context (the page engine's Recorder) gets each record through
`edge_record(record)` and says which hosts its page loaded (`page_hosts()`). Imports
Playwright's async API, the gate, the answers and the providers' body reader.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from collections.abc import Coroutine
from typing import Any, Protocol
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.gate import Gate, Verdict
from tagaudit.browser.hits import Answer, answer_for, is_leave_mark, pause_patterns
from tagaudit.model import Request
from tagaudit.providers import Body, read_body

# Targets other than pages whose requests the edge must place (pages are attached).
DISCOVER = {
    "discover": True,
    "filter": [
        {"type": "page", "exclude": True},
        {"type": "tab", "exclude": True},
        {"type": "browser", "exclude": True},
        {},
    ],
}
LOOKUP_TIMEOUT = 2.0  # seconds a request waits while its unknown frame is placed
LATE_LOOKUP = 15.0  # seconds its record may still wait for that, once answered


class Receiver(Protocol):
    """What the edge hands a context's records to (the Recorder)."""

    def page_hosts(self) -> set[str]: ...

    def edge_record(self, record: Request) -> None: ...

    def edge_body(self, method: str, url: str, raw: bytes | str | None, headers: Any) -> Body: ...


class EdgeCore:
    """What both drivers share (no I/O): where frames belong, the verdict, the record.

    `Edge` drives it with Playwright's async API (the page engine); the pytest plugin's sync
    recording drives it with the sync API (browser/sync_recording.py)."""

    def __init__(self, gate: Gate, secret_headers: tuple[str, ...] = ()) -> None:
        self.gate = gate
        self.secret_headers = {h.lower() for h in secret_headers}
        self.receivers: dict[str, Receiver] = {}  # browser context id → its receiver
        self.frames: dict[str, str] = {}  # frame or target id → browser context id
        self.frame_urls: dict[str, str] = {}
        self.unplaced: list[Request] = []
        self.counts = {"paused": 0, "answered": 0, "let_through": 0}
        self.busy_s = 0.0  # Python time spent deciding and recording (cost per request)

    def on_target(self, event: dict[str, Any]) -> None:
        """A target (iframe, worker) announced: its browser context and URL."""
        info = event["targetInfo"]
        if info.get("browserContextId"):
            self.frames[info["targetId"]] = info["browserContextId"]
        if info.get("url"):
            self.frame_urls[info["targetId"]] = info["url"]

    def place_tree(self, context_id: str, tree: dict[str, Any], replace: bool = False) -> None:
        """Every frame of a page's frame tree (`Page.getFrameTree`) belongs to `context_id`."""
        for frame_id, url in _frames(tree["frameTree"]):
            self.frames[frame_id] = context_id
            if replace or frame_id not in self.frame_urls:
                self.frame_urls[frame_id] = url

    def take(self, event: dict[str, Any], context_id: str | None) -> tuple[str, dict[str, Any]]:
        """Decide a paused request, hand its record to its page: the CDP command to send.

        Recorded before the answer goes out, so records reach the page in the order the
        browser paused them (the page's "hidden" mark comes after its own beacons)."""
        command, params, _ = self.take_record(event, context_id)
        return command, params

    def take_record(
        self, event: dict[str, Any], context_id: str | None
    ) -> tuple[str, dict[str, Any], Request]:
        """`take`, and the record made (kept in `unplaced` when no page was found)."""
        began = time.perf_counter()
        receiver = self.receivers.get(context_id) if context_id else None
        request = event["request"]
        resource_type = event.get("resourceType", "Other")
        hosts = receiver.page_hosts() if receiver is not None else ()
        verdict = self.gate.decide(request["url"], request["method"], resource_type, hosts)
        record = self._record(event, verdict, receiver)
        command, params = self._command(event, verdict, resource_type, record)
        if verdict.answer:
            record.status = params.get("responseCode")
        if receiver is not None:
            receiver.edge_record(record)
        elif not is_leave_mark(record.url):
            self.unplaced.append(record)
        self.busy_s += time.perf_counter() - began
        return command, params, record

    def unplaced_note(self) -> str | None:
        """A line for the run's notes when some requests belong to no page: no page's
        record, and so no count of what left the machine, has them."""
        if not self.unplaced:
            return None
        answered = sum(bool(r.answered_locally) for r in self.unplaced)
        let = sorted({urlsplit(r.url).hostname or "?" for r in self.unplaced if r.let_through})
        through = f"; let through to {', '.join(let)}" if let else ""
        return (
            f"{len(self.unplaced)} request(s) seen at the network's edge belong to no page "
            f"of the report ({answered} answered here{through})"
        )

    def place_late(self, record: Request, context_id: str | None) -> None:
        """An unplaced record whose page was found after its answer went out: to that page."""
        receiver = self.receivers.get(context_id) if context_id else None
        if receiver is not None and record in self.unplaced:
            self.unplaced.remove(record)
            receiver.edge_record(record)

    def _command(
        self, event: dict[str, Any], verdict: Verdict, resource_type: str, record: Request
    ) -> tuple[str, dict[str, Any]]:
        self.counts["paused"] += 1
        if is_leave_mark(event["request"]["url"]):
            return "Fetch.fulfillRequest", Answer(204).cdp(event["requestId"])
        if not verdict.answer:
            self.counts["let_through"] += verdict.let_through is not None
            return "Fetch.continueRequest", {"requestId": event["requestId"]}
        self.counts["answered"] += 1
        request = event["request"]
        headers = request.get("headers", {})
        origin = _header(headers, "origin")
        catalog = self.gate.catalog
        answer = answer_for(request["url"], resource_type, origin, catalog, record, headers)
        return "Fetch.fulfillRequest", answer.cdp(event["requestId"])

    def _record(
        self, event: dict[str, Any], verdict: Verdict, receiver: Receiver | None
    ) -> Request:
        request = event["request"]
        headers = {
            k.lower(): v
            for k, v in request.get("headers", {}).items()
            if k.lower() not in self.secret_headers
        }
        raw = _body_bytes(request)
        if receiver is not None:  # within its page's budget for bodies
            body = receiver.edge_body(request["method"], request["url"], raw, headers)
        else:
            body = read_body(raw, headers, request["url"])
        return Request(
            url=request["url"],
            method=request["method"],
            resource_type=event.get("resourceType", "Other").lower(),
            headers=headers,
            **body.request_fields(),
            frame_url=self.frame_urls.get(event.get("frameId", "")),
            initiator=headers.get("referer"),
            answered_locally=verdict.answer,
            let_through=verdict.let_through,
        )


class Edge(EdgeCore):
    """The page engine's driver (async): see the module docstring."""

    def __init__(self, gate: Gate, secret_headers: tuple[str, ...] = ()) -> None:
        super().__init__(gate, secret_headers)
        self.session: CDPSession | None = None
        self.pages: dict[str, list[CDPSession]] = {}  # context id → its pages' sessions
        self._lookups: dict[str, asyncio.Future[str | None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # deciding and answering: drained
        self._background: set[asyncio.Task[None]] = set()  # placing records late

    async def start(self, browser: Browser) -> Edge:
        """Open the browser-level session, discover targets, pause what can carry a hit."""
        self.session = session = await browser.new_browser_cdp_session()
        session.on("Fetch.requestPaused", self._on_paused)
        session.on("Target.targetCreated", self.on_target)
        session.on("Target.targetInfoChanged", self.on_target)
        await session.send("Target.setDiscoverTargets", DISCOVER)
        await session.send("Fetch.enable", {"patterns": pause_patterns(self.gate.catalog)})
        return self

    async def attach(self, context: BrowserContext, page: Page, receiver: Receiver) -> str:
        """Place `page`'s requests (and its context's) with `receiver`: the context's id."""
        session = await context.new_cdp_session(page)
        info = (await session.send("Target.getTargetInfo"))["targetInfo"]
        context_id = info["browserContextId"]
        self.frames[info["targetId"]] = context_id
        self.receivers[context_id] = receiver
        self.pages.setdefault(context_id, []).append(session)
        return context_id

    def receive(self, context_id: str, receiver: Receiver) -> None:
        """From now on `receiver` gets the context's records (a reused tab's next target)."""
        self.receivers[context_id] = receiver

    def forget(self, context_id: str) -> None:
        """The context is closing: its records go nowhere any more."""
        self.receivers.pop(context_id, None)
        self.pages.pop(context_id, None)

    def stop(self) -> None:
        """The browser is closing: placing records late is over."""
        for work in [*self._background, *self._lookups.values()]:
            work.cancel()

    async def drain(self, timeout: float = 2.0) -> None:
        """Wait until every paused request seen so far has been answered and recorded."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def _on_paused(self, event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self._handle(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, event: dict[str, Any]) -> None:
        frame = event.get("frameId", "")
        context_id = self.frames.get(frame) or await self._place(frame)
        command, params, record = self.take_record(event, context_id)
        assert self.session is not None
        # A page or context that went away while it waited: the request was never sent.
        with contextlib.suppress(PlaywrightError):
            await self.session.send(command, params)
        if context_id is None and frame:
            # Answered without waiting longer (fail closed needs no page); the record
            # still reaches its page when the look-up ends (a loaded machine is slow).
            self._beside(self._place_when_found(frame, record))

    async def _place_when_found(self, frame: str, record: Request) -> None:
        pending = self._lookups.get(frame)
        if pending is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(pending), LATE_LOOKUP)
        self.place_late(record, self.frames.get(frame))

    def _beside(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run `work` beside the answers: `drain()` never waits for it (a page whose
        renderer hangs never answers its frame tree)."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _place(self, frame: str) -> str | None:
        """The browser context of a frame no attached page or discovered target named."""
        if not frame:
            return None
        pending = self._lookups.get(frame)
        if pending is None:
            pending = self._lookups[frame] = asyncio.ensure_future(self._look_up(frame))
        try:
            return await asyncio.wait_for(asyncio.shield(pending), LOOKUP_TIMEOUT)
        except asyncio.TimeoutError:
            return None

    async def _look_up(self, frame: str) -> str | None:
        assert self.session is not None
        try:
            try:
                info = await self.session.send("Target.getTargetInfo", {"targetId": frame})
                self.on_target(info)
            except PlaywrightError:
                await self._read_frame_trees(frame)
        finally:
            self._lookups.pop(frame, None)
        return self.frames.get(frame)

    async def _read_frame_trees(self, frame: str) -> None:
        """Every frame of every attached page placed, asked of all pages at once (a page
        whose renderer is busy answers late): done as soon as `frame` is placed."""

        async def read(context_id: str, session: CDPSession) -> None:
            with contextlib.suppress(PlaywrightError):
                self.place_tree(context_id, await session.send("Page.getFrameTree"))

        reads = [
            self._beside(read(context_id, session))
            for context_id, sessions in list(self.pages.items())
            for session in sessions
        ]
        for done in asyncio.as_completed(reads):
            await done
            if frame in self.frames:
                return

    async def remember_frames(self, context_id: str) -> None:
        """Place the frames a page has now, before it leaves (its iframes' unload beacons
        arrive when those frames are already gone)."""
        for session in self.pages.get(context_id, []):
            try:
                tree = await session.send("Page.getFrameTree")
            except PlaywrightError:
                continue
            self.place_tree(context_id, tree, replace=True)


def _frames(node: dict[str, Any]) -> list[tuple[str, str]]:
    frame = node["frame"]
    found = [(frame["id"], frame.get("url", ""))]
    for child in node.get("childFrames", []):
        found.extend(_frames(child))
    return found


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _body_bytes(request: dict[str, Any]) -> bytes | None:
    """The body as sent: `postDataEntries` carry its bytes (base64); `postData` is text."""
    entries = request.get("postDataEntries")
    if entries:
        return b"".join(base64.b64decode(e.get("bytes", "")) for e in entries)
    text = request.get("postData")
    return text.encode() if text is not None else None
