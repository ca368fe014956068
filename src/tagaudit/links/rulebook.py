"""Running the built-in link rules (rules/links.yaml) without the rules engine.

The rules engine (`tagaudit.rules.apply`) is the normal path: it loads rules/links.yaml and
calls the kinds registered in links.checks. This module is the fallback the CLI uses when
that engine is not importable: it reads the same YAML and calls the same pure functions, so
findings are identical. Imports yaml, the model and links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tagaudit.links.assess import LINK_CHECKS, Make
from tagaudit.links.hygiene import UTM_CHECKS, case_variants
from tagaudit.model import Finding, LinkResult

_PACKAGE = Path(__file__).resolve().parents[1]
RULE_FILE_CANDIDATES = (
    _PACKAGE.parents[1] / "rules" / "links.yaml",
    _PACKAGE / "_builtin_rules" / "links.yaml",
)


def builtin_link_rules() -> list[dict[str, Any]]:
    """The rule mappings of rules/links.yaml (checkout or installed wheel)."""
    for path in RULE_FILE_CANDIDATES:
        if path.is_file():
            return list(yaml.safe_load(path.read_text(encoding="utf-8"))["rules"])
    return []


def _maker(rule: dict[str, Any], link: LinkResult) -> Make:
    def make(message: str, evidence: dict[str, Any], location: dict[str, Any]) -> Finding:
        return Finding(
            rule_id=rule["id"],
            category=rule["category"],
            severity=rule["severity"],
            message=message,
            url=link.url,
            location=location,
            evidence=evidence,
            help=rule.get("help", ""),
        )

    return make


def evaluate(links: list[LinkResult], rules: list[dict[str, Any]] | None = None) -> list[Finding]:
    """Every finding the link rules produce for `links`, in rule order."""
    checks = {**LINK_CHECKS, **UTM_CHECKS}
    findings: list[Finding] = []
    for rule in builtin_link_rules() if rules is None else rules:
        args = rule.get("args") or {}
        if rule["check"] == "utm-case":
            findings += case_variants(links, lambda link, r=rule: _maker(r, link))
            continue
        for link in links:
            findings += checks[rule["check"]](link, args, _maker(rule, link))
    return findings
