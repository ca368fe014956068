"""SARIF 2.1.0: rules as reportingDescriptors (title, description, help, default level),
findings as results located at the page or link URL, with `partialFingerprints` from
Finding.fingerprint so code-scanning dashboards follow a finding across runs. Suppressed
findings carry an external suppression with the config's reason.

Validated against the OASIS SARIF 2.1.0 JSON schema in a test. Imports only tagaudit.model
and tagaudit.report.common.
"""

from __future__ import annotations

import json
from typing import Any

from tagaudit.model import Finding, Report, RuleInfo
from tagaudit.report.common import rule_catalog

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/tagaudit/tagaudit"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "tagaudit/v1"


def render(report: Report) -> str:
    catalog = rule_catalog(report)
    index = {rule_id: i for i, rule_id in enumerate(catalog)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tagaudit",
                "version": report.tool_version or "0",
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule_id, info) for rule_id, info in catalog.items()],
            }
        },
        "invocations": [_invocation(report)],
        "results": [_result(f, index) for f in report.findings],
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule_id: str, info: RuleInfo) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": info.title or rule_id},
        "help": {"text": info.help or "See `tagaudit rules " + rule_id + "`."},
        "defaultConfiguration": {"level": LEVELS.get(info.severity, "warning")},
        "properties": {"category": info.category, "tags": [info.category]},
    }
    if info.description:
        descriptor["fullDescription"] = {"text": info.description}
    return descriptor


def _invocation(report: Report) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": not report.interrupted}
    if report.started:
        invocation["startTimeUtc"] = report.started
    if report.finished:
        invocation["endTimeUtc"] = report.finished
    return invocation


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "category": finding.category,
            "confidence": finding.confidence,
            "location": finding.location,
            "evidence": finding.evidence,
            "help": finding.help,
        },
    }
    if finding.url:
        result["locations"] = [
            {
                "physicalLocation": {"artifactLocation": {"uri": finding.url}},
                "logicalLocations": [{"name": finding.url, "kind": "resource"}],
            }
        ]
    if finding.suppressed:
        result["suppressions"] = [{"kind": "external", "justification": finding.suppressed}]
    return result
