"""Reading the consent state back from the page, and judging it against the action taken.

Owns the read-back probe (readback.js, installed at context level before any page script)
and `read_state()`: the CMP's own API (catalog `state`), IAB TCF events (`__tcfapi`
addEventListener), a GPP `ping`, and Google Consent Mode commands hooked from dataLayer/gtag
with timestamps (plus `google_tag_data.ics` as a secondary signal). `assess()` is pure: it
compares that state with the action and says whether the scenario is verified — a click
proves nothing until the state agrees (DESIGN.md, "Consent").

Page access only through the Playwright objects passed in; no other tagaudit imports than
the catalog.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from tagaudit.consent.catalog import CmpEntry

PROBE_SCRIPT = Path(__file__).with_name("readback.js").read_text(encoding="utf-8")

READ_PROBE = """() => {
  const log = window.__tagauditConsent || {consentCommands: [], tcfEvents: []};
  let ics = null;
  try {
    const e = window.google_tag_data && google_tag_data.ics && google_tag_data.ics.entries;
    if (e) ics = JSON.parse(JSON.stringify(e));
  } catch (err) { ics = null; }
  return {commands: log.consentCommands, tcf: log.tcfEvents, ics,
          tcf_present: typeof window.__tcfapi === 'function',
          gpp_present: typeof window.__gpp === 'function'};
}"""

GPP_PING = """() => new Promise((resolve) => {
  if (typeof window.__gpp !== 'function') return resolve(null);
  setTimeout(() => resolve(null), 500);
  try {
    window.__gpp('ping', (data, ok) =>
      resolve(ok === false ? null : JSON.parse(JSON.stringify(data))));
  } catch (e) { resolve(null); }
})"""

CONSENT_TYPES = ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")


async def install_probe(context: BrowserContext) -> None:
    """Add the read-back probe to every document of `context` (call before opening pages)."""
    await context.add_init_script(PROBE_SCRIPT)


async def _evaluate(page: Page, script: str, fallback: Any = None) -> Any:
    try:
        return await asyncio.wait_for(page.evaluate(script), timeout=3)
    except (PlaywrightError, asyncio.TimeoutError):
        return fallback


async def cmp_decision(page: Page, cmp: CmpEntry | None) -> str | None:
    """The CMP's own answer: accept | reject | partial | None (no decision or unknown)."""
    if cmp is None or not cmp.state:
        return None
    script = f"() => {{ try {{ return {cmp.state}; }} catch (e) {{ return null; }} }}"
    value = await _evaluate(page, script)
    return value if value in ("accept", "reject", "partial") else None


async def read_state(page: Page, cmp: CmpEntry | None) -> dict[str, Any]:
    """Everything the page says about consent right now (each source guarded on its own)."""
    probe = await _evaluate(page, READ_PROBE, {}) or {}
    commands = probe.get("commands") or []
    return {
        "cmp": await cmp_decision(page, cmp),
        "tcf": summarize_tcf(probe.get("tcf") or []) if probe.get("tcf_present") else None,
        "gpp": await _evaluate(page, GPP_PING) if probe.get("gpp_present") else None,
        "consent_mode": {
            "commands": commands,
            "effective": effective_consent(commands),
            "ics": probe.get("ics"),
        },
    }


def summarize_tcf(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The last TCF event in short, and the sequence of event statuses seen."""
    if not events:
        return {"events": [], "event_status": None, "decision": None}
    last = events[-1]
    consents = last.get("purposeConsents") or {}
    return {
        "events": [e.get("eventStatus") for e in events],
        "event_status": last.get("eventStatus"),
        "cmp_status": last.get("cmpStatus"),
        "gdpr_applies": last.get("gdprApplies"),
        "cmp_id": last.get("cmpId"),
        "tc_string": last.get("tcString"),
        "purpose_consents": consents,
        "decision": tcf_decision(last),
    }


def tcf_decision(event: dict[str, Any]) -> str | None:
    """accept/reject/partial from one TCData event; None while the user has not decided."""
    if event.get("eventStatus") not in ("useractioncomplete", "tcloaded"):
        return None
    given = [bool(v) for v in (event.get("purposeConsents") or {}).values()]
    if not given or not any(given):
        return "reject"
    return "accept" if all(given) else "partial"


def effective_consent(commands: list[dict[str, Any]]) -> dict[str, str]:
    """Consent Mode state after all commands: the last update wins over the default."""
    state: dict[str, str] = {}
    for kind in ("default", "update"):
        for command in commands:
            if command.get("command") == kind:
                values = command.get("values") or {}
                state.update({k: v for k, v in values.items() if v in ("granted", "denied")})
    return state


def consent_mode_decision(commands: list[dict[str, Any]]) -> str | None:
    """accept/reject/partial from Consent Mode *updates*; None when no update was sent."""
    updates = [c for c in commands if c.get("command") == "update"]
    if not updates:
        return None
    state = effective_consent(commands)
    storage = [state.get(t) for t in ("ad_storage", "analytics_storage") if t in state]
    if not storage:
        return None
    granted = [s == "granted" for s in storage]
    return "accept" if all(granted) else "reject" if not any(granted) else "partial"


EXPECTED = {"accept": "accept", "reject": "reject", "none": None}


def assess(action: str, state: dict[str, Any]) -> dict[str, Any]:
    """Compare each read-back source with the action; verified = ≥1 agrees, none disagrees.

    For `none` the expected decision is "no decision": any source claiming consent was given
    disagrees (consent assumed without a choice).
    """
    commands = (state.get("consent_mode") or {}).get("commands", [])
    sources = {
        "cmp": state.get("cmp"),
        "tcf": (state.get("tcf") or {}).get("decision"),
        "consent_mode": consent_mode_decision(commands),
    }
    expected = EXPECTED.get(action)
    agrees, disagrees = [], []
    for source, decision in sources.items():
        if action == "none":
            (disagrees if decision in ("accept", "partial") else agrees).append(source)
        elif decision is not None:
            (agrees if decision == expected else disagrees).append(source)
    verified = not disagrees and (bool(agrees) or action == "none")
    return {"verified": verified, "agrees": agrees, "disagrees": disagrees, "sources": sources}
