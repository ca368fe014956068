"""Which pages and links each rule applied to in a run, for reporters that list rules per target.

A JUnit test case "rule X on page Y" means something only when X could have failed on Y:
consent rules read consent scenario visits, link rules read followed links, a rule scoped
to `/checkout/*` reads checkout pages, and tag checks skip pages that did not load. The
engine records the answer on each rule's RuleInfo (index ranges into Report.pages and
Report.links, tagaudit.model.index_ranges) with the rule's evaluation time, so reporters
never need the rules' scopes. Imports only tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

from tagaudit.model import Report, RuleInfo, index_ranges
from tagaudit.patterns import PatternTooSlow
from tagaudit.rules import checks_baseline, checks_consent, checks_consent_mode, checks_links
from tagaudit.rules.rule import Rule

# Kinds that read followed links, and kinds that read consent scenario visits; every other
# kind reads plain page visits (a user's own kinds included).
LINK_KINDS = frozenset(checks_links.KINDS)
SCENARIO_KINDS = frozenset(checks_consent.KINDS) | frozenset(checks_consent_mode.KINDS)
# Kinds that read the comparison with a baseline: nothing to apply to without one.
BASELINE_KINDS = frozenset(checks_baseline.KINDS)
# A page that did not load (an error, or HTTP 4xx/5xx) is read only by rules of this
# category (page-load-error): the others skip it (PageVisit.loaded).
LOAD_CATEGORY = "page-error"


def applied_pages(rule: Rule, report: Report) -> list[int]:
    """Indices of the pages `rule` looked at (none for link kinds)."""
    if rule.check in LINK_KINDS or (rule.check in BASELINE_KINDS and report.baseline is None):
        return []
    wants_scenarios = rule.check in SCENARIO_KINDS
    indices = []
    for index, page in enumerate(report.pages):
        if wants_scenarios and not page.consent.is_scenario():
            continue
        if not page.loaded and rule.category != LOAD_CATEGORY:
            continue
        if rule.scope.covers_page(page):
            indices.append(index)
    return indices


def applied_links(rule: Rule, report: Report) -> list[int]:
    """Indices of the links `rule` looked at (link kinds only)."""
    if rule.check not in LINK_KINDS:
        return []
    if rule.scope.covers_every_link():
        return list(range(len(report.links)))
    return [i for i, link in enumerate(report.links) if rule.scope.covers_link(link)]


def describe(rule: Rule, report: Report, seconds: float | None = None) -> RuleInfo:
    """The rule's RuleInfo with what it applied to in `report` and how long it took."""
    info = rule.summary()
    try:
        info.pages = index_ranges(applied_pages(rule, report))
        info.links = index_ranges(applied_links(rule, report))
    except PatternTooSlow:  # its scope's regex ran out of time: the rule's error says so
        info.pages = info.links = None
    info.seconds = round(seconds, 6) if seconds is not None else None
    return info
