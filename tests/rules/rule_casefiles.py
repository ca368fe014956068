"""Rule cases as data: named report fragments with the exact findings expected.

A case file names a rule (`rule: <built-in id>`) or defines one inline (`rule: {id, check,
args, ...}`), then lists `cases`, each a `report` fragment (Report.from_dict input) and the
`findings` expected, strictly both ways. An expected finding gives `url` and any of
`severity`, `category`, `confidence`, `message` (exact), `message_has` (substring),
`location` and `evidence` (subsets).

Case files live in tests/rules/cases/<group>/*.yaml: builtin, capture and kinds, and the
rules of links, consent, journeys and baselines.
"""

from __future__ import annotations

import copy
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from tagaudit.model import Finding, Report
from tagaudit.rules.engine import RuleSet, load_rules
from tagaudit.rules.loader import parse_rule
from tagaudit.rules.registry import CHECK_KINDS
from tagaudit.rules.rule import Rule
from tagaudit.yamlfile import Where

TESTS = Path(__file__).resolve().parents[1]


def case_files() -> list[Path]:
    return sorted(TESTS.glob("rules/cases/**/*.yaml"))


def load_case_file(path: Path) -> dict[str, Any]:
    """The case file as data: a fresh copy, so a test may change it (each file is parsed
    once per session: the meta-tests read all 66 files once per rule and per check kind,
    which was about 25 s of YAML parsing)."""
    return copy.deepcopy(_parsed(path))


@cache
def _parsed(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def builtin_rules() -> RuleSet:
    return load_rules()


def rule_of(spec: Any) -> Rule:
    """The rule a case file is about: a built-in by id, or an inline definition."""
    if isinstance(spec, str):
        rule = builtin_rules().get(spec)
        assert rule is not None, f"no built-in rule {spec!r}"
        return rule
    defaults = {"title": "inline test rule", "help": "fix it", "severity": "error"}
    return parse_rule(Where("inline", {**defaults, **spec}), CHECK_KINDS)


def all_cases() -> list[tuple[str, Path, dict[str, Any]]]:
    cases = []
    for path in case_files():
        for case in load_case_file(path)["cases"]:
            cases.append((f"{path.stem}: {case['name']}", path, case))
    return cases


def run_case(path: Path, case: dict[str, Any]) -> list[Finding]:
    from tagaudit.rules.engine import evaluate

    rule = rule_of(load_case_file(path)["rule"])
    report = Report.from_dict(case.get("report") or {})
    return evaluate(report, RuleSet([rule]))


def matches(expected: dict[str, Any], finding: Finding) -> bool:
    for key, want in expected.items():
        if key == "message_has":
            if want not in finding.message:
                return False
        elif key in ("location", "evidence"):
            have = getattr(finding, key)
            if any(have.get(k) != v for k, v in want.items()):
                return False
        elif getattr(finding, key) != want:
            return False
    return True


def unmatched(expected: list[dict[str, Any]], findings: list[Finding]) -> tuple[list, list]:
    """(expectations nothing matched, findings no expectation matched), one-to-one."""
    left = list(findings)
    missing = []
    for want in expected:
        hit = next((f for f in left if matches(want, f)), None)
        if hit is None:
            missing.append(want)
        else:
            left.remove(hit)
    return missing, left
