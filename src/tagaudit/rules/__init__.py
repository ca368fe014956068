"""The rules engine: YAML rules → findings. Pure over a Report; no browser, no network.

One call for the commands:

    from tagaudit.rules import apply
    apply(report, config)       # loads rules, evaluates, applies disable/severity/ignore,
                                # sets report.findings, report.config["rules"], report.summary

Pieces, for tests and tools: `load_rules(config) -> RuleSet` (reads the built-in rules/,
the config's `rules:` files and compiles its `expect:`), `evaluate(report, ruleset)` (pure),
`read_rule_file(path)`.

Adding a check kind (e.g. the links or consent package):

    # src/tagaudit/consent/checks.py
    from tagaudit.rules.kinds import check_kind

    @check_kind("consent-before-action", required={"provider": str}, optional={"phase": str})
    def before_action(rule, report):
        "Nothing of `provider` fires before the visitor chose."   # first line = kind's doc
        for page in rule.pages(report):          # pages in the rule's scope
            ...
            yield rule.finding("ga4 hit before consent", page.url, page=page,
                               location={"provider": "ga4"}, evidence={...})

  1. register it with `@check_kind(name, required=..., optional=...)` (arg name → accepted
     type(s); the loader rejects unknown/missing/mistyped args with file and line; pass
     `validate=` for deeper checks);
  2. put the module at `tagaudit/<package>/checks.py` and make sure its name is listed in
     `tagaudit.rules.kinds.PLUGIN_MODULES` (links and consent already are);
  3. ship rules using it as YAML under rules/ (each with id, title, category, severity, scope,
     check, args, help, description, examples) and cases under tests/rules/cases/<rule-id>.yaml.

`rule.links(report)` gives the LinkResults in the rule's scope; `tagaudit.rules.kinds` has the
shared helpers (`hit_matches`, `is_delivered`, `request_of`, `delivery_problem`) and
`tagaudit.rules.why.explain_missing` says why an expected hit is missing.
"""

from __future__ import annotations

from tagaudit.rules.engine import RuleSet, apply, evaluate, load_rules, sort_findings
from tagaudit.rules.kinds import CHECK_KINDS, check_kind, load_plugin_kinds
from tagaudit.rules.loader import builtin_rules_dir, read_rule_file
from tagaudit.rules.rule import Rule, Scope, url_matches

__all__ = [
    "CHECK_KINDS",
    "Rule",
    "RuleSet",
    "Scope",
    "apply",
    "builtin_rules_dir",
    "check_kind",
    "evaluate",
    "load_plugin_kinds",
    "load_rules",
    "read_rule_file",
    "sort_findings",
    "url_matches",
]
