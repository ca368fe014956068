"""Consent check kinds about Google Consent Mode and about tags consent keeps from firing.

Consent Mode (developers.google.com/tag-platform/security/guides/consent; consent.md §4):
a `default` must come before the first Google hit, the v2 types `ad_user_data` and
`ad_personalization` must be set, and the state on hits (gcs/gcd) must follow the visitor's
choice. Consent-blocked: a tag that fires after "accept all" on one page but not on another,
or never after acceptance although expected — its conversions will not be tracked.
Pure over the Report; joined into the engine by tagaudit.rules.registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tagaudit.model import GOOGLE_PROVIDERS, Finding, PageVisit, Report, TagHit, tag_label
from tagaudit.model.urls import origin_of
from tagaudit.rules.checks_consent import scoped_visits
from tagaudit.rules.consent_classify import (
    AFTER_ACTION,
    acted,
    first_look,
    gcd_letter,
    group_by_tag,
    storage_state,
    tracking_hits,
    uses_consent_mode,
)
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.rule import Rule

KINDS = Kinds()

V2_TYPES = ("ad_user_data", "ad_personalization")
# gcd letters whose *update* was denied / granted (consent.md §4.3 letter table).
UPDATE_DENIED = ("m", "q", "u")


def _google_hits(page: PageVisit, phases: tuple[str | None, ...] | None = None) -> list[TagHit]:
    hits = [
        h for h in page.hits if h.kind == "hit" and h.provider in GOOGLE_PROVIDERS and h.left_page()
    ]
    return [h for h in hits if phases is None or h.phase in phases]


def _commands(page: PageVisit) -> list[dict[str, Any]]:
    return list((page.consent.consent_mode.get("commands")) or [])


@KINDS.register("consent-mode-default", per_page=True)
def mode_default(rule: Rule, report: Report) -> Iterator[Finding]:
    """A Consent Mode default is in effect before the first Google hit is sent."""
    for visits in scoped_visits(rule, report).values():
        page = first_look(visits)
        first_doc = [h for h in _google_hits(page) if h.phase in ("before-action", None)]
        if not first_doc:
            continue
        first = first_doc[0]
        hit_at = page.consent.consent_mode.get("first_google_hit_at")
        defaults = [
            c
            for c in _commands(page)
            if c.get("command") == "default" and c.get("phase") == "before-action"
        ]
        early = [c for c in defaults if hit_at is None or (c.get("ts") or 0) / 1000 <= hit_at]
        if uses_consent_mode(first) or early:
            continue
        yield rule.finding(
            f"{first.tag} sent {first.event or 'a hit'} with no Consent Mode default in effect",
            page.url,
            page=page,
            location={"provider": first.provider, "account": first.base_account or None},
            evidence={
                "gcd": ((first.consent or {}).get("gcd") or {}).get("raw"),
                "defaults": len(defaults),
                "first_google_hit_at": hit_at,
            },
        )


@KINDS.register("consent-mode-v2", per_page=True)
def mode_v2(rule: Rule, report: Report) -> Iterator[Finding]:
    """Consent Mode sets the v2 types ad_user_data and ad_personalization, not only storage."""
    for visits in scoped_visits(rule, report).values():
        page = first_look(visits)
        hits = [h for h in _google_hits(page) if uses_consent_mode(h)]
        defaults = [c for c in _commands(page) if c.get("command") == "default"]
        missing = set()
        for hit in hits:
            missing.update(t for t in V2_TYPES if gcd_letter(hit, t) in (None, "l"))
        for command in defaults:
            missing.update(t for t in V2_TYPES if t not in (command.get("values") or {}))
        if (hits or defaults) and missing:
            yield rule.finding(
                f"Consent Mode v2 signal(s) not set: {', '.join(sorted(missing))}",
                page.url,
                page=page,
                location={"provider": hits[0].provider if hits else None},
                evidence={
                    "missing": sorted(missing),
                    "gcd": sorted(
                        {str(((h.consent or {}).get("gcd") or {}).get("raw")) for h in hits}
                    )[:5],
                    "defaults": [c.get("values") for c in defaults][:3],
                },
            )


def _contradicts(scenario: str, hit: TagHit) -> bool:
    """Does this hit's consent state contradict the visitor's choice?

    After reject: any storage granted. After accept: storage denied after the reload, or an
    explicit denied *update* right after the action (a default still in flight at the moment
    of the click is a race, not a contradiction).
    """
    state = storage_state(hit)
    values = [v for v in state.values() if v]
    if scenario == "reject":
        return "granted" in values
    if "denied" not in values:
        return False
    if hit.phase == "after-reload":
        return True
    letters = [gcd_letter(hit, k) for k in ("ad_storage", "analytics_storage")]
    return any(letter in UPDATE_DENIED for letter in letters)


@KINDS.register("consent-mode-mismatch", per_page=True)
def mode_mismatch(rule: Rule, report: Report) -> Iterator[Finding]:
    """The consent state on Google hits (gcs/gcd) follows the visitor's accept/reject choice."""
    for visits in scoped_visits(rule, report).values():
        for scenario in ("accept", "reject"):
            page = visits.get(scenario)
            if page is None or not acted(page):
                continue
            bad = [h for h in _google_hits(page, AFTER_ACTION) if _contradicts(scenario, h)]
            for key, group in group_by_tag(bad).items():
                raw = sorted({str(((h.consent or {}).get("gcs") or {}).get("raw")) for h in group})
                yield rule.finding(
                    f'after "{scenario}", {tag_label(*key)} sent {len(group)} hit(s) with '
                    f"consent state {', '.join(raw)}",
                    page.url,
                    page=page,
                    location={"provider": key[0], "account": key[1]},
                    evidence={
                        "gcs": raw,
                        "phases": sorted({str(h.phase) for h in group}),
                        "gcd": sorted(
                            {str(((h.consent or {}).get("gcd") or {}).get("raw")) for h in group}
                        ),
                    },
                )


def _fired_after_accept(page: PageVisit) -> set[tuple[str, str | None]]:
    return set(group_by_tag(tracking_hits(page, AFTER_ACTION)))


def _same_site(a: PageVisit, b: PageVisit) -> bool:
    """Pages compared for blocked tags: same origin and same CMP (one site, one set-up)."""
    return origin_of(a.url) == origin_of(b.url) and a.consent.cmp == b.consent.cmp


def _expected(rule: Rule) -> list[tuple[str, str | None]]:
    return [(str(e.get("provider")), e.get("account")) for e in rule.args.get("expected") or []]


@KINDS.register(
    "consent-blocked-tags",
    optional={"expected": list, "across_pages": bool},
)
def blocked_tags(rule: Rule, report: Report) -> Iterator[Finding]:
    """After "accept all", every expected tag fires (else its conversions are never tracked)."""
    accepted = {
        url: v["accept"]
        for url, v in scoped_visits(rule, report).items()
        if "accept" in v and acted(v["accept"])
    }
    fired = {url: _fired_after_accept(page) for url, page in accepted.items()}
    if rule.args.get("across_pages", True):
        for url, page in accepted.items():
            peers = [u for u in accepted if _same_site(accepted[u], page)]
            seen = set().union(*(fired[u] for u in peers))
            for key in sorted(seen - fired[url], key=str):
                where = sorted(u for u in peers if key in fired[u])
                yield _blocked(
                    rule, page, key, f"fires after accept on {where[0]} but not here", where
                )
    for provider, account in _expected(rule):
        if not any(
            p == provider and (account is None or a == account)
            for keys in fired.values()
            for p, a in keys
        ):
            for page in accepted.values():
                yield _blocked(rule, page, (provider, account), "never fires after accept", [])


def _blocked(
    rule: Rule, page: PageVisit, key: tuple[str, str | None], why: str, where: list[str]
) -> Finding:
    return rule.finding(
        f"{tag_label(*key)} {why}: its conversions will not be tracked",
        page.url,
        page=page,
        location={"provider": key[0], "account": key[1]},
        evidence={"fires_on": where[:5], "cmp": page.consent.cmp},
    )
