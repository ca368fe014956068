"""What GitHub code scanning requires of an uploaded SARIF file, as a checker for the tests.

From GitHub's documentation, "SARIF support for code scanning" (docs.github.com/en/
code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning) and its
limits table: required properties (no empty strings), at most 20 runs per file, 25,000
results and 25,000 rules per run, 1,000 locations per result (10 are read), 20 tags per rule,
names of at most 255 and descriptions of at most 1,024 characters, 10 MB gzipped; a result
needs a location in a file (a relative path, or a `file://` URI: "URI scheme https did not
match the checkout URI scheme file" is the rejection this checker exists for) with a start
line, and `partialFingerprints` (code scanning reads `primaryLocationLineHash`).
"""

from __future__ import annotations

import gzip
import json
from typing import Any
from urllib.parse import urlsplit

LIMITS = {"runs": 20, "results": 25_000, "rules": 25_000, "locations": 1_000, "tags": 20}
MAX_GZIPPED = 10 * 1024 * 1024


def github_problems(document: dict[str, Any]) -> list[str]:
    """Every way `document` would be rejected or mis-shown by code scanning ([] = none)."""
    problems: list[str] = []
    size = len(gzip.compress(json.dumps(document).encode()))
    if size > MAX_GZIPPED:
        problems.append(f"{size} bytes gzipped (limit 10 MB)")
    if not document.get("$schema") or document.get("version") != "2.1.0":
        problems.append("$schema and version 2.1.0 are required")
    runs = document.get("runs")
    if not isinstance(runs, list) or not runs or len(runs) > LIMITS["runs"]:
        problems.append("runs: 1 to 20 runs")
        return problems
    for run in runs:
        problems += _run_problems(run)
    return problems


def _text(value: Any, where: str, limit: int | None = None) -> list[str]:
    text = value.get("text") if isinstance(value, dict) else value
    if not isinstance(text, str) or not text.strip():
        return [f"{where}: required, non-empty"]
    if limit is not None and len(text) > limit:
        return [f"{where}: {len(text)} characters (limit {limit})"]
    return []


def _run_problems(run: dict[str, Any]) -> list[str]:
    driver = (run.get("tool") or {}).get("driver") or {}
    problems = _text(driver.get("name"), "tool.driver.name")
    rules = driver.get("rules")
    if not isinstance(rules, list) or len(rules) > LIMITS["rules"]:
        return [*problems, "tool.driver.rules: a list of at most 25,000 rules"]
    for rule in rules:
        where = f"rule {rule.get('id')}"
        problems += _text(rule.get("id"), f"{where}.id")
        problems += _text(rule.get("name", "x"), f"{where}.name", 255)
        problems += _text(rule.get("shortDescription"), f"{where}.shortDescription", 1024)
        problems += _text(rule.get("fullDescription"), f"{where}.fullDescription", 1024)
        problems += _text(rule.get("help"), f"{where}.help")
        if len((rule.get("properties") or {}).get("tags") or []) > LIMITS["tags"]:
            problems.append(f"{where}: more than 20 tags")
    results = run.get("results")
    if not isinstance(results, list) or len(results) > LIMITS["results"]:
        return [*problems, "results: a list of at most 25,000 results"]
    for number, result in enumerate(results):
        problems += _result_problems(result, f"result {number} ({result.get('ruleId')})")
    return problems


def _result_problems(result: dict[str, Any], where: str) -> list[str]:
    problems = _text(result.get("message"), f"{where}.message")
    if not (result.get("partialFingerprints") or {}).get("primaryLocationLineHash"):
        problems.append(f"{where}: partialFingerprints.primaryLocationLineHash missing")
    locations = result.get("locations")
    if not isinstance(locations, list) or not 1 <= len(locations) <= LIMITS["locations"]:
        return [*problems, f"{where}: needs 1 to 1,000 locations"]
    physical = locations[0].get("physicalLocation") or {}
    uri = (physical.get("artifactLocation") or {}).get("uri")
    if not isinstance(uri, str) or not uri:
        problems.append(f"{where}: physicalLocation.artifactLocation.uri is required")
    elif urlsplit(uri).scheme not in ("", "file"):
        problems.append(f"{where}: uri {uri!r} is not a file of the checkout")
    line = (physical.get("region") or {}).get("startLine")
    if not isinstance(line, int) or line < 1:
        problems.append(f"{where}: region.startLine is required")
    return problems
