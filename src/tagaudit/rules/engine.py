"""The engine: a rule set from files and options, then pure evaluation of a Report.

`load_rules(options)` reads the rule files (built-in, the user's) and compiles `expect:`,
then applies the user's selections (disable, severity, args) — the only part that reads
files. `evaluate(report, ruleset)` is pure: findings from a Report. `apply(report, ruleset)`
puts them on the Report with the ignores applied and the rules described for reporters.
Imports tagaudit.model, tagaudit.errors, tagaudit.yamlfile and tagaudit.rules.
"""

from __future__ import annotations

import copy
import fnmatch
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tagaudit.errors import ConfigError, TagauditError
from tagaudit.model import CATEGORIES, SEVERITIES, Finding, PageVisit, Report
from tagaudit.patterns import PatternTooSlow
from tagaudit.rules.applicability import describe_all
from tagaudit.rules.causes import one_per_cause
from tagaudit.rules.expectations import compile_expectations
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.loader import builtin_rule_files, check_args, read_rule_file
from tagaudit.rules.options import Ignore, RuleOptions
from tagaudit.rules.registry import CHECK_KINDS
from tagaudit.rules.rule import Rule, any_matches
from tagaudit.yamlfile import Where, nearest

# Check kinds that name GA4's channel of a link: they get the run's `links.sources`.
CHANNEL_KINDS = ("utm-channel", "utm-channel-info")
# What one rule may cost, whatever the pages sent (they control what rules read): findings
# on one page, and time for the whole report, measured between its findings. Past either,
# the rule stops there and the report says so (`rule_errors`).
MAX_FINDINGS_PER_PAGE = 1000
RULE_BUDGET_S = 120.0


@dataclass
class RuleSet:
    """The rules of one run, in load order, with the check kinds they run and the ignores.

    `disabled` keeps the ids turned off by the user's options.
    """

    rules: list[Rule] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    ignore: list[Ignore] = field(default_factory=list)
    kinds: Kinds = field(default_factory=lambda: CHECK_KINDS)

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


def load_rules(options: RuleOptions | None = None, kinds: Kinds | None = None) -> RuleSet:
    """Built-in rules, then the user's rule files, then `expect:`; selections applied.

    `kinds` replaces the built-in check kinds (`Kinds.joined(CHECK_KINDS, yours)` adds to
    them): rule files may then use the kinds you registered.
    """
    options = options or RuleOptions()
    ruleset = RuleSet(ignore=list(options.ignore), kinds=kinds or CHECK_KINDS)
    for path in options.files:
        if not Path(path).is_file():
            raise ConfigError(f"rule file not found: {path}", path=options.source, field="rules")
    shipped = builtin_rule_files()
    for path in [*shipped, *options.files]:
        for rule in read_rule_file(Path(path), ruleset.kinds, shipped=path in shipped):
            ruleset.add(rule)
    for rule in compile_expectations(options):
        ruleset.add(rule)
    return configure(ruleset, options)


def _selected(selector: str, rule: Rule) -> bool:
    """sqlfluff-style selection: an id, a category, or a glob over ids."""
    return selector in (rule.id, rule.category) or fnmatch.fnmatchcase(rule.id, selector)


def configure(ruleset: RuleSet, options: RuleOptions) -> RuleSet:
    """Apply `disable:`, `severity:` and `args:` to the rules; unknown ones are config errors."""
    rules = []
    args = _arg_overrides(ruleset, options)
    for selector in [*options.disable, *options.severity]:
        if not any(_selected(selector, r) for r in ruleset.rules):
            guess = nearest(selector, [*(r.id for r in ruleset.rules), *CATEGORIES])
            hint = f", did you mean {guess!r}?" if guess else ""
            raise ConfigError(
                f"{selector!r} matches no rule id or category{hint} (see `tagaudit rules`)",
                path=options.source,
                field="disable" if selector in options.disable else "severity",
            )
    for rule in ruleset.rules:
        rule = replace(rule, args=args.get(rule.id, rule.args))
        if rule.check in CHANNEL_KINDS and options.link_sources:
            rule.args = {**rule.args, "sources": _joined(rule.args, options.link_sources)}
        if any(_selected(s, rule) for s in options.disable):
            rule.enabled = False
        for selector, level in options.severity.items():
            if _selected(selector, rule) and level == "off":
                rule.enabled = False
            elif _selected(selector, rule):
                rule.severity = level
        rules.append(rule)
    disabled = [r.id for r in rules if not r.enabled]
    return RuleSet(rules, disabled, ruleset.ignore, ruleset.kinds)


def _joined(args: dict[str, Any], extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """A channel rule's own `sources` with the run's `links.sources` added."""
    joined = {category: list(names) for category, names in (args.get("sources") or {}).items()}
    for category, names in extra.items():
        joined.setdefault(category, []).extend(names)
    return joined


def _arg_overrides(ruleset: RuleSet, options: RuleOptions) -> dict[str, dict[str, Any]]:
    """`args:` of tagaudit.yaml, checked like a rule file's and merged over the rule's own."""
    if not options.args:
        return {}
    by_id = {rule.id: rule for rule in ruleset.rules}
    where = Where(options.source, options.args, "args")
    merged = {}
    for rule_id, overrides in options.args.items():
        if rule_id not in by_id:
            guess = nearest(rule_id, by_id)
            hint = f", did you mean {guess!r}?" if guess else ""
            where.fail(rule_id, f"{rule_id!r} is no rule id{hint} (see `tagaudit rules`)")
        rule = by_id[rule_id]
        inner = Where(options.source, overrides, f"args.{rule_id}")
        merged[rule_id] = check_args(inner, ruleset.kinds[rule.check], base=rule.args)
    return merged


def evaluate(
    report: Report,
    ruleset: RuleSet,
    errors: list[str] | None = None,
    seconds: dict[str, float] | None = None,
) -> list[Finding]:
    """Every finding of the enabled rules on `report`, sorted. Pure: reads no files.

    A check that crashes must not cost the whole report: with `errors` given, its failure is
    noted there ("rule X (check Y) failed: ...") and the other rules still run; without, it
    raises. Findings of several rules about one root cause on one page are merged into one
    (tagaudit.rules.causes). `seconds`, when given, receives each rule's evaluation time.
    Rules of kinds that judge one link at a time run together in one pass over the links,
    and those that judge one page at a time in one pass over the pages (each read once).
    """
    seconds = seconds if seconds is not None else {}
    found: dict[str, list[tuple[str, Finding]]] = {}  # by rule, in the rules' order
    # Each rule's errors apart, said in the rules' order (None: a crash raises).
    noted: dict[str, list[str] | None] = {}
    per_link: list[Rule] = []
    per_page: list[Rule] = []
    for rule in ruleset.enabled():
        kind = ruleset.kinds[rule.check]
        if kind.per_link is not None:
            per_link.append(rule)
            continue
        found[rule.id], noted[rule.id] = [], None if errors is None else []
        if kind.per_page:
            per_page.append(rule)
            continue
        began, limits = time.perf_counter(), _Limits(rule, noted[rule.id])
        try:
            produced = kind.func(rule, report)
            found[rule.id].extend((rule.check, f) for f in limits.take(produced))
        except Exception as problem:
            _failed(rule, problem, noted[rule.id])
        limits.close()
        seconds[rule.id] = time.perf_counter() - began
    found.update(_page_pass(report, ruleset, per_page, noted, seconds))
    if errors is not None:
        for said in noted.values():
            errors.extend(said or [])
    joined = [item for made in found.values() for item in made]
    joined += _link_pass(report, ruleset, per_link, errors, seconds)
    joined = not_declared_away(joined, ruleset.enabled())
    return sort_findings(one_per_cause(joined))


class _Limits:
    """One rule's findings within MAX_FINDINGS_PER_PAGE and RULE_BUDGET_S over a whole
    report, taken in one part or several (the page pass gives it one URL's pages at a
    time); what was cut is said in `errors` (when given)."""

    def __init__(self, rule: Rule, errors: list[str] | None) -> None:
        self.rule, self.errors = rule, errors
        self.per_page = Counter[str]()
        self.spent = 0.0  # seconds, between its findings, over all parts
        self.stopped = False

    def take(self, produced: Iterable[Finding]) -> Iterator[Finding]:
        began = time.perf_counter()
        try:
            for finding in produced:
                self.per_page[finding.url] += 1
                if self.per_page[finding.url] <= MAX_FINDINGS_PER_PAGE:
                    yield finding
                if self.spent + time.perf_counter() - began > RULE_BUDGET_S:
                    self.stopped = True
                    if self.errors is not None:
                        self.errors.append(
                            f"rule {self.rule.id} stopped after {RULE_BUDGET_S:g} s: "
                            "its findings are incomplete"
                        )
                    break
        finally:
            self.spent += time.perf_counter() - began

    def close(self) -> None:
        over = {url: n for url, n in self.per_page.items() if n > MAX_FINDINGS_PER_PAGE}
        if over and self.errors is not None:
            url, count = max(over.items(), key=lambda item: item[1])
            self.errors.append(
                f"rule {self.rule.id}: {count:,} findings on {url[:200]}, the first "
                f"{MAX_FINDINGS_PER_PAGE:,} kept"
                + (f" (and on {len(over) - 1} more pages)" if len(over) > 1 else "")
            )


def page_units(pages: Sequence[PageVisit]) -> list[list[int]]:
    """The places of `pages` as the page pass reads them: each URL's pages together (a
    page and its scenarios, a journey step at a crawled URL), URLs in their first page's
    order, pages in theirs. A sequence that knows its pages' URLs without reading them (a
    long run's pages on disk, tagaudit.runner.spool) gives them as its `urls`."""
    urls = getattr(pages, "urls", None)
    if urls is None:
        urls = [page.url for page in pages]
    units: dict[str, list[int]] = {}
    for index, url in enumerate(urls):
        units.setdefault(url, []).append(index)
    return list(units.values())


def _page_pass(
    report: Report,
    ruleset: RuleSet,
    rules: list[Rule],
    errors: dict[str, list[str] | None],
    seconds: dict[str, float],
) -> dict[str, list[tuple[str, Finding]]]:
    """The findings of every per-page rule (by rule), from one pass over the pages: each
    URL's pages are read once and judged by every such rule, on a view of the report that
    holds only them. Sorted, the findings are those of each rule on the whole report; its
    limits hold over the whole report; `errors` has each rule's list (None: raise). A rule
    that crashes stops there, its error noted and the findings of the URLs judged before
    kept (on its own, it would keep those of the pages before in the report's order)."""
    found: dict[str, list[tuple[str, Finding]]] = {rule.id: [] for rule in rules}
    every = [
        (rule, ruleset.kinds[rule.check].func, _Limits(rule, errors[rule.id])) for rule in rules
    ]
    active = list(every)
    for rule in rules:
        seconds[rule.id] = 0.0
    pages = report.pages
    for unit in page_units(pages) if active else []:
        view = copy.copy(report)
        view.pages = [pages[index] for index in unit]
        for entry in list(active):
            rule, func, limits = entry
            began = time.perf_counter()
            try:
                found[rule.id].extend((rule.check, f) for f in limits.take(func(rule, view)))
            except Exception as problem:
                _failed(rule, problem, errors[rule.id])
                active.remove(entry)
            else:
                if limits.stopped:
                    active.remove(entry)
            seconds[rule.id] += time.perf_counter() - began
    for _, _, limits in every:
        limits.close()
    return found


def not_declared_away(
    found: list[tuple[str, Finding]], rules: list[Rule]
) -> list[tuple[str, Finding]]:
    """The site-wide inference never blames a page for a tag the user's own `expect:` says
    is not expected there (`not_on`): a Google Ads tag on 7 of 8 pages is no defect on the
    one page the config leaves it out of."""
    declared = [
        (rule.args.get("provider"), rule.args.get("account"), rule.scope)
        for rule in rules
        if rule.check == "tag-present" and rule.scope.exclude and not rule.args.get("event")
    ]

    def away(finding: Finding) -> bool:
        provider, account = finding.location.get("provider"), finding.location.get("account")
        return any(
            want == provider
            and (not base or base == account)
            and any_matches(scope.pages, finding.url)
            and any_matches(scope.exclude, finding.url)
            for want, base, scope in declared
        )

    return [(kind, f) for kind, f in found if not (kind == "tag-inferred" and away(f))]


def _failed(rule: Rule, problem: Exception, errors: list[str] | None) -> None:
    """Note a check that crashed (or raise it, when the caller keeps no errors)."""
    if errors is None:
        raise problem
    why = problem.one_line() if isinstance(problem, TagauditError) else repr(problem)
    errors.append(f"rule {rule.id} (check {rule.check}) failed: {why}")


def _link_pass(
    report: Report,
    ruleset: RuleSet,
    rules: list[Rule],
    errors: list[str] | None,
    seconds: dict[str, float],
) -> list[tuple[str, Finding]]:
    """The findings of every per-link rule, from one pass over the links: each link is
    judged by each rule whose scope covers it. A rule that crashes on one link stops there
    (its error noted, its earlier findings kept), as it would on its own."""
    found: list[tuple[str, Finding]] = []
    active: list[tuple[Rule, Any, set[int] | None]] = []
    for rule in rules:
        seconds[rule.id] = 0.0
        try:  # a scope other than the default is matched once, before the pass
            scope = None if rule.scope.covers_every_link() else set(map(id, rule.links(report)))
        except Exception as problem:
            _failed(rule, problem, errors)
            continue
        active.append((rule, ruleset.kinds[rule.check].per_link, scope))
    clock = time.perf_counter
    for link in report.links:
        crashed = None
        for entry in active:
            rule, judge, scope = entry
            if scope is not None and id(link) not in scope:
                continue
            began = clock()
            try:
                made = list(judge(rule, link))
            except Exception as problem:
                _failed(rule, problem, errors)
                crashed = entry
                made = []
            seconds[rule.id] += clock() - began
            for finding in made:
                found.append((rule.check, finding))
        if crashed is not None:
            active.remove(crashed)
    return found


_SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Worst first, then by page and rule: the order every reporter shows."""
    order = _SEVERITY_ORDER
    return sorted(findings, key=lambda f: (order[f.severity], f.url, f.rule_id))


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


def apply(report: Report, ruleset: RuleSet) -> None:
    """Evaluate `ruleset` on `report`; set its findings, rule descriptions and summary.

    Findings already on the report (a run's own `page-error` records) are kept unless a rule
    produced one with the same fingerprint.
    """
    errors: list[str] = []
    seconds: dict[str, float] = {}
    findings = evaluate(report, ruleset, errors, seconds)
    produced = {f.fingerprint for f in findings}
    findings += [f for f in report.findings if f.fingerprint not in produced]
    try:
        suppress(findings, ruleset.ignore)
    except PatternTooSlow as slow:  # the findings stay, unsuppressed, and the user is told
        errors.append(f"ignore: {slow.one_line()}; findings it should match are not ignored")
    report.findings = sort_findings(findings)
    report.config.rules = describe_all(ruleset.enabled(), report, seconds)
    report.config.disabled_rules = list(ruleset.disabled)
    report.config.rule_errors = errors
    report.summarize()
