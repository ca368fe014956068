"""The `consent` check kinds (rules/consent.yaml uses them).

Each kind reads the scenario visits (`PageVisit.scenario`, phases, `PageVisit.consent`) of a
finished Report and yields Findings through `rule.finding`; the phase/tag vocabulary lives
in tagaudit.rules.consent_classify, the Consent Mode kinds in checks_consent_mode.py. Pure: no
browser, no I/O.
Regulatory basis (signals for review, not legal verdicts): ePrivacy Art. 5(3), EDPB
Guidelines 2/2023, EDPB cookie banner taskforce (Jan 2023), CNIL 2020-091/092.
"""

from __future__ import annotations

from collections.abc import Iterator

from tagaudit.model import Finding, PageVisit, Report, tag_label
from tagaudit.rules.consent_classify import (
    AFTER_ACTION,
    acted,
    before_choice_phases,
    first_look,
    group_by_tag,
    identifier_cookies,
    is_denied_ping,
    tracking_hits,
    visits_by_url,
)
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.rule import Rule

KINDS = Kinds()


def scoped_visits(rule: Rule, report: Report) -> dict[str, dict[str, PageVisit]]:
    """Scenario visits in the rule's scope, per URL (each page read once: a long run's
    pages are read back from disk, runner/spool.py)."""
    return visits_by_url(p for p in report.pages if rule.scope.covers_page(p))


def _hit_findings(rule: Rule, page: PageVisit, phases: tuple, what: str) -> Iterator[Finding]:
    hits = (h for h in tracking_hits(page, phases) if not is_denied_ping(h))
    for (provider, account), group in group_by_tag(hits).items():
        events = sorted({h.event or "?" for h in group})
        yield rule.finding(
            f"{tag_label(provider, account)} sent {len(group)} hit(s) {what}: {', '.join(events)}",
            page.url,
            page=page,
            location={"provider": provider, "account": account, "phase": group[0].phase},
            evidence={
                "events": events,
                "phases": sorted({str(h.phase) for h in group}),
                "urls": [h.url[:300] for h in group[:3]],
            },
        )


def _before_choice(rule: Rule, report: Report) -> Iterator[tuple[PageVisit, tuple, str]]:
    """(page, phases, words) of each page's first look, before any choice."""
    for visits in scoped_visits(rule, report).values():
        page = first_look(visits)
        yield page, before_choice_phases(page), "before any choice"


def _after_reject(rule: Rule, report: Report) -> Iterator[tuple[PageVisit, tuple, str]]:
    """(page, phases, words) of each "reject all" visit that found a banner to reject."""
    for visits in scoped_visits(rule, report).values():
        page = visits.get("reject")
        if page is not None and page.consent.popup:
            yield page, AFTER_ACTION, 'after "reject all"'


@KINDS.register("consent-hits-before-choice", per_page=True)
def hits_before_choice(rule: Rule, report: Report) -> Iterator[Finding]:
    """No tracking hit is sent before the visitor made a choice (cookieless pings excepted)."""
    for page, phases, what in _before_choice(rule, report):
        yield from _hit_findings(rule, page, phases, what)


@KINDS.register("consent-hits-after-reject", per_page=True)
def hits_after_reject(rule: Rule, report: Report) -> Iterator[Finding]:
    """No tracking hit is sent after "reject all" (cookieless pings excepted)."""
    for page, phases, what in _after_reject(rule, report):
        yield from _hit_findings(rule, page, phases, what)


def _cookie_finding(rule: Rule, page: PageVisit, phases: tuple, what: str) -> Iterator[Finding]:
    cookies = identifier_cookies(page, phases)
    if cookies:
        names = sorted({c.name for c in cookies})
        yield rule.finding(
            f"identifier cookie(s) set {what}: {', '.join(names)}",
            page.url,
            page=page,
            location={"event": "cookies"},
            evidence={
                "cookies": [{"name": c.name, "domain": c.domain, "phase": c.phase} for c in cookies]
            },
        )


@KINDS.register("consent-cookies-before-choice", per_page=True)
def cookies_before_choice(rule: Rule, report: Report) -> Iterator[Finding]:
    """No identifier cookie (_ga, _gcl_au, _fbp …) is set before the visitor chose."""
    for page, phases, what in _before_choice(rule, report):
        yield from _cookie_finding(rule, page, phases, what)


@KINDS.register("consent-cookies-after-reject", per_page=True)
def cookies_after_reject(rule: Rule, report: Report) -> Iterator[Finding]:
    """No new identifier cookie is set after "reject all" (or after the reload that follows)."""
    for page, phases, what in _after_reject(rule, report):
        yield from _cookie_finding(rule, page, phases, what)


@KINDS.register("consent-denied-pings", per_page=True)
def denied_pings(rule: Rule, report: Report) -> Iterator[Finding]:
    """Consent Mode cookieless pings (gcs=G100) sent before a choice or after reject."""
    for visits in scoped_visits(rule, report).values():
        looks = [(first_look(visits), None)]
        if "reject" in visits:
            looks.append((visits["reject"], AFTER_ACTION))
        for page, phases in looks:
            phases = phases or before_choice_phases(page)
            pings = [h for h in tracking_hits(page, phases) if is_denied_ping(h)]
            for (provider, account), group in group_by_tag(pings).items():
                yield rule.finding(
                    f"{tag_label(provider, account)} sent {len(group)} Consent Mode ping(s) "
                    f"with storage denied ({page.scenario})",
                    page.url,
                    page=page,
                    location={"provider": provider, "account": account},
                    evidence={
                        "gcs": sorted(
                            {str((h.consent.get("gcs") or {}).get("raw")) for h in group}
                        ),
                        "events": sorted({h.event or "?" for h in group}),
                    },
                )


@KINDS.register("consent-banner-missing", per_page=True)
def banner_missing(rule: Rule, report: Report) -> Iterator[Finding]:
    """Trackers fire (or identifier cookies are set) on a page where no consent banner showed."""
    for visits in scoped_visits(rule, report).values():
        page = first_look(visits)
        if page.consent.popup or page.error:
            continue
        phases = before_choice_phases(page)
        tags = sorted(
            {
                tag_label(*k)
                for k in group_by_tag(
                    h for h in tracking_hits(page, phases) if not is_denied_ping(h)
                )
            }
        )
        cookies = sorted({c.name for c in identifier_cookies(page, phases)})
        if tags or cookies:
            yield rule.finding(
                f"no consent banner was found, yet {', '.join(tags + cookies)} "
                f"{'fire' if tags else 'are set'} without a choice",
                page.url,
                page=page,
                evidence={
                    "tags": tags,
                    "cookies": cookies,
                    "cmp": page.consent.cmp,
                    "engine": page.consent.method,
                },
            )


@KINDS.register("consent-first-layer-reject", per_page=True)
def first_layer_reject(rule: Rule, report: Report) -> Iterator[Finding]:
    """The banner offers "reject" on its first layer, next to "accept"."""
    for visits in scoped_visits(rule, report).values():
        page = first_look(visits)
        layer = page.consent.first_layer
        if page.consent.popup and layer and not layer.get("reject"):
            yield rule.finding(
                f"the {page.consent.cmp or 'consent'} banner has no reject button on its "
                "first layer",
                page.url,
                page=page,
                location={"provider": page.consent.cmp},
                evidence={"buttons": layer.get("buttons", []), "accept": layer.get("accept")},
                confidence="medium" if layer.get("heuristic") else "high",
            )


@KINDS.register("consent-reject-clicks", per_page=True)
def reject_clicks(rule: Rule, report: Report) -> Iterator[Finding]:
    """Rejecting takes no more clicks than accepting."""
    for visits in scoped_visits(rule, report).values():
        accept, reject = visits.get("accept"), visits.get("reject")
        if not (accept and reject and acted(accept) and acted(reject)):
            continue
        yes, no = accept.consent.clicks, reject.consent.clicks
        if isinstance(yes, int) and isinstance(no, int) and no > yes:
            yield rule.finding(
                f"rejecting took {no} clicks, accepting {yes}",
                reject.url,
                page=reject,
                location={"provider": reject.consent.cmp},
                evidence={
                    "accept_clicks": yes,
                    "reject_clicks": no,
                    "method": reject.consent.method,
                    "reject_via": reject.consent.action.get("via"),
                },
            )


@KINDS.register("consent-not-persisted", per_page=True)
def not_persisted(rule: Rule, report: Report) -> Iterator[Finding]:
    """The choice survives a reload: no banner again, and the read-back still agrees."""
    for visits in scoped_visits(rule, report).values():
        for scenario in ("accept", "reject"):
            page = visits.get(scenario)
            if page is None or not acted(page) or page.consent.persisted is not False:
                continue
            again = page.consent.banner_after_reload
            why = "the banner showed again" if again else "the read-back disagreed"
            yield rule.finding(
                f'the "{scenario}" choice was not kept after a reload: {why}',
                page.url,
                page=page,
                location={"provider": page.consent.cmp},
                evidence={"banner_after_reload": again, "readback": _sources(page, "after-reload")},
            )


def _sources(page: PageVisit, phase: str) -> dict:
    state = page.consent.readback.get(phase) or {}
    return {"cmp": state.get("cmp"), "tcf": (state.get("tcf") or {}).get("decision")}


@KINDS.register("consent-unverified", per_page=True)
def unverified(rule: Rule, report: Report) -> Iterator[Finding]:
    """After accepting or rejecting, the state read back from the page agrees with the action."""
    for visits in scoped_visits(rule, report).values():
        for scenario in ("accept", "reject"):
            page = visits.get(scenario)
            if page is None or page.error or page.consent.verified is not False:
                continue
            verdict = page.consent.verification
            action = page.consent.action
            if action.get("error"):
                why = action["error"]
            elif verdict.get("disagrees"):
                why = "read back from " + ", ".join(verdict["disagrees"]) + " disagrees"
            else:
                why = "nothing could be read back to confirm it"
            yield rule.finding(
                f'"{scenario}" could not be verified: {why}',
                page.url,
                page=page,
                location={"provider": page.consent.cmp},
                evidence={
                    "sources": verdict.get("sources"),
                    "action": action.get("result"),
                    "method": page.consent.method,
                },
            )
