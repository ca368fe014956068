"""Driving DuckDuckGo's autoconsent rule engine from Python, through its Playwright bundle.

autoconsent (npm `@duckduckgo/autoconsent`, MPL-2.0) is used unmodified from node_modules:
never copied into this repository. The recipe follows its own harness (playwright/runner.ts,
docs/api.md): expose `autoconsentSendMessage` and add `dist/autoconsent.playwright.js` as an
init script at *context* level before any page exists (microsoft/playwright#12134), answer
`init` with config + rules, answer `eval` requests in the asking frame, and send
`optIn`/`optOut` only after `popupFound` (autoAction null), so the banner can be observed and
screenshotted first. Cosmetic (hide-only) rules are disabled: hiding a banner is not a choice.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Frame, Page
from playwright.async_api import Error as PlaywrightError

from tagaudit.consent.builtin import banner_visible
from tagaudit.consent.catalog import cmp_by_id, cmp_id_for_rule
from tagaudit.consent.engine import ACTIONS, ActionOutcome, Detection
from tagaudit.consent.settings import ConsentSettings
from tagaudit.errors import EnvironmentProblem

PACKAGE = "@duckduckgo/autoconsent"
INSTALL_HINT = "run `make setup` (npm ci at the repo root) or `npm install @duckduckgo/autoconsent`"
REPLY = "m => window.autoconsentReceiveMessage && window.autoconsentReceiveMessage(m)"
# The init reply (every rule that can apply: hundreds of KB) goes as JSON text, parsed in the
# page: handed over as an object, Playwright checked and serialised it value by value, the
# largest share of a consent run's Python CPU (py-spy, six pages × three scenarios).
REPLY_TEXT = (
    "t => window.autoconsentReceiveMessage && window.autoconsentReceiveMessage(JSON.parse(t))"
)
INIT_REPLIES_KEPT = 256  # (url, main frame, config) → reply text, across contexts


@dataclass(frozen=True)
class AutoconsentPackage:
    """The installed package: its version, Playwright bundle and full rule list, and the
    init replies made so far (each scenario's context asks again for the same frames)."""

    root: Path
    version: str
    bundle: str
    rules: tuple[dict[str, Any], ...]
    replies: dict[tuple[str, bool, str], str] = field(
        default_factory=dict, compare=False, repr=False
    )

    def init_reply(self, url: str, main_frame: bool, config: dict[str, Any]) -> str:
        """The `initResp` message for a frame, as JSON text."""
        key = (url, main_frame, json.dumps(config, sort_keys=True))
        text = self.replies.get(key)
        if text is None:
            rules = rules_for(self, url, main_frame)
            message = {"type": "initResp", "config": config, "rules": {"autoconsent": rules}}
            text = json.dumps(message)
            if len(self.replies) >= INIT_REPLIES_KEPT:
                self.replies.clear()
            self.replies[key] = text
        return text


def _candidates(explicit: Path | None) -> list[Path]:
    roots = [explicit] if explicit else []
    env = os.environ.get("TAGAUDIT_NODE_MODULES")
    roots += [Path(env)] if env else []
    roots += [Path.cwd() / "node_modules", Path(__file__).resolve().parents[3] / "node_modules"]
    return [Path(r) / PACKAGE for r in roots]


def find_autoconsent(node_modules: Path | None = None, required: bool = False):
    """The installed autoconsent package, or None (EnvironmentProblem when `required`).

    Looks in the configured node_modules, $TAGAUDIT_NODE_MODULES, ./node_modules and the
    repository root's node_modules, in that order.
    """
    tried = _candidates(node_modules)
    for root in tried:
        if (root / "dist/autoconsent.playwright.js").is_file():
            return _load(root)
    if required:
        where = ", ".join(str(p) for p in tried)
        raise EnvironmentProblem(f"{PACKAGE} is not installed (looked in {where})", INSTALL_HINT)
    return None


@functools.lru_cache(maxsize=4)
def _load(root: Path) -> AutoconsentPackage:
    meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    bundle = (root / "dist/autoconsent.playwright.js").read_text(encoding="utf-8")
    rules = json.loads((root / "rules/rules.json").read_text(encoding="utf-8"))["autoconsent"]
    usable = tuple(r for r in rules if not r.get("cosmetic"))
    return AutoconsentPackage(root, meta.get("version", "?"), bundle, usable)


def rules_for(package: AutoconsentPackage, url: str, main_frame: bool) -> list[dict[str, Any]]:
    """The rules that can apply to a frame (runContext), like autoconsent's own filtering.

    Full rules, not compact ones: compact rules carry no opt-in steps (runner.ts).
    """
    chosen = []
    for rule in package.rules:
        context = rule.get("runContext") or {}
        if main_frame and context.get("main") is False:
            continue
        if not main_frame and not context.get("frame", False):
            continue
        pattern = context.get("urlPattern")
        if pattern and not _matches(pattern, url):
            continue
        chosen.append(rule)
    return chosen


def _matches(pattern: str, url: str) -> bool:
    try:
        return re.search(pattern, url) is not None
    except re.error:
        return True  # a JS-only regex: let autoconsent decide in the page


class AutoconsentEngine:
    """One context's autoconsent session: message log, detection, actions, click counts."""

    method = "autoconsent"

    def __init__(self, package: AutoconsentPackage, settings: ConsentSettings) -> None:
        self.package, self.settings = package, settings
        self.events: list[dict[str, Any]] = []
        self._popup: asyncio.Event = asyncio.Event()
        self._finished: asyncio.Event = asyncio.Event()
        self._nothing: asyncio.Event = asyncio.Event()
        self._popup_frame: Frame | None = None
        self._detected: str | None = None
        self._result: dict[str, Any] | None = None
        self._done: dict[str, Any] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def config(self) -> dict[str, Any]:
        return {
            "enabled": True,
            "autoAction": None,
            "disabledCmps": [],
            "enablePrehide": False,
            "enableCosmeticRules": False,
            "enableGeneratedRules": True,
            "enableHeuristicDetection": False,
            "detectRetries": 20,
            "isMainWorld": self.settings.main_world,
            "visualTest": False,
            "logs": {
                k: False
                for k in (
                    "lifecycle",
                    "rulesteps",
                    "detectionsteps",
                    "evals",
                    "errors",
                    "messages",
                    "waits",
                )
            },
        }

    async def install(self, context: BrowserContext) -> None:
        await context.expose_binding("autoconsentSendMessage", self._on_message)
        await context.add_init_script(self.package.bundle)

    async def _on_message(self, source: dict[str, Any], message: dict[str, Any]) -> None:
        """Called by the page; replies run as tasks so the page is never blocked on us."""
        frame: Frame = source["frame"]
        kind = message.get("type")
        if kind != "report":
            self._log(message, frame)
        elif (message.get("state") or {}).get("lifecycle") == "nothingDetected" and message.get(
            "mainFrame"
        ):
            self._nothing.set()
        handler = {
            "init": self._answer_init,
            "eval": self._answer_eval,
        }.get(kind or "")
        if handler:
            task = asyncio.get_running_loop().create_task(handler(frame, message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._note(kind, frame, message)

    def _note(self, kind: str | None, frame: Frame, message: dict[str, Any]) -> None:
        if kind == "cmpDetected":
            self._detected = self._detected or message.get("cmp")
        elif kind == "popupFound":
            self._popup_frame, self._detected = frame, message.get("cmp")
            self._popup.set()
        elif kind in ("optInResult", "optOutResult"):
            self._result = message
            if not message.get("result"):
                self._finished.set()
        elif kind == "autoconsentDone":
            self._done = message
            self._finished.set()

    def _log(self, message: dict[str, Any], frame: Frame) -> None:
        keep = {k: v for k, v in message.items() if k not in ("code", "rules", "config")}
        keep["t"] = round(time.time(), 3)
        keep.setdefault("url", _frame_url(frame))
        self.events.append(keep)

    async def _answer_init(self, frame: Frame, message: dict[str, Any]) -> None:
        url = message.get("url") or _frame_url(frame)
        reply = self.package.init_reply(url, frame.parent_frame is None, self.config())
        # A frame that navigated or was detached sends a new init from its next document.
        with contextlib.suppress(PlaywrightError):
            await frame.evaluate(REPLY_TEXT, reply)

    async def _answer_eval(self, frame: Frame, message: dict[str, Any]) -> None:
        try:
            result = bool(await frame.evaluate(message.get("code") or "false"))
        except PlaywrightError:
            result = False
        await _send(frame, {"type": "evalResp", "id": message.get("id"), "result": result})

    async def detect(self, page: Page, timeout: float) -> Detection:
        """Wait for popupFound; give up early when nothing (not even a CMP) shows up."""
        deadline = time.monotonic() + timeout
        give_up_empty = time.monotonic() + min(timeout, self.settings.empty_page_wait)
        while time.monotonic() < deadline:
            if self._popup.is_set() or self._nothing.is_set():
                break
            if self._detected is None and time.monotonic() > give_up_empty:
                break
            await asyncio.sleep(0.05)
        rule = self._detected
        frame_url = _frame_url(self._popup_frame) if self._popup_frame else None
        cmp = cmp_id_for_rule(rule) if rule else None
        return Detection(cmp=cmp, rule=rule, popup=self._popup.is_set(), frame_url=frame_url)

    async def act(self, page: Page, action: str, detection: Detection) -> ActionOutcome:
        outcome = ActionOutcome(
            action=action, method=self.method, cmp=detection.cmp, rule=detection.rule, via="rule"
        )
        if not detection.popup or self._popup_frame is None:
            outcome.error = "no consent popup found to act on"
            return outcome
        started = time.monotonic()
        self._finished.clear()
        await _send(self._popup_frame, {"type": ACTIONS[action]})
        try:
            await asyncio.wait_for(self._finished.wait(), timeout=self.settings.action_timeout)
        except asyncio.TimeoutError:
            outcome.error = f"autoconsent did not finish {ACTIONS[action]} in time"
        outcome.duration = round(time.monotonic() - started, 3)
        outcome.result = bool(self._result and self._result.get("result"))
        if self._done:
            outcome.clicks = self._done.get("totalClicks")
        outcome.steps = [e["type"] for e in self.events if e.get("type") != "eval"]
        return outcome

    async def popup_visible(self, page: Page, cmp: str | None, timeout: float) -> bool:
        entry = cmp_by_id(cmp) if cmp else None
        try:
            await asyncio.wait_for(self._popup.wait(), timeout=timeout)
            return True
        except asyncio.TimeoutError:
            return await banner_visible(page, entry) if entry else False

    def new_document(self) -> None:
        self._popup.clear()
        self._nothing.clear()
        self._popup_frame = None


async def _send(frame: Frame, message: dict[str, Any]) -> None:
    # A frame that navigated or was detached sends a new init from its next document.
    with contextlib.suppress(PlaywrightError):
        await frame.evaluate(REPLY, message)


def _frame_url(frame: Frame | None) -> str:
    try:
        return frame.url if frame else ""
    except PlaywrightError:
        return ""
