"""The built-in consent engine: the CMP catalog (cmps.yaml) driven with Playwright, no npm.

Owns detection (one page evaluation checks every catalog entry), the accept/reject plans
(first-layer button, else second layer, else the CMP's JS API — labelled so a report never
confuses an API call with a click a user could make), and the first-layer probe used by the
"reject as easy as accept" checks (EDPB cookie banner taskforce, CNIL 2020-092).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from tagaudit.consent.catalog import CmpEntry, cmp_by_id, load_catalog
from tagaudit.consent.engine import CLICK_TIMEOUT_MS, ActionOutcome, Detection
from tagaudit.consent.generic import GENERIC, MARK, find_banner
from tagaudit.errors import first_line
from tagaudit.model import Banner

VISIBLE_JS = """(sel) => Array.from(document.querySelectorAll(sel)).some((el) => {
  const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
    && parseFloat(s.opacity || '1') > 0.05;
})"""

# Words of a first-layer "reject" button, in the languages banners most often use.
REJECT_WORDS = (
    "reject",
    "decline",
    "deny",
    "refuse",
    "disagree",
    "necessary only",
    "only necessary",
    "essential only",
    "continue without",
    "ablehnen",
    "refuser",
    "rechazar",
    "rifiuta",
    "weigeren",
    "odrzuć",
)

BUTTONS_JS = """([sels]) => {
  const roots = sels.flatMap((s) => Array.from(document.querySelectorAll(s)));
  const out = [];
  for (const root of roots) {
    for (const b of root.querySelectorAll('button, a, [role=button], input[type=button]')) {
      const r = b.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) out.push((b.innerText || b.value || '').trim().slice(0, 80));
    }
  }
  return out;
}"""


def _detect_all_script() -> str:
    parts = []
    for entry in load_catalog():
        banner = json.dumps(list(entry.banner))
        parts.append(
            f"try {{ if ({entry.detect_script()}) out.push({{id: {json.dumps(entry.id)}, "
            f"visible: {banner}.some(vis)}}); }} catch (e) {{}}"
        )
    body = " ".join(parts)
    return "() => { const vis = " + VISIBLE_JS + "; const out = []; " + body + " return out; }"


DETECT_ALL = _detect_all_script()


async def _evaluate(page: Page, script: str, arg: Any = None, fallback: Any = None) -> Any:
    try:
        return await page.evaluate(script, arg)
    except PlaywrightError:
        return fallback


async def detect_banner(page: Page, timeout: float = 3.0) -> Banner | None:
    """Which known consent banner (CMP) the page shows, from the built-in CMP catalog.

    One evaluate, so every plain visit can afford it (and one more for a banner no entry
    knows, found by structure and wording: consent/generic.py): the runner plays the consent
    scenarios for pages where a visible banner was found (DESIGN.md, `--consent` default).
    """
    try:
        found = await asyncio.wait_for(page.evaluate(DETECT_ALL), timeout) or []
    except (PlaywrightError, asyncio.TimeoutError):
        found = []  # a busy page: still look for any banner, by structure and wording
    visible = [f for f in found if f.get("visible")]
    if not visible and await _generic_within(page, timeout):  # a banner nobody catalogued
        return Banner(cmp=found[0].get("id") if found else GENERIC, visible=True)
    if not found:
        return None
    return Banner(cmp=(visible or found)[0].get("id"), visible=bool(visible))


async def _generic_within(page: Page, timeout: float) -> bool:
    try:
        return await asyncio.wait_for(find_banner(page), timeout) is not None
    except asyncio.TimeoutError:
        return False


async def visible_cmp(page: Page) -> str | None:
    """The catalog id of the CMP whose banner shows now, by the catalog's own checks."""
    found = await _evaluate(page, DETECT_ALL, None, []) or []
    return next((f["id"] for f in found if f.get("visible")), None)


async def banner_visible(page: Page, entry: CmpEntry) -> bool:
    """Is any of this CMP's first-layer/second-layer containers visible?"""
    for selector in entry.banner:
        if await _evaluate(page, VISIBLE_JS, selector, False):
            return True
    return False


ACCEPT_WORDS = ("accept", "agree", "allow", "ok", "got it", "akzeptieren", "accepter", "aceptar")
# A CMP outside the catalog (an autoconsent site rule): look at dialog-like containers.
GENERIC_BANNERS = (
    f"[{MARK}=banner]",  # the banner consent/generic.py found
    "[role=dialog]",
    "[aria-modal=true]",
    "[class*=cookie]",
    "[id*=cookie]",
    "[class*=consent]",
    "[id*=consent]",
)


def _has_word(texts: list[str], words: tuple[str, ...]) -> bool:
    """Whole-word match ("ok" must not match "cookie")."""
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
    return any(pattern.search(t.lower()) for t in texts)


async def first_layer(page: Page, entry: CmpEntry | None) -> dict[str, Any]:
    """What the banner offers without opening settings: accept? reject? (by selector or text).

    Known CMPs: the catalog's first-layer selectors, plus button wording. Others: wording of
    the visible buttons in dialog-like containers, marked `heuristic`.
    """
    if entry is None:
        banner = await find_banner(page)  # its controls, in the languages it knows
        if banner is not None:
            buttons = [*banner.accept, *banner.reject, *banner.settings][:12]
            return {"accept": bool(banner.accept), "reject": bool(banner.reject),
                    "buttons": buttons, "heuristic": True}  # fmt: skip
    banners = list(entry.banner) if entry else list(GENERIC_BANNERS)
    texts = await _evaluate(page, BUTTONS_JS, [banners], []) or []
    if entry is None:
        if not _has_word(texts, ACCEPT_WORDS):
            return {}
        reject = _has_word(texts, REJECT_WORDS)
        return {"accept": True, "reject": reject, "buttons": texts[:12], "heuristic": True}
    accept = [s for s in entry.accept.click if await _evaluate(page, VISIBLE_JS, s, False)]
    reject = [s for s in entry.reject.click if await _evaluate(page, VISIBLE_JS, s, False)]
    worded = _has_word(texts, REJECT_WORDS)
    return {"accept": bool(accept), "reject": bool(reject) or worded, "buttons": texts[:12]}


class BuiltinEngine:
    """Catalog-driven detection and actions for one scenario context."""

    method = "builtin"

    def __init__(self, empty_page_wait: float = 3.0) -> None:
        self.events: list[dict[str, Any]] = []
        self.empty_page_wait = empty_page_wait

    async def install(self, context: Any) -> None:
        """Nothing to prepare: the catalog is evaluated on demand."""

    def new_document(self) -> None:
        """No per-document state."""

    async def detect(self, page: Page, timeout: float) -> Detection:
        deadline = time.monotonic() + timeout
        give_up_empty = time.monotonic() + min(timeout, self.empty_page_wait)
        found: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            found = await _evaluate(page, DETECT_ALL, None, []) or []
            visible = [f for f in found if f.get("visible")]
            if visible:
                self._log("popupFound", visible[0]["id"])
                return Detection(cmp=visible[0]["id"], rule=visible[0]["id"], popup=True)
            if not found and time.monotonic() > give_up_empty:
                break
            await asyncio.sleep(0.2)
        if found:
            self._log("cmpDetected", found[0]["id"])
            return Detection(cmp=found[0]["id"], rule=found[0]["id"], popup=False)
        return Detection()

    def _log(self, kind: str, cmp: str, **extra: Any) -> None:
        self.events.append({"type": kind, "cmp": cmp, "t": round(time.time(), 3), **extra})

    async def act(self, page: Page, action: str, detection: Detection) -> ActionOutcome:
        entry = cmp_by_id(detection.cmp) if detection.cmp else None
        outcome = ActionOutcome(
            action=action, method=self.method, cmp=detection.cmp, rule=detection.rule
        )
        if entry is None or not detection.popup:
            outcome.error = "no consent popup found to act on"
            return outcome
        started = time.monotonic()
        plan = entry.plan(action)
        done = await self._click_first(page, plan.click, outcome, "first-layer")
        if not done and plan.settings:
            done = await self._second_layer(page, plan.settings, plan.second, outcome)
        if not done and plan.api:
            done = await self._call_api(page, plan.api, outcome)
        outcome.result = done
        if not done:
            outcome.error = f"no {action} button or API of {entry.name} was usable"
        outcome.duration = round(time.monotonic() - started, 3)
        self._log(f"{action}Result", entry.id, result=done, clicks=outcome.clicks, via=outcome.via)
        return outcome

    async def _visible(self, page: Page, selectors: tuple[str, ...]) -> Locator | None:
        for selector in selectors:
            locator = page.locator(selector).first
            try:
                if await locator.is_visible():
                    return locator
            except PlaywrightError:
                continue
        return None

    async def _click_first(
        self, page: Page, selectors: tuple[str, ...], outcome: ActionOutcome, via: str
    ) -> bool:
        locator = await self._visible(page, selectors)
        if locator is None:
            return False
        try:
            await locator.click(timeout=CLICK_TIMEOUT_MS)
        except PlaywrightError as problem:
            outcome.steps.append(f"click failed: {first_line(problem, type(problem).__name__)}")
            return False
        outcome.clicks = (outcome.clicks or 0) + 1
        outcome.via = via
        outcome.steps.append(f"click {via}")
        return True

    async def _second_layer(
        self, page: Page, settings: tuple[str, ...], second: tuple[str, ...], out: ActionOutcome
    ) -> bool:
        if not await self._click_first(page, settings, out, "settings"):
            return False
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if await self._click_first(page, second, out, "second-layer"):
                return True
            await asyncio.sleep(0.15)
        return False

    async def _call_api(self, page: Page, api: str, outcome: ActionOutcome) -> bool:
        script = f"() => {{ {api}; return true; }}"
        ok = bool(await _evaluate(page, script, None, False))
        if ok:
            outcome.via, outcome.clicks = "api", 0
            outcome.steps.append("api")
        return ok

    async def popup_visible(self, page: Page, cmp: str | None, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            found = await _evaluate(page, DETECT_ALL, None, []) or []
            if any(f.get("visible") and (cmp is None or f["id"] == cmp) for f in found):
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.2)
