"""JUnit XML: one testsuite per page (per scenario), per journey step and per followed link,
one testcase per rule that applied there; a finding at or above `--fail-on` is a <failure>,
a suppressed one a <skipped>, findings below the threshold are listed in <system-out>.

CI systems (GitLab, Jenkins, Azure, GitHub test reporters) then show "rule X on page Y" and
keep its history, so names stay the same from run to run: a page is its path without the
query (`/checkout/thank-you/`, never `…?order=A-10002`), a journey step `journey checkout /
cart`, an expectation the YAML that declared it (`expect event ga4:purchase on
/checkout/thank-you*`, not `expect-1`). A rule is listed only where it applied (the rules
engine records that on each RuleInfo: consent rules on consent scenario visits, link rules
on links, journey rules on journey steps, a purchase rule where a purchase was sent, a rule
scoped to `/checkout/*` on checkout pages), so a run shows no "passes" of rules that had
nothing to check. A journey step that failed, and the steps after it, list the rules meant
for them as <skipped> ("step failed: its expectations were not checked"), never as passed.
Times are real: a suite's is the page's capture time (or the link's hops), a test case's
the rule's evaluation time shared over the targets it read, the whole run's from start to
finish.

Text from pages (console errors, URLs, parameter values) may hold characters XML 1.0 cannot
carry at all (U+0000–U+001F but tab, line feed and carriage return; lone surrogates;
U+FFFE/U+FFFF): they are written as visible `\\x01` escapes, so the file always parses.
The output follows schemas/junit.xsd (a test validates it). Imports only tagaudit.model and
tagaudit.report.common; XML via the standard library.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from tagaudit.model import LINK_CATEGORIES, Finding, Report, RuleInfo, fails, parse_ranges
from tagaudit.model.urls import origin_of
from tagaudit.report.common import rule_catalog

# The rule whose test case stands for a journey step itself (rules/journeys.yaml).
JOURNEY_RULE = "journey-step-failed"
SKIPPED = "the visit did not reach the state this rule needs: not checked"

# Characters XML 1.0 does not allow (§2.2 Char), as a class for re.sub.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Suite:
    """One page (in one scenario), journey step or link: the rules that applied, the ones
    skipped there, and its findings."""

    name: str
    classname: str
    seconds: float = 0.0
    rules: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    # Rules meant for this target that were not checked (a failed or skipped journey step),
    # with the reason: listed as skipped test cases.
    skipped: dict[str, str] = field(default_factory=dict)

    def findings_of(self, rule_id: str) -> list[Finding]:
        return [f for f in self.findings if f.rule_id == rule_id]


def render(report: Report, fail_on: str = "error") -> str:
    catalog = rule_catalog(report)
    suites = _suites(report, catalog)
    shares = _seconds_per_target(catalog)
    root = ET.Element("testsuites", name="tagaudit")
    for suite in suites:
        _suite(root, suite, fail_on, catalog, shares, report.started)
    _totals(root, _run_seconds(report, suites))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids: each becomes a visible `\\xNN`."""
    return NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _suites(report: Report, catalog: dict[str, RuleInfo]) -> list[Suite]:
    """A suite per page, journey step and link, with its rules and findings; the rest in a
    `site` suite. Suite names are stable across runs (see `page_names`)."""
    names = page_names(report)
    pages = [
        Suite(name, name, _page_seconds(p.timings))
        for p, name in zip(report.pages, names, strict=True)
    ]
    steps = _step_suites(report, pages)
    links = [Suite(f"link {k.url}", k.url, sum(h.elapsed for h in k.hops)) for k in report.links]
    _add_rules(pages, links, catalog)
    _add_skipped(report, pages, steps, catalog)
    rest = _place_findings(report, pages, steps, links)
    shown = [s for p, s in zip(report.pages, pages, strict=True) if p.journey is None]
    suites = [*shown, *_unique(steps.values()), *links]
    if rest:
        suites.append(Suite("site", "site", rules={f.rule_id for f in rest}, findings=rest))
    return [s for s in suites if s.rules or s.findings or s.skipped]


def page_names(report: Report) -> list[str]:
    """A name per page that stays the same from run to run: the path (the origin too when
    the run saw several), without the query (order ids, cache-busters), with the scenario
    when the run had several; a journey step is `journey NAME / STEP`. Two pages that
    would share a name are told apart by a number (`/search (2)`)."""
    origins = {origin_of(p.url) for p in report.pages if p.journey is None}
    several = len({p.scenario for p in report.pages}) > 1
    names, seen = [], Counter[str]()
    for page in report.pages:
        if page.journey is not None:
            name = f"journey {page.journey} / {page.step}"
        else:
            bare = page.url.split("#", 1)[0].split("?", 1)[0]
            name = bare if len(origins) > 1 else (bare[len(origin_of(bare)) :] or "/")
        if several and page.journey is None:
            name += f" [{page.scenario}]"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def _step_suites(report: Report, pages: list[Suite]) -> dict[tuple[str, str], Suite]:
    """One suite per journey step, in the journey's order (its visit's suite when it ran)."""
    by_step = {
        (p.journey, p.step): suite
        for p, suite in zip(report.pages, pages, strict=True)
        if p.journey is not None and p.step is not None
    }
    steps: dict[tuple[str, str], Suite] = {}
    for journey in report.journeys:
        for step in journey.steps:
            key = (journey.name, step.name)
            name = f"journey {journey.name} / {step.name}"
            steps[key] = by_step.get(key) or Suite(name, name, step.duration_ms / 1000)
    for key, suite in by_step.items():
        steps.setdefault(key, suite)  # (a journey the report no longer describes)
    return steps


def _unique(suites: Iterable[Suite]) -> list[Suite]:
    return list({id(s): s for s in suites}.values())


def _add_skipped(
    report: Report,
    pages: list[Suite],
    steps: dict[tuple[str, str], Suite],
    catalog: dict[str, RuleInfo],
) -> None:
    """Rules that were meant for a failed journey step, or for a step that never ran: their
    test cases are skipped, with the reason, never passed."""
    reasons = _step_reasons(report)
    for rule_id, info in catalog.items():
        for index in parse_ranges(info.skipped or ""):
            if index < len(pages):
                page = report.pages[index]
                reason = reasons.get((page.journey or "", page.step or ""), SKIPPED)
                pages[index].skipped[rule_id] = reason
        for named in info.skipped_steps:
            journey, _, step = named.partition("/")
            suite = steps.get((journey, step))
            if suite is not None:
                suite.skipped[rule_id] = reasons.get((journey, step), SKIPPED)
    for (journey, step), suite in steps.items():
        if (journey, step) in reasons and not suite.findings_of(JOURNEY_RULE):
            suite.skipped.setdefault(JOURNEY_RULE, reasons[(journey, step)])


def _step_reasons(report: Report) -> dict[tuple[str, str], str]:
    """Why each failed or skipped step's expectations were not checked."""
    reasons = {}
    for journey in report.journeys:
        failed = journey.failed_step()
        for step in journey.steps:
            if step.status == "failed":
                reasons[(journey.name, step.name)] = (
                    "step failed: its expectations were not checked"
                )
            elif step.status == "skipped":
                after = f" after step {failed.name} failed" if failed else ""
                reasons[(journey.name, step.name)] = f"step not run{after}: not checked"
    return reasons


def _add_rules(pages: list[Suite], links: list[Suite], catalog: dict[str, RuleInfo]) -> None:
    for rule_id, info in catalog.items():
        if info.pages is None and info.links is None:  # an older report: by category
            targets = links if info.category in LINK_CATEGORIES else pages
            for suite in targets:
                suite.rules.add(rule_id)
            continue
        for index in parse_ranges(info.pages or ""):
            if index < len(pages):
                pages[index].rules.add(rule_id)
        for index in parse_ranges(info.links or ""):
            if index < len(links):
                links[index].rules.add(rule_id)


def _place_findings(
    report: Report,
    pages: list[Suite],
    steps: dict[tuple[str, str], Suite],
    links: list[Suite],
) -> list[Finding]:
    """Give each finding to its journey step, page (same URL and scenario) or link; return
    the rest."""
    by_page: dict[tuple[str, str], Suite] = {}
    for page, suite in zip(report.pages, pages, strict=True):
        if page.journey is None:
            by_page.setdefault((page.url, page.scenario), suite)
    by_link: dict[str, Suite] = {}
    for link, suite in zip(report.links, links, strict=True):
        by_link.setdefault(link.url, suite)
    scenario_of = {p.url: p.scenario for p in reversed(report.pages)}  # the first one wins
    rest = []
    for finding in report.findings:
        where = finding.location
        scenario = where.get("scenario") or scenario_of.get(finding.url, "none")
        suite = steps.get((str(where.get("journey")), str(where.get("step"))))
        suite = suite or by_page.get((finding.url, scenario)) or by_link.get(finding.url)
        if suite is None:
            rest.append(finding)
        else:
            suite.findings.append(finding)
    return rest


def _suite(
    root: ET.Element,
    suite: Suite,
    fail_on: str,
    catalog: dict[str, RuleInfo],
    shares: dict[str, float],
    started: str,
) -> None:
    element = ET.SubElement(root, "testsuite", name=xml_safe(suite.name))
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in suite.findings:
        by_rule[finding.rule_id].append(finding)
    for rule_id in sorted(suite.rules | set(by_rule) | set(suite.skipped)):
        seconds = _time(shares.get(rule_id, 0.0), digits=6)
        info = catalog.get(rule_id)
        name = (info.name if info is not None and info.name else "") or rule_id
        attrs = {"name": xml_safe(name), "classname": xml_safe(suite.classname), "time": seconds}
        case = ET.SubElement(element, "testcase", attrs)
        if rule_id in suite.skipped and rule_id not in by_rule:
            ET.SubElement(case, "skipped", message=xml_safe(suite.skipped[rule_id]))
            continue
        category = info.category if info is not None else ""
        _outcome(case, by_rule.get(rule_id, []), fail_on, category)
    counts = _count(element)
    element.attrib.update({k: str(v) for k, v in counts.items()})
    element.attrib.update({"errors": "0", "time": _time(suite.seconds)})
    if started:
        element.set("timestamp", started)


def _outcome(case: ET.Element, mine: list[Finding], fail_on: str, category: str) -> None:
    failing = [f for f in mine if fails(f, fail_on)]
    if failing:
        failure = ET.SubElement(
            case, "failure", message=xml_safe(failing[0].message), type=category
        )
        failure.text = xml_safe("\n".join(_describe(f) for f in failing))
    elif mine and all(f.suppressed for f in mine):
        ET.SubElement(case, "skipped", message=xml_safe(mine[0].suppressed or "suppressed"))
    elif mine:
        ET.SubElement(case, "system-out").text = xml_safe("\n".join(_describe(f) for f in mine))


def _describe(finding: Finding) -> str:
    lines = [f"[{finding.severity}] {finding.message}"]
    if finding.help:
        lines.append(f"fix: {finding.help}")
    lines.append(f"fingerprint: {finding.fingerprint}")
    return "\n".join(lines)


def _page_seconds(timings: dict[str, float]) -> float:
    return float(timings.get("total_ms") or timings.get("load_ms") or 0.0) / 1000


def _seconds_per_target(catalog: dict[str, RuleInfo]) -> dict[str, float]:
    """Each rule's evaluation time shared over the pages and links it read."""
    shares = {}
    for rule_id, info in catalog.items():
        targets = len(parse_ranges(info.pages or "")) + len(parse_ranges(info.links or ""))
        shares[rule_id] = (info.seconds or 0.0) / max(targets, 1)
    return shares


def _run_seconds(report: Report, suites: list[Suite]) -> float:
    """From the run's start to its end when both are known, else the suites' sum."""
    try:
        began = dt.datetime.fromisoformat(report.started)
        ended = dt.datetime.fromisoformat(report.finished)
        return max((ended - began).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return sum(s.seconds for s in suites)


def _time(seconds: float, digits: int = 3) -> str:
    return f"{max(seconds, 0.0):.{digits}f}"


def _count(element: ET.Element) -> dict[str, int]:
    cases = element.findall(".//testcase")
    return {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }


def _totals(root: ET.Element, seconds: float) -> None:
    counts = _count(root)
    root.attrib.update({k: str(v) for k, v in counts.items()})
    root.attrib.update({"errors": "0", "time": _time(seconds)})
