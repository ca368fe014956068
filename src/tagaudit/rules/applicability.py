"""Which pages and links each rule applied to in a run, for reporters that list rules per target.

A JUnit test case "rule X on page Y" means something only when X could have failed on Y:
consent rules read consent scenario visits, link rules read followed links, journey rules
read journey steps, a rule scoped to `/checkout/*` reads checkout pages, tag checks skip
pages that did not load, and a rule about a tag's events reads the pages that sent them
(`APPLIES`: a purchase rule on a page without a purchase is no test). A journey step that
failed, or never ran, is where its expectations were *skipped*, not passed. The engine
records the answer on each rule's RuleInfo (index ranges into Report.pages and
Report.links, tagaudit.model.index_ranges; the skipped pages and steps) with the rule's
evaluation time, so reporters never need the rules' scopes. Imports only tagaudit.model and
tagaudit.rules.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable

from tagaudit.model import PageVisit, Report, RuleInfo, index_ranges
from tagaudit.patterns import PatternTooSlow
from tagaudit.rules import (
    checks_baseline,
    checks_consent,
    checks_consent_mode,
    checks_journeys,
    checks_links,
)
from tagaudit.rules.checks_journeys import START
from tagaudit.rules.consent_classify import is_scenario_visit
from tagaudit.rules.kinds import as_list
from tagaudit.rules.reached import judged
from tagaudit.rules.rule import Rule

# Kinds that read followed links, and kinds that read consent scenario visits; every other
# kind reads plain page visits (a user's own kinds included).
LINK_KINDS = frozenset(checks_links.KINDS)
SCENARIO_KINDS = frozenset(checks_consent.KINDS) | frozenset(checks_consent_mode.KINDS)
# Kinds that read the comparison with a baseline: nothing to apply to without one.
BASELINE_KINDS = frozenset(checks_baseline.KINDS)
# Kinds that read journeys: they apply to journey steps only.
JOURNEY_KINDS = frozenset(checks_journeys.KINDS) - {"conversion-before-success"}
# A page that did not load (an error, or HTTP 4xx/5xx) is read only by rules of this
# category (page-load-error): the others skip it (PageVisit.loaded).
LOAD_CATEGORY = "page-error"
Applies = Callable[[Rule, PageVisit], bool]
# SDKs that batch events in the page before sending them (browser/queues.py reads their queues).
BATCHING = frozenset(["amplitude", "mixpanel", "snowplow", "posthog", "segment", "rudderstack"])


def _has_tags(rule: Rule, page: PageVisit) -> bool:
    """The page sent or loaded a tag (or something that looks like one)."""
    return bool(page.hits) or any(r.lookalike for r in page.requests)


def _sends_event(rule: Rule, page: PageVisit) -> bool:
    """The page sent a hit of the rule's provider and event(s)."""
    provider = rule.args.get("provider")
    events = set(as_list(rule.args.get("event")) + as_list(rule.args.get("events")))
    return any(
        h.kind == "hit"
        and (not provider or h.provider == provider)
        and (not events or h.event in events)
        for h in page.hits
    )


def _sends_hits(rule: Rule, page: PageVisit) -> bool:
    return any(h.kind == "hit" for h in page.hits)


def _loads_libraries(rule: Rule, page: PageVisit) -> bool:
    return any(h.kind == "library" for h in page.hits)


def _has_config(rule: Rule, page: PageVisit) -> bool:
    return any(h.kind == "config" for h in page.hits)


def _lookalikes(rule: Rule, page: PageVisit) -> bool:
    return any(r.lookalike for r in page.requests)


def _own_collector(rule: Rule, page: PageVisit) -> bool:
    """Hits went to the site's own collector, which was probed (browser/collectors.py)."""
    return any(r.collector for r in page.requests)


def _loads_gtag(rule: Rule, page: PageVisit) -> bool:
    return any(r.url.split("?", 1)[0].endswith(("/gtag/js", "/gtag.js")) for r in page.requests)


def _held(rule: Rule, page: PageVisit) -> bool:
    """SDKs that batch events in the page (they can hold some when the visitor leaves)."""
    return bool(page.held_events) or any(h.provider in BATCHING for h in page.hits)


def _reached_page(rule: Rule, page: PageVisit) -> bool:
    """A page that loaded (page-load-error speaks for the others), not a failed step."""
    return page.loaded and page.reached.goal != "failed"


def _never(rule: Rule, page: PageVisit) -> bool:
    """Information about a journey, listed only where it says something."""
    return False


def _at_start(rule: Rule, page: PageVisit) -> bool:
    """A journey's click ids are judged once, at its first step (the landing)."""
    return page.step == START


def _inferred(rule: Rule, page: PageVisit) -> bool:
    """tag-inferred compares the plain visits of a site, not journey steps or empty pages."""
    return page.journey is None and not page.reached.blocks_tags()


# What a check kind needs on a page to have something to check there (JUnit lists a rule
# on a page only then: "ga4-purchase-params" on a page without a purchase is no test).
# Kinds not listed apply to every page in their scope that loaded.
APPLIES: dict[str, Applies] = {
    "event-params": _sends_event,
    "duplicate-events": _sends_event,
    "conversion-before-success": _sends_event,
    "tag-csp-blocked": _has_tags,
    "tag-library-failed": _loads_libraries,
    "tag-request-failed": _sends_hits,
    "tag-collector-down": _own_collector,
    "tag-not-configured": _loads_gtag,
    "pii": _sends_hits,
    "hit-undecoded": _has_tags,
    "collector-unknown": _lookalikes,
    "config-failed": _has_config,
    "held-events": _held,
    "tag-inferred": _inferred,
    "page-reached": _reached_page,
    "click-id-chain": _at_start,
    "click-id-unused": _never,
}


def place(rule: Rule, page: PageVisit) -> str | None:
    """`applied` when `rule` looked at `page`, `skipped` when it was meant to but the visit
    stopped short (a failed journey step), None when the page is none of its business."""
    if rule.check in SCENARIO_KINDS and not is_scenario_visit(page):
        return None
    if rule.check in JOURNEY_KINDS and page.journey is None:
        return None
    if not page.loaded and rule.category != LOAD_CATEGORY:
        return None
    if not rule.scope.covers_page(page):
        return None
    applies = APPLIES.get(rule.check)
    fits = applies is None or applies(rule, page)
    judging = rule.category != LOAD_CATEGORY and rule.check not in JOURNEY_KINDS
    if judging and not judged(page, rule.scope.steps is not None):
        stopped = page.reached.goal in ("failed", "skipped")
        return "skipped" if fits and stopped else None
    return "applied" if fits else None


def applied_pages(rule: Rule, report: Report, state: str = "applied") -> list[int]:
    """Indices of the pages `rule` looked at (none for link kinds); with `state="skipped"`,
    of those it was meant for whose visit stopped short (a failed journey step)."""
    if rule.check in LINK_KINDS or (rule.check in BASELINE_KINDS and report.baseline is None):
        return []
    return [i for i, page in enumerate(report.pages) if place(rule, page) == state]


def skipped_steps(rule: Rule, report: Report) -> list[str]:
    """`journey/step` of the steps that never ran (a step before them failed) that `rule`
    was written for: their expectations were not checked."""
    patterns = rule.scope.steps
    if patterns is None:
        return []
    return [
        f"{journey.name}/{step.name}"
        for journey in report.journeys
        for step in journey.steps
        if step.status == "skipped"
        and any(fnmatch.fnmatchcase(f"{journey.name}/{step.name}", p) for p in patterns)
    ]


def applied_links(rule: Rule, report: Report) -> list[int]:
    """Indices of the links `rule` looked at (link kinds only)."""
    if rule.check not in LINK_KINDS:
        return []
    if rule.scope.covers_every_link():
        return list(range(len(report.links)))
    return [i for i, link in enumerate(report.links) if rule.scope.covers_link(link)]


def describe(rule: Rule, report: Report, seconds: float | None = None) -> RuleInfo:
    """The rule's RuleInfo with what it applied to in `report` and how long it took."""
    return describe_all([rule], report, {rule.id: seconds} if seconds is not None else {})[rule.id]


def describe_all(
    rules: list[Rule], report: Report, seconds: dict[str, float]
) -> dict[str, RuleInfo]:
    """Each rule's RuleInfo (by id), from one pass over the pages: each page is read once
    for all rules (a long run's pages are on disk, tagaudit.runner.spool)."""
    states: dict[str, dict[str, list[int]]] = {
        r.id: {"applied": [], "skipped": []}
        for r in rules
        if not (r.check in LINK_KINDS or (r.check in BASELINE_KINDS and report.baseline is None))
    }
    slow: set[str] = set()  # rules whose scope's regex ran out of time
    judged_rules = [r for r in rules if r.id in states]
    for index, page in enumerate(report.pages if judged_rules else []):
        for rule in judged_rules:
            if rule.id in slow:
                continue
            try:
                state = place(rule, page)
            except PatternTooSlow:
                slow.add(rule.id)
                continue
            if state is not None:
                states[rule.id][state].append(index)
    infos = {}
    for rule in rules:
        info = infos[rule.id] = rule.summary()
        found = states.get(rule.id, {"applied": [], "skipped": []})
        if rule.id in slow:  # its scope's regex ran out of time: the rule's error says so
            info.pages = info.links = None
        else:
            try:
                info.pages = index_ranges(found["applied"])
                info.skipped = index_ranges(found["skipped"]) or None
                info.skipped_steps = skipped_steps(rule, report)
                info.links = index_ranges(applied_links(rule, report))
            except PatternTooSlow:
                info.pages = info.links = None
        took = seconds.get(rule.id)
        info.seconds = round(took, 6) if took is not None else None
    return infos
