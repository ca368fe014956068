"""The engine: load the rule set, apply the user's selections, evaluate, suppress, summarise.

`load_rules(config)` reads files (built-in, `rules:` / `--rules`, `expect:`); `evaluate(report,
rules)` is pure; `apply(report, config)` does all of it for the audit and links commands.
Imports tagaudit.model, tagaudit.config, tagaudit.errors and tagaudit.rules.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tagaudit.config import Config, Ignore, Where
from tagaudit.errors import ConfigError
from tagaudit.model import SEVERITIES, Finding, Report
from tagaudit.rules.expectations import compile_expectations
from tagaudit.rules.kinds import load_plugin_kinds
from tagaudit.rules.loader import builtin_rule_files, check_args, read_rule_file
from tagaudit.rules.rule import Rule, any_matches


@dataclass
class RuleSet:
    """The rules of one run, in load order; `disabled` keeps the ids turned off by config."""

    rules: list[Rule] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def enabled(self) -> list[Rule]:
        return [r for r in self.rules if r.enabled]

    def add(self, rule: Rule) -> None:
        existing = self.get(rule.id)
        if existing is not None:
            path, _, line = rule.source.rpartition(":")
            raise ConfigError(
                f"rule id {rule.id!r} is already defined at {existing.source}",
                path=path or None,
                line=int(line) if line.isdigit() else None,
                field="id",
            )
        self.rules.append(rule)


def load_rules(config: Config | None = None, extra_files: list[Path] | None = None) -> RuleSet:
    """Built-in rules, then the config's rule files and `extra_files`, then `expect:`."""
    config = config or Config()
    load_plugin_kinds()
    ruleset = RuleSet()
    for path in [*config.rule_files, *(extra_files or [])]:
        if not Path(path).is_file():
            where = str(config.path) if config.path else None
            raise ConfigError(f"rule file not found: {path}", path=where, field="rules")
    for path in [*builtin_rule_files(), *config.rule_files, *(extra_files or [])]:
        for rule in read_rule_file(Path(path)):
            ruleset.add(rule)
    for rule in compile_expectations(config):
        ruleset.add(rule)
    return configure(ruleset, config)


def _selected(selector: str, rule: Rule) -> bool:
    """sqlfluff-style selection: an id, a category, or a glob over ids."""
    return selector in (rule.id, rule.category) or fnmatch.fnmatchcase(rule.id, selector)


def configure(ruleset: RuleSet, config: Config) -> RuleSet:
    """Apply `disable:`, `severity:` and `args:` to the rules; unknown ones are config errors."""
    rules = []
    args = _arg_overrides(ruleset, config)
    for selector in [*config.disable, *config.severity]:
        if not any(_selected(selector, r) for r in ruleset.rules):
            raise ConfigError(
                f"{selector!r} matches no rule id or category (see `tagaudit rules`)",
                path=str(config.path) if config.path else None,
                field="disable" if selector in config.disable else "severity",
            )
    for rule in ruleset.rules:
        rule = replace(rule, args=args.get(rule.id, rule.args))
        if any(_selected(s, rule) for s in config.disable):
            rule.enabled = False
        for selector, level in config.severity.items():
            if _selected(selector, rule) and level == "off":
                rule.enabled = False
            elif _selected(selector, rule):
                rule.severity = level
        rules.append(rule)
    return RuleSet(rules, [r.id for r in rules if not r.enabled])


def _arg_overrides(ruleset: RuleSet, config: Config) -> dict[str, dict[str, Any]]:
    """`args:` of tagaudit.yaml, checked like a rule file's and merged over the rule's own."""
    if not config.args:
        return {}
    by_id = {rule.id: rule for rule in ruleset.rules}
    kinds = load_plugin_kinds()
    where = Where(config.path, config.raw.get("args") or config.args, "args")
    merged = {}
    for rule_id, overrides in config.args.items():
        if rule_id not in by_id:
            where.fail(rule_id, f"{rule_id!r} is no rule id (see `tagaudit rules`)")
        rule = by_id[rule_id]
        inner = Where(config.path, overrides, f"args.{rule_id}")
        merged[rule_id] = check_args(inner, kinds[rule.check], base=rule.args)
    return merged


def evaluate(
    report: Report, rules: RuleSet | Config, errors: list[str] | None = None
) -> list[Finding]:
    """Every finding of the enabled rules on `report`, sorted; pure given a RuleSet.

    Passing a Config instead loads its rule set first (which reads the rule files). A check
    that crashes must not cost the whole report: with `errors` given, its failure is noted
    there ("rule X (check Y) failed: ...") and the other rules still run; without, it raises.
    """
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    kinds = load_plugin_kinds()
    findings: list[Finding] = []
    for rule in ruleset.enabled():
        try:
            findings.extend(kinds[rule.check].func(rule, report))
        except Exception as problem:
            if errors is None:
                raise
            errors.append(f"rule {rule.id} (check {rule.check}) failed: {problem!r}")
    return sort_findings(findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Worst first, then by page and rule: the order every reporter shows."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.url, f.rule_id))


def suppress(findings: list[Finding], ignores: list[Ignore]) -> None:
    """Mark findings the config accepts (still reported, never counted for the exit code)."""
    for finding in findings:
        for ignore in ignores:
            if ignore.fingerprint and ignore.fingerprint != finding.fingerprint:
                continue
            if ignore.rule and not fnmatch.fnmatchcase(finding.rule_id, ignore.rule):
                continue
            if ignore.on and not any_matches(ignore.on, finding.url):
                continue
            finding.suppressed = f"ignored in config: {ignore.reason}"
            break


def apply(
    report: Report,
    config: Config,
    extra_files: list[Path] | None = None,
    ruleset: RuleSet | None = None,
) -> None:
    """Load and evaluate the rules on `report`; set its findings, rule catalog and summary.

    Pass a `ruleset` loaded before a long crawl (`load_rules(config)`) so a typo in a rule
    file fails in the first second, not after the crawl. Findings already on the report
    (e.g. a crawler's record of an interrupted run) are kept unless a rule produced one with
    the same fingerprint.
    """
    ruleset = ruleset or load_rules(config, extra_files)
    errors: list[str] = []
    findings = evaluate(report, ruleset, errors)
    produced = {f.fingerprint for f in findings}
    findings += [f for f in report.findings if f.fingerprint not in produced]
    suppress(findings, config.ignore)
    report.findings = sort_findings(findings)
    report.config = dict(report.config or {})
    report.config["rules"] = {r.id: r.summary() for r in ruleset.enabled()}
    if ruleset.disabled:
        report.config["disabled_rules"] = list(ruleset.disabled)
    if errors:
        report.config["rule_errors"] = errors
    report.summarize()
