"""The page pass: per-page rules judge each URL's pages once, and find what they found alone.

Kinds registered `per_page=True` run together in one pass over the pages (rules/engine.py),
each URL's pages read once, so a long run's pages can stay on disk. Their findings must be
exactly those the same rules make when each reads the whole report: checked on every rule
case's report (with its own rule and with all built-in rules), on the sample shop, on the
golden report, and on the sample with its pages shuffled so that one URL's pages are apart.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tagaudit.model import Finding, PageVisit, Report, index_ranges
from tagaudit.model.serial import to_dict
from tagaudit.rules.applicability import applied_pages, describe_all
from tagaudit.rules.engine import RuleSet, evaluate, load_rules, page_units
from tagaudit.rules.kinds import Kinds
from tests.report.report_sample import build_sample
from tests.rules.rule_casefiles import all_cases, load_case_file, rule_of

GOLDEN = Path(__file__).resolve().parents[1] / "report" / "golden" / "report.json"


def _whole(ruleset: RuleSet) -> RuleSet:
    """The same rules, each reading the whole report (no page pass)."""
    kinds = Kinds({name: replace(kind, per_page=False) for name, kind in ruleset.kinds.items()})
    return RuleSet(ruleset.rules, ruleset.disabled, ruleset.ignore, kinds)


def _found(report: Report, ruleset: RuleSet) -> list[dict[str, Any]]:
    errors: list[str] = []
    findings = evaluate(copy.deepcopy(report), ruleset, errors)
    assert not errors
    return [_plain(f) for f in findings]


def _plain(finding: Finding) -> dict[str, Any]:
    return to_dict(finding)


def _same_both_ways(report: Report, ruleset: RuleSet) -> list[dict[str, Any]]:
    paged = _found(report, ruleset)
    assert paged == _found(report, _whole(ruleset))
    return paged


def _reports() -> Iterator[tuple[str, Report]]:
    yield "sample", build_sample()
    yield "golden", Report.from_dict(_golden())
    joined = _all_cases_joined()
    yield "every case's pages", joined
    shuffled = copy.deepcopy(joined)
    random.Random(7).shuffle(shuffled.pages)
    yield "every case's pages, shuffled", shuffled


def _all_cases_joined() -> Report:
    """One report of every rule case's pages (scenarios of one URL, journey steps, pages
    of many kinds), each case's URLs kept apart by a prefix of its own."""
    joined = Report()
    for number, (_, _, case) in enumerate(all_cases()):
        for page in Report.from_dict(case.get("report") or {}).pages:
            page.url = f"https://case{number}.test/{page.url}"
            joined.pages.append(page)
    return joined


def _golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name", ["sample", "golden", "every case's pages", "every case's pages, shuffled"]
)
def test_all_built_in_rules_find_the_same_in_one_pass(name: str) -> None:
    report = dict(_reports())[name]
    assert _same_both_ways(report, load_rules()), "no findings: the comparison proves nothing"


def test_every_rule_case_finds_the_same_in_one_pass() -> None:
    builtin, compared = load_rules(), 0
    for _, path, case in all_cases():
        report = Report.from_dict(case.get("report") or {})
        if not report.pages:
            continue
        _same_both_ways(report, RuleSet([rule_of(load_case_file(path)["rule"])]))
        _same_both_ways(report, builtin)
        compared += 1
    assert compared > 100


def test_the_shuffled_report_has_urls_whose_pages_are_apart() -> None:
    """The shuffled report tests grouping only if some URL's pages are not side by side."""
    shuffled = dict(_reports())["every case's pages, shuffled"]
    units = page_units(shuffled.pages)
    assert any(unit != list(range(unit[0], unit[0] + len(unit))) for unit in units)


class CountingPages(Sequence[PageVisit]):
    """Pages that count each read, and give their URLs without one (as pages on disk do)."""

    def __init__(self, pages: list[PageVisit]) -> None:
        self.pages, self.reads = pages, 0
        self.urls = [page.url for page in pages]

    def __len__(self) -> int:
        return len(self.pages)

    def __getitem__(self, index: Any) -> Any:
        self.reads += 1
        return self.pages[index]


def test_the_pass_reads_each_page_once() -> None:
    report = build_sample()
    ruleset = load_rules()
    per_page = [r for r in ruleset.rules if ruleset.kinds[r.check].per_page]
    pages = CountingPages(report.pages)
    report.pages = pages  # type: ignore[assignment]
    findings = evaluate(report, RuleSet(per_page, kinds=ruleset.kinds))
    assert findings and pages.reads == len(pages)


def test_a_rule_that_crashes_on_one_page_keeps_what_it_found_and_the_others_go_on() -> None:
    report = build_sample()
    ruleset = load_rules()
    failing_on = report.pages[-1].url

    def crash_on_last(rule, view):
        for page in view.pages:
            if page.url == failing_on:
                raise RuntimeError("boom")
            yield rule.finding("seen", page.url, page=page)

    kinds = Kinds(ruleset.kinds)
    kinds.register("crash-on-last", per_page=True)(crash_on_last)
    rule = replace(ruleset.rules[0], id="crashy", check="crash-on-last", args={})
    errors: list[str] = []
    findings = evaluate(report, RuleSet([*ruleset.rules, rule], kinds=kinds), errors)
    seen = {f.url for f in findings if f.rule_id == "crashy"}
    assert errors == ["rule crashy (check crash-on-last) failed: RuntimeError('boom')"]
    assert seen == {p.url for p in report.pages} - {failing_on} and seen
    assert {f.rule_id for f in findings} - {"crashy"}, "the other rules went on"


@pytest.mark.parametrize(
    "name", ["sample", "golden", "every case's pages", "every case's pages, shuffled"]
)
def test_rule_descriptions_from_one_pass_name_the_pages_each_rule_looked_at(name: str) -> None:
    """describe_all reads each page once for all rules; each rule's pages and skipped
    pages are those applied_pages finds for it alone."""
    report = dict(_reports())[name]
    rules = load_rules().enabled()
    infos = describe_all(rules, report, {})
    assert set(infos) == {r.id for r in rules}
    looked = 0
    for rule in rules:
        applied = applied_pages(rule, report)
        assert infos[rule.id].pages == index_ranges(applied), rule.id
        skipped = index_ranges(applied_pages(rule, report, "skipped")) or None
        assert infos[rule.id].skipped == skipped, rule.id
        looked += len(applied)
    assert looked, "no rule looked at a page: the comparison proves nothing"


def test_errors_are_said_in_the_rules_order_whichever_pass_ran_them() -> None:
    """A per-page rule listed before a whole-report rule: its error comes first, as when
    every rule read the whole report in turn."""
    report = build_sample()
    ruleset = load_rules()

    def crash(rule, view):
        raise RuntimeError(rule.id)
        yield  # a generator, as checks are

    kinds = Kinds(ruleset.kinds)
    kinds.register("crash-per-page", per_page=True)(crash)
    kinds.register("crash-whole")(crash)
    first = replace(ruleset.rules[0], id="first", check="crash-per-page", args={})
    second = replace(ruleset.rules[0], id="second", check="crash-whole", args={})
    errors: list[str] = []
    evaluate(report, RuleSet([first, second], kinds=kinds), errors)
    assert errors == [
        "rule first (check crash-per-page) failed: RuntimeError('first')",
        "rule second (check crash-whole) failed: RuntimeError('second')",
    ]
