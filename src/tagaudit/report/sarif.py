"""SARIF 2.1.0 that GitHub code scanning accepts as it is: rules as reportingDescriptors,
findings as results located in a file of the repository, the page URL in the message and
the properties.

Code scanning locates every alert in a file of the checkout and rejects a file whose
locations are `https://` URIs ("URI scheme https did not match the checkout URI scheme
file"). A finding is about a web page, so its location is where the audit was told about
it, in this order:

1. the `expect:` entry of tagaudit.yaml that the rule was compiled from (its line);
2. for a finding about a journey (a failed step, a lost click id, a missing tag on a step's
   page), the line of tagaudit.yaml that defines that step (`StepResult.source`), else the
   journey's;
3. the line that declared the page or link: a `pages:` entry, the `crawl.sitemap` setting
   that listed it, the row of a links CSV (`Report.config.declared`);
4. the rule's own file and line (`rules/tags.yaml:3`, or a rule file of the user's).

Paths are relative to the working directory (the checkout, in CI) when they are inside it,
else absolute `file://` URIs (which code scanning keeps as they are). GitHub's documented
upload limits are kept (docs.github.com, "SARIF support for code scanning"): at most
25,000 results per run (the worst first: findings are sorted by severity), descriptions of
at most 1,024 characters and names of at most 255, no empty required strings, a region
with a start line, and `partialFingerprints.primaryLocationLineHash` derived from
Finding.fingerprint, so two findings on the same config line stay two alerts and an alert
follows its finding across runs. Suppressed findings carry an external suppression with
the config's reason; with `--baseline`, results carry `baselineState` (`new` or
`unchanged`; fixed findings are only counted, as results they would open alerts).

Validated against the OASIS SARIF 2.1.0 JSON schema and these limits in tests. Imports only
tagaudit.model and tagaudit.report.common.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from tagaudit.model import LINK_CATEGORIES, Finding, Report, RuleInfo
from tagaudit.report.common import rule_catalog

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/tagaudit/tagaudit"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "tagaudit/v1"
# GitHub code scanning's upload limits and field lengths.
MAX_RESULTS = 25_000
MAX_DESCRIPTION = 1024
MAX_NAME = 255
BASELINE_STATES = {"new": "new", "unchanged": "unchanged"}


def render(report: Report, root: Path | None = None) -> str:
    """The SARIF log of `report`; relative paths are taken from `root` (default: the cwd)."""
    root = (root or Path.cwd()).resolve()
    catalog = rule_catalog(report)
    index = {rule_id: i for i, rule_id in enumerate(catalog)}
    places = Places(report, catalog, root)
    findings = report.findings[:MAX_RESULTS]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tagaudit",
                "version": report.tool_version or "0",
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule_id, info) for rule_id, info in catalog.items()],
            }
        },
        "invocations": [_invocation(report, len(report.findings) - len(findings))],
        "results": [_result(f, index, places) for f in findings],
    }
    properties = _run_properties(report)
    if properties:
        run["properties"] = properties
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class Places:
    """Where each finding is located in the repository (see the module docstring)."""

    def __init__(self, report: Report, catalog: dict[str, RuleInfo], root: Path) -> None:
        self.catalog = catalog
        self.declared = report.config.declared
        self.config_file = report.config.config_file
        self.root = root
        # `journey/step` → where tagaudit.yaml defines that step (the journey, for its start)
        self.steps = {
            f"{journey.name}/{step.name}": step.source or journey.source or ""
            for journey in report.journeys
            for step in journey.steps
        }
        self.journeys = {journey.name: journey.source or "" for journey in report.journeys}

    def of(self, finding: Finding) -> tuple[str, int]:
        """(uri, line) of the file line a finding belongs to."""
        info = self.catalog.get(finding.rule_id)
        rule_source = info.source if info is not None else ""
        if rule_source and self._in_config(rule_source):
            return self._split(rule_source)
        journey = finding.location.get("journey")
        if journey:
            defined = self.steps.get(f"{journey}/{finding.location.get('step')}")
            defined = defined or self.journeys.get(str(journey))
            if defined:
                return self._split(defined)
        declared = self.declared.get(finding.url)
        if declared:
            return self._split(declared)
        if rule_source:
            return self._split(rule_source)
        if self.config_file:
            return self.uri(self.config_file), 1
        return "tagaudit.yaml", 1  # nothing declared anything: name the file that would

    def _in_config(self, source: str) -> bool:
        path = source.rpartition(":")[0]
        return bool(self.config_file) and _same_file(path, self.config_file or "")

    def _split(self, source: str) -> tuple[str, int]:
        path, _, line = source.rpartition(":")
        if not path or not line.isdigit():
            return self.uri(source), 1
        return self.uri(path), max(int(line), 1)

    def uri(self, path: str) -> str:
        """A repository-relative path when `path` is inside the root, else a file URI."""
        candidate = Path(path)
        if not candidate.is_absolute():
            return quote(PurePosixPath(*candidate.parts).as_posix(), safe="/-_.~")
        try:
            relative = candidate.resolve().relative_to(self.root)
        except ValueError:
            return candidate.resolve().as_uri()
        return quote(relative.as_posix(), safe="/-_.~")


def _same_file(a: str, b: str) -> bool:
    return os.path.normpath(os.path.abspath(a)) == os.path.normpath(os.path.abspath(b))


def _text(value: str, fallback: str, limit: int = MAX_DESCRIPTION) -> str:
    """Non-empty text of at most `limit` characters (GitHub refuses empty required strings)."""
    text = (value or "").strip() or fallback
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _descriptor(rule_id: str, info: RuleInfo) -> dict[str, Any]:
    title = _text(info.title, rule_id)
    return {
        "id": rule_id,
        "name": _text(rule_id, rule_id, MAX_NAME),
        "shortDescription": {"text": title},
        "fullDescription": {"text": _text(info.description, title)},
        "help": {"text": _text(info.help, f"See `tagaudit rules {rule_id}`.")},
        "defaultConfiguration": {"level": LEVELS.get(info.severity, "warning")},
        "properties": {"category": info.category, "tags": [info.category]},
    }


def _invocation(report: Report, left_out: int) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": not report.interrupted}
    if report.started:
        invocation["startTimeUtc"] = report.started
    if report.finished:
        invocation["endTimeUtc"] = report.finished
    if left_out:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {
                    "text": f"{left_out} more findings are left out: code scanning accepts "
                    f"at most {MAX_RESULTS} results per run (all are in the JSON report)"
                },
            }
        ]
    return invocation


def _run_properties(report: Report) -> dict[str, Any]:
    baseline = report.baseline
    if baseline is None:
        return {}
    return {"baseline": {"source": baseline.source, "fixed": len(baseline.fixed)}}


def _message(finding: Finding) -> str:
    text = _text(finding.message, finding.rule_id, limit=10**6)
    if not finding.url:
        return text
    what = "link" if finding.category in LINK_CATEGORIES else "page"
    return f"{text} ({what}: {finding.url})"


def _result(finding: Finding, index: dict[str, int], places: Places) -> dict[str, Any]:
    uri, line = places.of(finding)
    properties: dict[str, Any] = {
        "category": finding.category,
        "confidence": finding.confidence,
        "location": finding.location,
        "evidence": finding.evidence,
        "help": finding.help,
    }
    if finding.url:
        properties["url"] = finding.url
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": line},
                }
            }
        ],
        "partialFingerprints": {
            FINGERPRINT_KEY: finding.fingerprint,
            "primaryLocationLineHash": f"{finding.fingerprint}:1",
        },
        "properties": properties,
    }
    if finding.url:
        result["locations"][0]["logicalLocations"] = [
            {"name": finding.url, "fullyQualifiedName": finding.url, "kind": "resource"}
        ]
    state = BASELINE_STATES.get(finding.baseline or "")
    if state:
        result["baselineState"] = state
    if finding.suppressed:
        result["suppressions"] = [{"kind": "external", "justification": finding.suppressed}]
    return result
