"""Reading consent scenarios out of a finished Report: pure functions over the model.

Owns the vocabulary the consent checks (tagaudit.rules.checks_consent*) and the scenario ×
tag matrix share: which phases count as "before any choice", what a Consent Mode denied
(cookieless) ping is, the consent state a Google hit carries (gcs, else gcd), and which
hits count as sent (a CSP-blocked hit never left the page). Identifier cookies and Google's
providers are the model's vocabulary. Imports only tagaudit.model (STYLE.md: consent ─► model).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from tagaudit.model import GOOGLE_PROVIDERS, Cookie, PageVisit, TagHit, is_identifier_cookie

AFTER_ACTION = ("after-action", "after-reload")


def is_scenario_visit(page: PageVisit) -> bool:
    """Was this visit made by the consent scenario loop (not a plain audit load)?

    A journey's first step carries the record of the choice the journey made on the banner,
    but it is no scenario: its requests have no phases, so "before any choice" would read
    the hits sent after its `accept` as sent before it.
    """
    return page.consent.is_scenario() and page.journey is None


def before_choice_phases(page: PageVisit) -> tuple[str | None, ...]:
    """Phases with no consent given: all of `none`, only `before-action` otherwise."""
    if page.scenario == "none":
        return ("before-action", "after-action", "after-reload", None)
    return ("before-action",)


def tracking_hits(page: PageVisit, phases: tuple[str | None, ...]) -> Iterator[TagHit]:
    """Tag hits (not library loads or config) sent in `phases`."""
    return (h for h in page.hits if h.kind == "hit" and h.phase in phases and h.left_page())


def storage_state(hit: TagHit) -> dict[str, str | None]:
    """ad_storage / analytics_storage a Google hit was sent with (gcs, else gcd effective)."""
    consent = hit.consent or {}
    gcs = consent.get("gcs") or {}
    gcd = consent.get("gcd") or {}
    out: dict[str, str | None] = {}
    for kind in ("ad_storage", "analytics_storage"):
        value = gcs.get(kind) if isinstance(gcs, dict) else None
        if value is None and isinstance(gcd.get(kind), dict):
            value = gcd[kind].get("effective")
        out[kind] = value
    return out


def gcd_letter(hit: TagHit, kind: str) -> str | None:
    entry = ((hit.consent or {}).get("gcd") or {}).get(kind)
    return entry.get("letter") if isinstance(entry, dict) else None


def uses_consent_mode(hit: TagHit) -> bool:
    """Did the hit carry a Consent Mode state (gcs, or a gcd with any letter set)?"""
    consent = hit.consent or {}
    if consent.get("gcs"):
        return True
    letters = [gcd_letter(hit, k) for k in ("ad_storage", "analytics_storage")]
    return any(letter not in (None, "l") for letter in letters)


def is_denied_ping(hit: TagHit) -> bool:
    """A Google hit sent with ad_storage and analytics_storage denied (gcs=G100): cookieless."""
    if hit.provider not in GOOGLE_PROVIDERS:
        return False
    state = storage_state(hit)
    return state["ad_storage"] == "denied" and state["analytics_storage"] == "denied"


def identifier_cookies(page: PageVisit, phases: tuple[str | None, ...]) -> list[Cookie]:
    return [c for c in page.cookies if c.phase in phases and is_identifier_cookie(c.name)]


TagKey = tuple[str, str | None]


def tag_key(hit: TagHit) -> TagKey:
    """(provider, base account — or collector host, for `unknown` — or None): one tag of
    the consent matrix and checks, whose words are `tag_label(*key)` (as `TagHit.tag`)."""
    return hit.provider, hit.tag_account or None


def group_by_tag(hits: Iterator[TagHit] | list[TagHit]) -> dict[TagKey, list[TagHit]]:
    grouped: dict[TagKey, list[TagHit]] = {}
    for hit in hits:
        grouped.setdefault(tag_key(hit), []).append(hit)
    return grouped


def visits_by_url(pages: Iterable[PageVisit]) -> dict[str, dict[str, PageVisit]]:
    """Scenario visits grouped per page URL: {url: {scenario: visit}}."""
    out: dict[str, dict[str, PageVisit]] = {}
    for page in pages:
        if is_scenario_visit(page):
            out.setdefault(page.url, {})[page.scenario] = page
    return out


def first_look(visits: dict[str, PageVisit]) -> PageVisit:
    """The visit to judge "before any choice" from: `none` if it ran, else any scenario."""
    return visits.get("none") or next(iter(visits.values()))


def acted(page: PageVisit) -> bool:
    """Did the engine act on a banner in this scenario (accept/reject with a result)?"""
    action: dict[str, Any] = page.consent.action
    return bool(action.get("result"))
