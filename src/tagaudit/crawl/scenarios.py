"""Consent scenarios: load a page with no interaction, after "accept all", after "reject all".

Each scenario runs in its own fresh context (DESIGN.md, "Isolation"): load and observe
(phase `before-action`), act on the banner or not (`after-action`), then reload in the same
context to see whether the choice was kept (`after-reload`). Every request, hit and cookie
carries its phase; `PageVisit.consent` holds what the engine saw and did, the state read back
from the page at each phase, and whether that state agrees with the action (`verified`).

The lead wires this into `tagaudit audit --consent`: call `run_scenarios()` per target URL.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.capture import Recorder, decode_hits
from tagaudit.browser.session import BrowserSession, SessionSettings
from tagaudit.consent.builtin import first_layer
from tagaudit.consent.catalog import cmp_by_id
from tagaudit.consent.engine import ConsentEngine, ConsentSettings, Detection, make_engine
from tagaudit.consent.matrix import matrix_for_visits
from tagaudit.consent.readback import assess, install_probe, read_state
from tagaudit.errors import UsageError
from tagaudit.model import SCENARIOS, Cookie, PageVisit

PAGE_TIMEOUT_S = 30.0


def parse_scenarios(text: str | None) -> list[str] | None:
    """`"none,accept,reject"` → a list; None or `auto` → None (decide from the banner)."""
    if text is None or text.strip() in ("", "auto"):
        return None
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [c for c in chosen if c not in SCENARIOS]
    if unknown:
        raise UsageError(
            f"--consent: unknown scenario {unknown[0]!r}", f"use any of {', '.join(SCENARIOS)}"
        )
    return list(dict.fromkeys(chosen))


async def run_scenarios(
    session: BrowserSession,
    url: str,
    scenarios: list[str] | None = None,
    settings: ConsentSettings | None = None,
) -> list[PageVisit]:
    """One PageVisit per scenario for `url`, in the order none, accept, reject.

    With `scenarios=None`, `none` runs first and `accept`/`reject` follow only when it found
    a consent banner (the `--consent` default).
    """
    settings = settings or ConsentSettings()
    if scenarios is None:
        first = await run_scenario(session, url, "none", settings)
        visits = [first]
        if first.consent.get("popup"):
            visits += await asyncio.gather(
                *(run_scenario(session, url, s, settings) for s in ("accept", "reject"))
            )
    else:
        found = await asyncio.gather(*(run_scenario(session, url, s, settings) for s in scenarios))
        order = {name: i for i, name in enumerate(SCENARIOS)}
        visits = sorted(found, key=lambda v: order.get(v.scenario, 99))
    # The page's scenario × tag matrix travels with its first visit (JSON reports carry it).
    visits[0].consent["matrix"] = matrix_for_visits(visits)
    return visits


async def audit_consent(
    urls: list[str],
    scenarios: list[str] | None = None,
    settings: ConsentSettings | None = None,
    session_settings: SessionSettings | None = None,
    concurrency: int = 2,
) -> list[PageVisit]:
    """Every URL through `run_scenarios` in one browser, `concurrency` URLs at a time.

    For `tagaudit audit --consent`: the visits come back in URL order, none/accept/reject
    within a URL; a page that fails is a visit with `error` set, never an exception.
    """
    gate = asyncio.Semaphore(max(1, concurrency))
    async with BrowserSession(session_settings or SessionSettings()) as session:

        async def one(url: str) -> list[PageVisit]:
            async with gate:
                return await run_scenarios(session, url, scenarios, settings)

        results = await asyncio.gather(*(one(url) for url in urls))
    return [visit for visits in results for visit in visits]


async def run_scenario(
    session: BrowserSession, url: str, scenario: str, settings: ConsentSettings
) -> PageVisit:
    """Load `url` in a fresh context and play `scenario`; page problems become visit.error."""
    engine = make_engine(settings)
    # No bypass_csp: a tag the page's CSP blocks must stay blocked in every scenario too.
    # autoconsent's snippets and our read-back run through init scripts and CDP evaluation,
    # which CSP does not restrict.
    context = await session.new_context()
    try:
        await install_probe(context)
        await engine.install(context)
        page = await context.new_page()
        recorder = await Recorder(context, page).start()
        try:
            run = ScenarioRun(url, scenario, settings, engine, context, page, recorder)
            return await _play(run)
        finally:
            recorder.stop()
    except PlaywrightError as problem:
        first = str(problem).strip().splitlines()[0] if str(problem).strip() else "error"
        return PageVisit(url=url, scenario=scenario, error=f"consent scenario failed: {first}")
    finally:
        with contextlib.suppress(PlaywrightError):
            await context.close()


class ScenarioRun:
    """The state of one scenario while it plays (a plain bag, to keep _play short)."""

    def __init__(
        self,
        url: str,
        scenario: str,
        settings: ConsentSettings,
        engine: ConsentEngine,
        context: BrowserContext,
        page: Page,
        recorder: Recorder,
    ) -> None:
        self.url, self.scenario, self.settings = url, scenario, settings
        self.engine, self.context, self.page, self.recorder = engine, context, page, recorder
        # Wall clock at the recorder's start: request timestamps are relative to it, page
        # timestamps (Date.now()) are wall clock; both are compared in `timeline`.
        self.wall0 = time.time() - (time.monotonic() - recorder.started)
        self.cookies: dict[tuple[str, str, str], Cookie] = {}
        self.consent: dict[str, Any] = {}
        self.commands: list[dict[str, Any]] = []


async def _play(run: ScenarioRun) -> PageVisit:
    page, recorder, settings = run.page, run.recorder, run.settings
    recorder.phase = "before-action"
    began = time.monotonic()
    error, response = await _goto(page, run.url)
    if error:
        visit = await recorder.snapshot(page)
        visit.url, visit.scenario, visit.error = run.url, run.scenario, error
        return visit
    status = response.status if response else None
    await recorder.settle(settings.quiet_ms, settings.max_wait_ms)
    detection = await run.engine.detect(page, settings.detect_timeout)
    await _before_action(run, detection)
    await _act(run, detection)
    await _after_reload(run, detection)
    visit = await recorder.snapshot(page)
    _keep_cookies(run, visit.cookies)
    visit.url, visit.final_url, visit.status = run.url, page.url, status
    visit.scenario = run.scenario
    visit.cookies = list(run.cookies.values())
    visit.hits = decode_hits(visit)
    visit.timings = {"total_ms": round((time.monotonic() - began) * 1000, 1)}
    visit.consent = _finish_consent(run, visit)
    return visit


async def _goto(page: Page, url: str) -> tuple[str | None, Any]:
    try:
        response = await page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_S * 1000)
        return None, response
    except PlaywrightError as problem:
        text = str(problem).strip()
        return (text.splitlines()[0] if text else "load failed").removeprefix("Page.goto: "), None


async def _before_action(run: ScenarioRun, detection: Detection) -> None:
    entry = cmp_by_id(detection.cmp) if detection.cmp else None
    run.consent.update(
        cmp=detection.cmp,
        rule=detection.rule,
        method=run.engine.method,
        popup=detection.popup,
        banner_frame=detection.frame_url,
        first_layer=await first_layer(run.page, entry) if detection.popup else {},
        screenshots={"before": await _screenshot(run, "before")} if detection.popup else {},
    )
    snapshot = await run.recorder.snapshot(run.page)
    _keep_cookies(run, snapshot.cookies)
    run.consent["readback"] = {"before-action": await read_state(run.page, entry)}


async def _act(run: ScenarioRun, detection: Detection) -> None:
    run.recorder.phase = "after-action"
    run.consent["action_at"] = round(time.time(), 3)
    outcome = None
    if run.scenario != "none":
        outcome = await run.engine.act(run.page, run.scenario, detection)
        run.consent["action"] = outcome.to_dict()
        run.consent["clicks"] = outcome.clicks
    await run.recorder.settle(run.settings.quiet_ms, run.settings.max_wait_ms)
    waited = time.time() - run.consent["action_at"]
    if waited * 1000 < run.settings.observe_ms:
        await asyncio.sleep(run.settings.observe_ms / 1000 - waited)
        await run.recorder.settle(run.settings.quiet_ms, run.settings.max_wait_ms)
    entry = cmp_by_id(detection.cmp) if detection.cmp else None
    if detection.popup:
        run.consent["screenshots"]["after"] = await _screenshot(run, "after")
    state = await read_state(run.page, entry)
    run.consent["readback"]["after-action"] = state
    run.commands = _phase_commands(state, run.consent["action_at"])
    snapshot = await run.recorder.snapshot(run.page)
    _keep_cookies(run, snapshot.cookies)


async def _after_reload(run: ScenarioRun, detection: Detection) -> None:
    run.recorder.phase = "after-reload"
    run.engine.new_document()
    try:
        await run.page.reload(wait_until="load", timeout=PAGE_TIMEOUT_S * 1000)
    except PlaywrightError as problem:
        run.consent["reload_error"] = str(problem).strip().splitlines()[0]
        return
    await run.recorder.settle(run.settings.quiet_ms, run.settings.max_wait_ms)
    shown = False
    if detection.cmp:
        shown = await run.engine.popup_visible(
            run.page, detection.cmp, run.settings.reappear_timeout
        )
    entry = cmp_by_id(detection.cmp) if detection.cmp else None
    state = await read_state(run.page, entry)
    run.consent["readback"]["after-reload"] = state
    run.consent["banner_after_reload"] = shown
    for command in state["consent_mode"]["commands"]:
        run.commands.append({**command, "phase": "after-reload"})


def _phase_commands(state: dict[str, Any], action_at: float) -> list[dict[str, Any]]:
    """Consent Mode commands of the first document, tagged before/after the action."""
    tagged = []
    for command in state["consent_mode"]["commands"]:
        before = (command.get("ts") or 0) / 1000 < action_at
        tagged.append({**command, "phase": "before-action" if before else "after-action"})
    return tagged


def _keep_cookies(run: ScenarioRun, cookies: list[Cookie]) -> None:
    """Remember each cookie with the first phase it was seen in."""
    for cookie in cookies:
        run.cookies.setdefault((cookie.name, cookie.domain, cookie.path), cookie)


def _finish_consent(run: ScenarioRun, visit: PageVisit) -> dict[str, Any]:
    consent = run.consent
    after = consent["readback"].get("after-action") or {}
    verdict = assess(run.scenario, after)
    reload_state = consent["readback"].get("after-reload")
    consent["verified"] = verdict["verified"]
    consent["verification"] = verdict
    consent["persisted"] = _persisted(run.scenario, consent, reload_state)
    consent["consent_mode"] = {
        "commands": run.commands,
        "first_google_hit_at": _first_google_hit_at(run, visit),
    }
    consent["events"] = run.engine.events[-60:]
    consent["engine"] = _engine_info(run.engine)
    consent["timeline"] = {"wall0": round(run.wall0, 3), "action_at": consent.get("action_at")}
    return consent


def _persisted(scenario: str, consent: dict[str, Any], reload_state: Any) -> bool | None:
    """Was the choice kept after reload: no banner again, and no read-back source changed.

    Compared with the state read right after the action (not with the action itself: a
    wrong-but-kept choice is the unverified finding's business, not this one's).
    """
    if scenario == "none" or not consent.get("popup") or reload_state is None:
        return None
    if consent.get("banner_after_reload"):
        return False
    before = assess(scenario, consent["readback"].get("after-action") or {})["sources"]
    after = assess(scenario, reload_state)["sources"]
    changed = [s for s, v in after.items() if v is not None and before.get(s) not in (None, v)]
    return not changed


GOOGLE_PROVIDERS = ("ga4", "google_ads", "floodlight", "universal_analytics")


def _first_google_hit_at(run: ScenarioRun, visit: PageVisit) -> float | None:
    times = [
        visit.requests[h.request_index].timestamp
        for h in visit.hits
        if h.provider in GOOGLE_PROVIDERS and h.kind == "hit" and h.request_index is not None
    ]
    return round(run.wall0 + min(times), 3) if times else None


def _engine_info(engine: ConsentEngine) -> dict[str, Any]:
    package = getattr(engine, "package", None)
    return {"name": engine.method, "version": getattr(package, "version", None)}


async def _screenshot(run: ScenarioRun, moment: str) -> str | None:
    """The viewport as a JPEG: a data: URL for the HTML report, or a file path."""
    target = run.settings.screenshots
    if target == "none":
        return None
    try:
        data = await run.page.screenshot(type="jpeg", quality=50, timeout=5000)
    except PlaywrightError:
        return None
    if target == "base64":
        return "data:image/jpeg;base64," + base64.b64encode(data).decode()
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{abs(hash(run.url)) % 10**8:08d}-{run.scenario}-{moment}.jpg"
    (folder / name).write_bytes(data)
    return str(folder / name)
