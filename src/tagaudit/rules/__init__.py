"""The rules engine: YAML rules → findings. Pure over a Report; no browser, no network.

    from tagaudit.rules import load_rules, evaluate, apply
    ruleset = load_rules(config.rule_options())   # reads rules/ and the user's files
    findings = evaluate(report, ruleset)            # pure
    apply(report, ruleset)                          # findings + ignores + rule descriptions

Pieces: `engine.py` (RuleSet, load_rules, evaluate, apply), `loader.py` (rule files),
`rule.py` (Rule, Scope, matching), `kinds.py` (check kinds and shared hit helpers),
`registry.py` (every kind, joined explicitly), `options.py` (what the user says about rules),
`expectations.py` (`expect:` → rules), `why.py` ("why wasn't it tracked?") and the kinds:
`checks_tags`, `checks_params`, `checks_pii`, `checks_pages`, `checks_links`,
`checks_consent`, `checks_consent_mode`.

Adding a check kind:

    # src/tagaudit/rules/checks_pages.py
    @KINDS.register("page-status", optional={"min_status": int})
    def page_status(rule, report):
        "Pages answer with a success status."    # first line = the kind's doc
        for page in rule.pages(report):          # pages in the rule's scope
            ...
            yield rule.finding("HTTP 500", page.url, page=page, evidence={...})

  1. register it on its module's `KINDS` (arg name → accepted type(s); the loader rejects
     unknown/missing/mistyped args with file and line; pass `validate=` for deeper checks);
     a new checks module is added to registry.py;
  2. ship rules using it as YAML under rules/ (each with id, title, category, severity, scope,
     check, args, help, description, examples) and cases under tests/rules/cases/<rule-id>.yaml.

Names load lazily: importing `tagaudit.rules.options` (the config does) costs nothing more.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "RuleSet": "engine",
    "apply": "engine",
    "evaluate": "engine",
    "load_rules": "engine",
    "sort_findings": "engine",
    "CHECK_KINDS": "registry",
    "Kinds": "kinds",
    "builtin_rules_dir": "loader",
    "read_rule_file": "loader",
    "Rule": "rule",
    "Scope": "rule",
    "url_matches": "rule",
    "Expectation": "options",
    "Ignore": "options",
    "RuleOptions": "options",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'tagaudit.rules' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tagaudit.rules.{_WHERE[name]}"), name)
