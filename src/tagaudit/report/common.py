"""What every reporter reads the same way: counts, places, findings grouped, the rule catalog.

Owns the views of a finished Report that more than one format shows, so the terminal, HTML
and Markdown agree word for word: the verdict against `--fail-on`, the header counts (pages
and visits apart), findings grouped across consent scenarios, the display verdict of a link.
The tag matrix is tagaudit.report.matrix; what people never see is tagaudit.report.masking.
Imports only tagaudit.model and the other report modules.
"""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tagaudit.model import (
    SCENARIOS,
    SEVERITIES,
    Finding,
    LinkResult,
    PageVisit,
    Report,
    RuleInfo,
    TagHit,
    fails,
)
from tagaudit.model.urls import origin_of
from tagaudit.report.masking import for_people, mask_emails
from tagaudit.report.matrix import Cell, tag_key, tag_matrix

LEVEL_WORDS = {"error": "errors", "warning": "warnings", "info": "info"}
__all__ = [
    "LEVEL_WORDS",
    "VERDICT_WORDS",
    "Cell",
    "FindingGroup",
    "counts_line",
    "finding_groups",
    "finding_place",
    "findings_by_url",
    "for_people",
    "header_facts",
    "link_verdict",
    "mask_emails",
    "page_label",
    "rule_catalog",
    "short_label",
    "shown_params",
    "tag_key",
    "tag_matrix",
    "verdict",
    "verdict_short",
]


def rule_catalog(report: Report) -> dict[str, RuleInfo]:
    """Rule id → its description: from the run's rules, else from the findings."""
    catalog = dict(report.config.rules)
    for finding in report.findings:
        catalog.setdefault(
            finding.rule_id,
            RuleInfo(finding.rule_id, finding.category, finding.severity, finding.help),
        )
    return dict(sorted(catalog.items()))


def counts_line(report: Report) -> str:
    """`2 errors, 1 warning, 0 info (1 suppressed)` from the counted findings."""
    counted = report.counted_findings()
    parts = []
    for severity in SEVERITIES:
        n = sum(1 for f in counted if f.severity == severity)
        word = {"error": "error", "warning": "warning", "info": "info"}[severity]
        parts.append(f"{n} {word}{'s' if n != 1 and severity != 'info' else ''}")
    suppressed = len(report.findings) - len(counted)
    tail = f" ({suppressed} suppressed)" if suppressed else ""
    return ", ".join(parts) + tail


def verdict(report: Report, fail_on: str = "error") -> tuple[str, str]:
    """(`pass` | `fail` | `incomplete`, what decided it) of the run against `--fail-on`.

    `fail, "8 errors at or above --fail-on error"` — the word is VERDICT_WORDS[state].
    """
    if report.config.run_error or report.interrupted:
        return "incomplete", f"{report.config.run_error or 'interrupted'}; partial results"
    if fail_on == "never":
        return "pass", "--fail-on never"
    failing = [f for f in report.findings if fails(f, fail_on)]
    if failing:
        words = Counter(f.severity for f in failing)
        counted = ", ".join(
            f"{words[s]} {LEVEL_WORDS[s] if words[s] != 1 else s}" for s in SEVERITIES if words[s]
        )
        return "fail", f"{counted} at or above --fail-on {fail_on}"
    return "pass", f"nothing at or above --fail-on {fail_on}"


VERDICT_WORDS = {"pass": "passed", "fail": "failed", "incomplete": "incomplete"}


def verdict_short(report: Report, fail_on: str = "error") -> tuple[str, str]:
    """(state, `failed (--fail-on error)`): the verdict after a counts line."""
    state, why = verdict(report, fail_on)
    if state == "incomplete":
        return state, f"incomplete ({why})"
    return state, f"{VERDICT_WORDS[state]} (--fail-on {fail_on})"


def header_facts(report: Report) -> list[str]:
    """`4 page(s), 10 visits (3 consent scenarios)`, hits, links, failures: what ran."""
    summary = report.summary or report.summarize()
    urls = {p.url for p in report.pages}
    bits = []
    if report.pages or not report.links:
        bits.append(f"{len(urls)} page(s)")
        if len(report.pages) != len(urls):
            scenarios = [s for s in SCENARIOS if any(p.scenario == s for p in report.pages)]
            bits[0] += f", {len(report.pages)} visits (scenarios {', '.join(scenarios)})"
        bits.append(f"{summary.get('hits', 0)} tag hit(s)")
    if summary.get("links"):
        bits.append(f"{summary['links']} link(s)")
    if summary.get("page_errors"):
        bits.append(f"{summary['page_errors']} page(s) failed to load")
    return bits


# (the pages, their number, (their scenarios, their origins)): labels are asked once per
# row of every table, and each answer depends on all the pages. Pages read back from disk
# (runner/spool.py) are held by a weak reference: the cache must not keep their file open.
_SEEN: list[Any] = [None, -1, (set(), set())]


def _run_facts(report: Report) -> tuple[set[str], set[str]]:
    """The scenarios and origins of the report's pages, found once per report."""
    pages = report.pages
    held = _SEEN[0]() if isinstance(_SEEN[0], weakref.ref) else _SEEN[0]
    if held is not pages or _SEEN[1] != len(pages):
        facts = ({p.scenario for p in pages}, {origin_of(p.url) for p in pages})
        kept = pages if type(pages) is list else weakref.ref(pages)  # a list: no weakref
        _SEEN[:] = [kept, len(pages), facts]
    return _SEEN[2]


def page_label(page: PageVisit, report: Report) -> str:
    """The page URL, with its scenario when the run had more than one."""
    scenarios, _ = _run_facts(report)
    return f"{page.url} [{page.scenario}]" if len(scenarios) > 1 else page.url


def short_label(page: PageVisit, report: Report) -> str:
    """`/checkout/ [reject]` instead of the whole URL when every page is on one origin."""
    _, origins = _run_facts(report)
    label = page_label(page, report)
    if len(origins) == 1:
        return label[len(origin_of(page.url)) :] or "/"
    return label


def finding_place(finding: Finding, report: Report) -> str:
    scenarios, _ = _run_facts(report)
    scenario = finding.location.get("scenario")
    if len(scenarios) > 1 and scenario:
        return f"{finding.url} [{scenario}]"
    return finding.url or "(site)"


@dataclass
class FindingGroup:
    """One finding, and every consent scenario it was met in (the same rule and message)."""

    finding: Finding
    scenarios: list[str] = field(default_factory=list)
    members: list[Finding] = field(default_factory=list)

    def place(self, report: Report) -> str:
        if len(self.scenarios) <= 1:
            return finding_place(self.finding, report)
        return f"{self.finding.url} [{', '.join(self.scenarios)}]"


def finding_groups(findings: list[Finding], by_place: bool = False) -> list[FindingGroup]:
    """Findings with the same rule, page and message in several scenarios, grouped once;
    `by_place` orders them by page, then scenario (none, accept, reject), keeping the order
    of the findings within one place."""
    groups: dict[tuple[str, str, str, str | None], FindingGroup] = {}
    for finding in findings:
        key = (finding.rule_id, finding.url, finding.message, finding.suppressed)
        group = groups.get(key)
        if group is None:
            group = groups[key] = FindingGroup(finding)
        scenario = finding.location.get("scenario")
        if scenario and scenario not in group.scenarios:
            group.scenarios.append(scenario)
        group.members.append(finding)
    found = list(groups.values())
    if by_place:
        rank = {name: i for i, name in enumerate(SCENARIOS)}
        found.sort(key=lambda g: (g.finding.url, rank.get(next(iter(g.scenarios), ""), -1)))
    return found


def link_verdict(link: LinkResult, report: Report) -> tuple[str, str]:
    """(word, CSS class) of a link as people see it: `ok` only when no error or warning.

    The model's verdict says whether the link works (ok / broken / unverifiable); a link that
    works but loses its utm_* and click ids is not `ok` to a marketer.
    """
    if link.verdict != "ok":
        return link.verdict, link.verdict
    own = findings_by_url(report).get(link.url, [])
    if any(f.severity == "error" and f.category == "stripped-params" for f in own):
        return "params lost", "broken"
    if any(f.severity == "error" for f in own):
        return "problem", "broken"
    if any(f.severity == "warning" for f in own):
        return "warning", "warning"
    return "ok", "ok"


_BY_URL: list[Any] = [None, -1, {}]  # the findings list last indexed, its length, the index


def findings_by_url(report: Report) -> dict[str, list[Finding]]:
    """Counted findings by URL, made once per report (each page and link of a 2,000-page or
    10,000-link report asked the whole list before: quadratic). Read it, never change it."""
    found = report.findings
    if _BY_URL[0] is not found or _BY_URL[1] != len(found):
        index: dict[str, list[Finding]] = {}
        for finding in report.counted_findings():
            index.setdefault(finding.url, []).append(finding)
        _BY_URL[:] = [found, len(found), index]
    return _BY_URL[2]


def shown_params(hit: TagHit, limit: int = 40) -> list[tuple[str, str]]:
    """A hit's decoded params as (name, text) pairs for people: long values shortened,
    secrets and email addresses masked."""
    pairs = []
    for key, value in list((hit.params or {}).items())[:limit]:
        text = value if isinstance(value, str) else repr(value)
        if len(text) > 400:
            text = text[:400]
        text = for_people(f"{key}={text}")[len(str(key)) + 1 :]
        if len(text) > 160:
            text = text[:157] + "…"
        pairs.append((str(key), text))
    return pairs
