"""JUnit XML: one testsuite per page (per scenario) and per followed link, one testcase per
rule that applies there; a finding at or above `--fail-on` is a <failure>, a suppressed one
a <skipped>, findings below the threshold are listed in <system-out>.

CI systems (GitLab, Jenkins, Azure, GitHub test reporters) then show "rule X on page Y".
The output follows schemas/junit.xsd (a test validates it). Imports only tagaudit.model and
tagaudit.report.common; XML via the standard library.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from tagaudit.model import LINK_CATEGORIES, Finding, Report, fails
from tagaudit.report.common import rule_catalog


def render(report: Report, fail_on: str = "error") -> str:
    catalog = rule_catalog(report)
    page_rules = [r for r, info in catalog.items() if info.category not in LINK_CATEGORIES]
    link_rules = [r for r, info in catalog.items() if info.category in LINK_CATEGORIES]
    root = ET.Element("testsuites", name="tagaudit")
    placed: set[int] = set()
    for page in report.pages:
        own = [
            f
            for f in report.findings
            if f.url == page.url and f.location.get("scenario", page.scenario) == page.scenario
        ]
        name = page.url if _single_scenario(report) else f"{page.url} [{page.scenario}]"
        _suite(root, name, page.url, page_rules, own, fail_on, catalog)
        placed.update(id(f) for f in own)
    for link in report.links:
        own = [f for f in report.findings if f.url == link.url and id(f) not in placed]
        _suite(root, f"link {link.url}", link.url, link_rules, own, fail_on, catalog)
        placed.update(id(f) for f in own)
    rest = [f for f in report.findings if id(f) not in placed]
    if rest:
        rules = sorted({f.rule_id for f in rest})
        _suite(root, "site", "site", rules, rest, fail_on, catalog)
    _totals(root)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _single_scenario(report: Report) -> bool:
    return len({p.scenario for p in report.pages}) <= 1


def _suite(
    root: ET.Element,
    name: str,
    classname: str,
    rules: list[str],
    findings: list[Finding],
    fail_on: str,
    catalog: dict[str, dict[str, Any]],
) -> None:
    suite = ET.SubElement(root, "testsuite", name=name)
    for rule_id in sorted(set(rules) | {f.rule_id for f in findings}):
        mine = [f for f in findings if f.rule_id == rule_id]
        case = ET.SubElement(suite, "testcase", name=rule_id, classname=classname, time="0")
        failing = [f for f in mine if fails(f, fail_on)]
        if failing:
            failure = ET.SubElement(
                case, "failure", message=failing[0].message, type=catalog[rule_id].category
            )
            failure.text = "\n".join(_describe(f) for f in failing)
        elif mine and all(f.suppressed for f in mine):
            ET.SubElement(case, "skipped", message=mine[0].suppressed or "suppressed")
        elif mine:
            ET.SubElement(case, "system-out").text = "\n".join(_describe(f) for f in mine)
    counts = _count(suite)
    suite.attrib.update({k: str(v) for k, v in counts.items()} | {"errors": "0", "time": "0"})


def _describe(finding: Finding) -> str:
    lines = [f"[{finding.severity}] {finding.message}"]
    if finding.help:
        lines.append(f"fix: {finding.help}")
    lines.append(f"fingerprint: {finding.fingerprint}")
    return "\n".join(lines)


def _count(element: ET.Element) -> dict[str, int]:
    cases = element.findall(".//testcase")
    return {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }


def _totals(root: ET.Element) -> None:
    counts = _count(root)
    root.attrib.update({k: str(v) for k, v in counts.items()} | {"errors": "0", "time": "0"})
