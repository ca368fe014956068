"""Meta-tests: every built-in rule is documented and has passing and failing cases; every
built-in check kind is exercised by cases; the rule options load without the engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tagaudit.rules.registry import CHECK_KINDS
from tagaudit.rules.rule import Rule
from tests.rules.rule_casefiles import builtin_rules, case_files, load_case_file

BUILTIN = builtin_rules().rules


def _enforce(rule: Rule, problem: str | None) -> None:
    """Every shipped rule file (tags, links, consent …) is held to the same bar."""
    if problem is not None:
        pytest.fail(f"{problem} (rule shipped in {rule.source.rsplit(':', 1)[0]})")


def _cases_for(rule_id: str) -> list[dict]:
    cases = []
    for path in case_files():
        data = load_case_file(path)
        spec = data["rule"]
        if spec == rule_id:
            cases.extend(data["cases"])
    return cases


def _cases_for_kind(kind: str) -> list[dict]:
    rules = {r.id: r.check for r in BUILTIN}
    cases = []
    for path in case_files():
        data = load_case_file(path)
        spec = data["rule"]
        check = spec.get("check") if isinstance(spec, dict) else rules.get(spec)
        if check == kind:
            cases.extend(data["cases"])
    return cases


@pytest.mark.parametrize("rule", BUILTIN, ids=[r.id for r in BUILTIN])
def test_builtin_rule_is_documented(rule: Rule) -> None:
    assert rule.title and "\n" not in rule.title
    assert rule.help or rule.severity == "info", f"{rule.id}: say how to fix it"
    assert "\n" not in rule.help
    if len(rule.description) <= 40:
        _enforce(rule, f"{rule.id}: describe what it checks and why")
    if not (rule.examples.get("bad") and rule.examples.get("good")):
        _enforce(rule, f"{rule.id}: needs bad and good examples")


@pytest.mark.parametrize("rule", BUILTIN, ids=[r.id for r in BUILTIN])
def test_builtin_rule_has_passing_and_failing_cases(rule: Rule) -> None:
    cases = _cases_for(rule.id)
    if not any(not c.get("findings") for c in cases):
        _enforce(rule, f"{rule.id}: needs a case with no finding")
    if not any(c.get("findings") for c in cases):
        _enforce(rule, f"{rule.id}: needs a case with findings")


def test_every_builtin_check_kind_has_cases() -> None:
    assert len(CHECK_KINDS) >= 8
    for kind in CHECK_KINDS.values():
        cases = _cases_for_kind(kind.name)
        assert any(not c.get("findings") for c in cases), f"{kind.name}: needs a passing case"
        assert any(c.get("findings") for c in cases), f"{kind.name}: needs a failing case"
        assert kind.doc, f"{kind.name}: the function's docstring is the kind's description"


def test_case_names_are_unique_per_file() -> None:
    for path in case_files():
        names = [c["name"] for c in load_case_file(path)["cases"]]
        assert len(names) == len(set(names)), path


def test_the_rule_options_load_without_the_engine() -> None:
    """The config reads tagaudit.rules.options; the package exports nothing that would pull
    in the engine and every check kind with it (about 60 ms of every config load)."""
    probe = (
        "import sys, tagaudit.rules.options; "
        "print(sorted(m for m in sys.modules if m.startswith('tagaudit.rules.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['tagaudit.rules.options']"
