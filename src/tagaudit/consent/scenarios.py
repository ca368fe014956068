"""Consent scenarios: load a page with no interaction, after "accept all", after "reject all".

Each scenario runs in its own fresh context of the run's browser (DESIGN.md, "Isolation"),
on the page engine (tagaudit.browser.page), so it shares the run's timeouts, waits and
catalog: load and observe (phase `before-action`), act on the banner or not (`after-action`),
then reload in the same context to see whether the choice was kept (`after-reload`). Every
request, hit and cookie carries its phase; `PageVisit.consent` holds what the engine saw and
did, the state read back from the page at each phase, and whether that state agrees with the
action (`verified`). `run_scenarios` is the one way to play a page's scenarios: the runner
calls it, and the consent end-to-end tests drive it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from tagaudit.browser.page import LOAD_CALLS, PageEngine, Tab
from tagaudit.consent.builtin import banner_visible, first_layer
from tagaudit.consent.catalog import CmpEntry, cmp_by_id
from tagaudit.consent.engine import ConsentEngine, Detection
from tagaudit.consent.engines import make_engine
from tagaudit.consent.readback import READ_PROBE, assess, install_probe, read_state
from tagaudit.consent.settings import ConsentSettings
from tagaudit.errors import first_line
from tagaudit.model import GOOGLE_PROVIDERS, SCENARIOS, ConsentRecord, PageVisit

# Told of each scenario as it ends: its name, and every visit finished so far, in order.
Finished = Callable[[str, list[PageVisit]], None]


async def run_scenarios(
    engine: PageEngine,
    url: str,
    scenarios: Sequence[str],
    settings: ConsentSettings | None = None,
    finished: Finished | None = None,
) -> list[PageVisit]:
    """One PageVisit per scenario of `url`, the scenarios side by side, in SCENARIOS order.

    `finished(scenario, visits)` is called as each scenario ends, with a new list of the
    visits finished so far (in SCENARIOS order): the runner keeps them, so an interrupted
    run reports finished scenarios, and counts each in its progress. It is called for a
    scenario that ended without a visit too (cancelled, or an unexpected error, which then
    propagates). Which scenarios a page gets is the caller's choice (the runner's: all of
    them once a plain visit saw a banner, or the ones asked for).
    """
    settings = settings or ConsentSettings()
    order = {name: i for i, name in enumerate(SCENARIOS)}
    visits: list[PageVisit] = []

    async def play(scenario: str) -> None:
        try:
            visits.append(await run_scenario(engine, url, scenario, settings))
            visits.sort(key=lambda v: order.get(v.scenario, 99))
        finally:
            if finished is not None:
                finished(scenario, list(visits))

    await asyncio.gather(*(play(s) for s in scenarios))
    return visits


async def run_scenario(
    engine: PageEngine, url: str, scenario: str, settings: ConsentSettings
) -> PageVisit:
    """Load `url` in a fresh context and play `scenario`; page problems become visit.error."""
    consent_engine = make_engine(settings)

    # No bypass_csp: a tag the page's CSP blocks must stay blocked in every scenario too.
    # autoconsent's snippets and our read-back run through init scripts and CDP evaluation,
    # which CSP does not restrict.
    async def prepare(context: BrowserContext) -> None:
        await install_probe(context)
        await consent_engine.install(context)

    try:
        tab = await engine.open_tab(prepare=prepare)
    except PlaywrightError as problem:
        return _failed(url, scenario, problem)
    limit = scenario_limit(engine.settings.page_timeout, settings)
    try:
        run = ScenarioRun(url, scenario, settings, consent_engine, tab)
        visit = await asyncio.wait_for(_play(run), limit)
    except asyncio.TimeoutError:
        visit = tab.decode(await tab.salvage(url, limit, SCENARIO_LIMIT))
        visit.scenario = scenario
    except PlaywrightError as problem:
        visit = _failed(url, scenario, problem)
    finally:
        await tab.close()
    problem = tab.misbehaviour()
    if problem:
        visit.error = problem
    return visit


CHOICE_POLL_S = 0.05  # how often a scenario looks whether its choice holds yet
SCENARIO_LIMIT = "a scenario's limit: 2 × --page-timeout + the banner's waits"


def scenario_limit(page_timeout: float, settings: ConsentSettings) -> float:
    """The hard limit of one scenario (s): two loads (the page and its reload), finding the
    banner and acting on it, whatever the page does (tagaudit.browser.visitor)."""
    return 2 * page_timeout + settings.detect_timeout + settings.action_timeout


def _failed(url: str, scenario: str, problem: Exception) -> PageVisit:
    reason = f"consent scenario failed: {first_line(problem, 'error', calls=LOAD_CALLS)}"
    return PageVisit(url=url, scenario=scenario, error=reason)


class ScenarioRun:
    """The state of one scenario while it plays (a plain bag, to keep _play short)."""

    def __init__(
        self, url: str, scenario: str, settings: ConsentSettings, engine: ConsentEngine, tab: Tab
    ) -> None:
        self.url, self.scenario, self.settings = url, scenario, settings
        self.engine, self.tab, self.page = engine, tab, tab.page
        # Wall clock at the recorder's start: request timestamps are relative to it, page
        # timestamps (Date.now()) are wall clock; both are compared in `timeline`.
        self.wall0 = time.time() - (time.monotonic() - tab.recorder.started)
        self.consent = ConsentRecord()
        self.commands: list[dict[str, Any]] = []


async def _play(run: ScenarioRun) -> PageVisit:
    tab = run.tab
    tab.phase = "before-action"
    began = time.monotonic()
    loaded = await tab.load(run.url)
    if loaded.error:
        visit = await tab.snapshot()
        visit.url, visit.scenario, visit.error = run.url, run.scenario, loaded.error
        return visit
    await _settle_before_action(run)
    detection = await run.engine.detect(run.page, run.settings.detect_timeout)
    await _before_action(run, detection)
    await _act(run, detection)
    await _after_reload(run, detection)
    visit = await tab.snapshot()
    tab.steps.cookies.see(visit.cookies)
    visit.url, visit.final_url, visit.status = run.url, run.page.url, loaded.status
    visit.scenario = run.scenario
    visit.cookies = tab.steps.cookies.all()  # each as first seen, with that phase
    tab.decode(visit)
    visit.timings = {"total_ms": round((time.monotonic() - began) * 1000, 1)}
    visit.consent = _finish_consent(run, visit)
    return visit


async def _settle_before_action(run: ScenarioRun) -> None:
    """The run's quiet period, and, when the page set a Consent Mode default with a
    `wait_for_update`, until that wait is over (a ping it held back must leave before the
    click, or it would count as after the choice; and before the reload, or a `none`
    scenario would never see it); `min_quiet_ms` when the page's read-back cannot say.
    A timeout overdue on a busy page is waited for too, within `max_wait_ms`."""
    await run.tab.settle()
    bound, waited = time.monotonic() + run.tab.settings.max_wait_ms / 1000, False
    while (left := bound - time.monotonic()) > 0:
        pending = await _consent_mode_wait_left(run)
        if pending is not None and pending <= 0:
            break
        waited = True
        if pending is None:  # the page cannot say: one fixed wait
            await asyncio.sleep(min(run.settings.min_quiet_ms / 1000, left))
            break
        await asyncio.sleep(min(pending, left))
    if waited:
        await run.tab.settle()


async def _consent_mode_wait_left(run: ScenarioRun) -> float | None:
    """Seconds left of the page's Consent Mode `wait_for_update`: 0 when none is pending,
    None when the page cannot say.

    A wait is over at the first `update` after its default: gtag.js sends what it held
    then, so a page whose CMP already answered (a stored choice) is not waited for. Else
    it ends when gtag.js's timeout of that delay fires, which it sets when it runs the
    default, not when the page pushed it (a tag library that loads late: slow network, a
    loaded machine); at the pushed default plus its wait when no such timeout is seen."""
    try:
        probe = await asyncio.wait_for(run.page.evaluate(READ_PROBE, {}), 3)
    except (PlaywrightError, asyncio.TimeoutError):
        return None
    commands = (probe or {}).get("commands") or []
    updates = [c.get("ts") or 0 for c in commands if c.get("command") == "update"]
    waiting = [
        c
        for c in commands
        if c.get("command") == "default"
        and _wait_for_update(c)
        and not any(ts >= (c.get("ts") or 0) for ts in updates)
    ]
    if not waiting:
        return 0.0
    pushed = max((c.get("ts") or 0) / 1000 + _wait_for_update(c) / 1000 for c in waiting)
    timer = await run.tab.timers_left(sorted({_wait_for_update(c) for c in waiting}))
    return timer if timer > 0 else pushed - time.time()


def _wait_for_update(command: dict[str, Any]) -> float:
    value = (command.get("values") or {}).get("wait_for_update")
    return float(value) if isinstance(value, (int, float)) else 0.0


async def _before_action(run: ScenarioRun, detection: Detection) -> None:
    entry = cmp_by_id(detection.cmp) if detection.cmp else None
    consent = run.consent
    consent.cmp, consent.rule, consent.method = detection.cmp, detection.rule, run.engine.method
    consent.popup, consent.banner_frame = detection.popup, detection.frame_url
    if detection.popup:
        consent.first_layer = await first_layer(run.page, entry)
        consent.screenshots = {"before": await _screenshot(run, "before")}
    run.tab.steps.cookies.see((await run.tab.snapshot()).cookies)
    consent.readback = {"before-action": await read_state(run.page, entry)}


async def _act(run: ScenarioRun, detection: Detection) -> None:
    run.tab.phase = "after-action"
    consent = run.consent
    consent.action_at = round(time.time(), 3)
    if run.scenario != "none":
        outcome = await run.engine.act(run.page, run.scenario, detection)
        consent.action = outcome.to_dict()
        consent.clicks = outcome.clicks
    await run.tab.settle()
    entry = cmp_by_id(detection.cmp) if detection.cmp else None
    if run.scenario != "none":
        deadline = consent.action_at + run.settings.observe_ms / 1000
        if await _until_choice_holds(run, detection, entry, deadline):
            await run.tab.settle()  # what the page sent once the choice held
    if detection.popup:
        consent.screenshots["after"] = await _screenshot(run, "after")
    state = await read_state(run.page, entry)
    consent.readback["after-action"] = state
    run.commands = _phase_commands(state, consent.action_at)
    run.tab.steps.cookies.see((await run.tab.snapshot()).cookies)


async def _after_reload(run: ScenarioRun, detection: Detection) -> None:
    run.tab.phase = "after-reload"
    run.engine.new_document()
    reloaded = await run.tab.reload()
    if reloaded.error:
        run.consent.reload_error = reloaded.error
        return
    await run.tab.settle()
    entry = cmp_by_id(detection.cmp) if detection.cmp else None
    state = await read_state(run.page, entry)
    shown = False
    if detection.cmp:
        shown = await _reappears(run, detection, entry, state)
    run.consent.readback["after-reload"] = state
    run.consent.banner_after_reload = shown
    for command in state["consent_mode"]["commands"]:
        run.commands.append({**command, "phase": "after-reload"})


async def _reappears(
    run: ScenarioRun, detection: Detection, entry: CmpEntry | None, state: dict[str, Any]
) -> bool:
    """Does the banner show again after the reload? When the page, quiet again, reads back
    the choice just made (the CMP stored it), it will not: one look, no wait."""
    if run.scenario != "none" and assess(run.scenario, state)["verified"]:
        return bool(entry) and await banner_visible(run.page, entry)  # type: ignore[arg-type]
    return await run.engine.popup_visible(run.page, detection.cmp, run.settings.reappear_timeout)


async def _until_choice_holds(
    run: ScenarioRun, detection: Detection, entry: CmpEntry | None, deadline: float
) -> bool:
    """Wait until the choice holds: the banner is gone and every source the page reads back
    (the CMP, TCF, Consent Mode) agrees with it, at most until `deadline` (wall clock; a
    page that contradicts the choice, or one nobody can read, waits that long). Whether
    it waited: the page may have sent something meanwhile."""
    waited = False
    while time.time() < deadline:
        shown = detection.popup and entry is not None and await banner_visible(run.page, entry)
        if not shown and assess(run.scenario, await read_state(run.page, entry))["verified"]:
            break
        waited = True
        await asyncio.sleep(CHOICE_POLL_S)
    return waited


def _phase_commands(state: dict[str, Any], action_at: float) -> list[dict[str, Any]]:
    """Consent Mode commands of the first document, tagged before/after the action."""
    tagged = []
    for command in state["consent_mode"]["commands"]:
        before = (command.get("ts") or 0) / 1000 < action_at
        tagged.append({**command, "phase": "before-action" if before else "after-action"})
    return tagged


def _finish_consent(run: ScenarioRun, visit: PageVisit) -> ConsentRecord:
    consent = run.consent
    after = consent.readback.get("after-action") or {}
    verdict = assess(run.scenario, after)
    consent.verified = verdict["verified"]
    consent.verification = verdict
    consent.persisted = _persisted(run.scenario, consent, consent.readback.get("after-reload"))
    consent.consent_mode = {
        "commands": run.commands,
        "first_google_hit_at": _first_google_hit_at(run, visit),
    }
    consent.events = run.engine.events[-60:]
    consent.engine = _engine_info(run.engine)
    consent.timeline = {"wall0": round(run.wall0, 3), "action_at": consent.action_at}
    return consent


def _persisted(scenario: str, consent: ConsentRecord, reload_state: Any) -> bool | None:
    """Was the choice kept after reload: no banner again, and no read-back source changed.

    Compared with the state read right after the action (not with the action itself: a
    wrong-but-kept choice is the unverified finding's business, not this one's).
    """
    if scenario == "none" or not consent.popup or reload_state is None:
        return None
    if consent.banner_after_reload:
        return False
    before = assess(scenario, consent.readback.get("after-action") or {})["sources"]
    after = assess(scenario, reload_state)["sources"]
    changed = [s for s, v in after.items() if v is not None and before.get(s) not in (None, v)]
    return not changed


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
    """The banner before or after the action: a data: URL for the HTML report, or a file."""
    name = f"{abs(hash(run.url)) % 10**8:08d}-{run.scenario}-{moment}"
    return await run.tab.screenshot(run.settings.screenshots, name)
