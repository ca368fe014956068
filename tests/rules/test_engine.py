"""The engine with a user's config: expectations, extra rule files, disable, severity, ignore,
and a check kind plugged in from outside."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tagaudit.config import load_config
from tagaudit.errors import ConfigError
from tagaudit.model import Finding, PageVisit, Report, TagHit
from tagaudit.rules import engine
from tagaudit.rules.engine import RuleSet, apply, evaluate, load_rules
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.options import RuleOptions
from tagaudit.rules.registry import CHECK_KINDS
from tagaudit.rules.rule import Rule


def _shop() -> Report:
    """Four pages with GA4; the thank-you page sends a purchase without currency."""
    pages = [
        PageVisit(
            f"https://shop.test{path}", status=200, hits=[TagHit("ga4", "hit", "G-1", "page_view")]
        )
        for path in ("/", "/p/1", "/cart", "/checkout/thank-you")
    ]
    purchase = TagHit("ga4", "hit", "G-1", "purchase", {"transaction_id": "T1", "value": 5})
    pages[3].hits.append(purchase)
    pages.append(PageVisit("https://shop.test/about", status=200))
    return Report(pages=pages)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(text)
    return path


def _ids(report: Report) -> list[tuple[str, str, str]]:
    return [
        (f.rule_id, f.url.removeprefix("https://shop.test"), f.severity) for f in report.findings
    ]


def test_zero_config(tmp_path: Path) -> None:
    report = _shop()
    apply(report, load_rules())
    assert _ids(report) == [
        ("ga4-purchase-params", "/checkout/thank-you", "error"),
        ("tag-inferred-missing", "/about", "warning"),
    ]
    assert report.summary["findings"] == {"error": 1, "warning": 1, "info": 0}
    assert report.config.rules["ga4-purchase-params"].category == "event-params"


def test_expectations_severity_disable_and_ignore(tmp_path: Path) -> None:
    report = _shop()
    fingerprint = next(iter(_zero_config_findings())).fingerprint
    config = load_config(
        _config(
            tmp_path,
            f"""\
expect:
  - tag: ga4:G-1
    not_on: [/about]
  - event: ga4:purchase
    on: /checkout/thank-you*
    params: [value, currency]
    id: thank-you-purchase
  - tag: meta_pixel
    on: "**"
    severity: warning
disable: [tag-inferred-missing]
severity: {{console-errors: off}}
ignore:
  - fingerprint: {fingerprint}
    reason: the shop has no currency yet
""",
        )
    )
    apply(report, load_rules(config.rule_options()))
    ids = _ids(report)
    assert ("thank-you-purchase-params", "/checkout/thank-you", "error") in ids
    assert ("expect-3", "/about", "warning") in ids
    assert not any(rule == "tag-inferred-missing" for rule, _, _ in ids)
    assert not any(rule == "expect-1" for rule, _, _ in ids)
    suppressed = [f for f in report.findings if f.suppressed]
    assert [f.rule_id for f in suppressed] == ["ga4-purchase-params"]
    assert suppressed[0].suppressed == "ignored in config: the shop has no currency yet"
    assert report.summary["suppressed"] == 1
    assert report.config.disabled_rules == ["console-errors", "tag-inferred-missing"]


def test_no_inference_where_the_config_leaves_the_tag_out(tmp_path: Path) -> None:
    report = _shop()
    config = load_config(_config(tmp_path, "expect:\n  - tag: ga4:G-1\n    not_on: [/about]\n"))
    apply(report, load_rules(config.rule_options()))
    assert _ids(report) == [("ga4-purchase-params", "/checkout/thank-you", "error")]
    other = load_config(_config(tmp_path, "expect:\n  - tag: ga4:G-2\n    not_on: [/about]\n"))
    apply(report := _shop(), load_rules(other.rule_options()))
    assert ("tag-inferred-missing", "/about", "warning") in _ids(report)  # another account


def _zero_config_findings() -> list[Finding]:
    report = _shop()
    apply(report, load_rules())
    return [f for f in report.findings if f.rule_id == "ga4-purchase-params"]


def test_fingerprints_are_stable_across_runs() -> None:
    first, second = _zero_config_findings(), _zero_config_findings()
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
    report = _shop()
    report.pages[3].url += "?gclid=abc#top"
    apply(report, load_rules())
    again = [f for f in report.findings if f.rule_id == "ga4-purchase-params"]
    assert again[0].fingerprint == first[0].fingerprint


def test_severity_change_and_extra_rule_file(tmp_path: Path) -> None:
    rules = tmp_path / "more.yaml"
    rules.write_text(
        "- {id: no-meta, title: No Meta, category: unexpected-tag, severity: error,\n"
        "   check: tag-absent, args: {provider: ga4}, scope: {pages: [/cart]}, help: Remove it.}\n"
    )
    config = load_config(
        _config(tmp_path, "rules: [more.yaml]\nseverity: {event-params: warning}\n")
    )
    report = _shop()
    apply(report, load_rules(config.rule_options()))
    assert ("no-meta", "/cart", "error") in _ids(report)
    assert ("ga4-purchase-params", "/checkout/thank-you", "warning") in _ids(report)


def test_extra_files_from_the_command_line(tmp_path: Path) -> None:
    rules = tmp_path / "cli.yaml"
    rules.write_text(
        "- {id: cli-rule, title: t, category: missing-tag, severity: info, check: tag-present,\n"
        "   args: {provider: tiktok}, scope: {pages: [/]}, help: h}\n"
    )
    report = _shop()
    apply(report, load_rules(RuleOptions(files=[rules])))
    assert ("cli-rule", "/", "info") in _ids(report)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("disable: [no-such-rule]\n", "disable"),
        ("severity: {no-such: error}\n", "severity"),
    ],
)
def test_unknown_selectors_are_config_errors(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_rules(load_config(_config(tmp_path, text)).rule_options())
    assert caught.value.field == field


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    rules = tmp_path / "dup.yaml"
    rules.write_text(
        "- {id: pii-in-hit, title: t, category: pii, severity: info, check: pii, help: h}\n"
    )
    with pytest.raises(ConfigError, match="already defined"):
        load_rules(load_config(_config(tmp_path, "rules: [dup.yaml]\n")).rule_options())


def _rules(tmp_path: Path, text: str, kinds: Kinds) -> RuleSet:
    options = load_config(_config(tmp_path, text)).rule_options()
    return load_rules(options, Kinds.joined(CHECK_KINDS, kinds))


def test_a_plugged_in_check_kind_runs(tmp_path: Path) -> None:
    extra = Kinds()

    @extra.register("test-every-page", required={"word": str})
    def every_page(rule: Rule, report: Report) -> Iterator[Finding]:
        """Reports every page in scope."""
        for page in rule.pages(report):
            yield rule.finding(f"{rule.args['word']} {page.url}", page.url, page=page)

    rules = tmp_path / "plug.yaml"
    rules.write_text(
        "- {id: plug, title: t, category: consent, severity: warning, check: test-every-page,\n"
        "   args: {word: seen}, scope: {pages: [/cart], scenarios: [none]}, help: h}\n"
    )
    findings = evaluate(_shop(), _rules(tmp_path, "rules: [plug.yaml]\n", extra))
    assert [(f.rule_id, f.message) for f in findings if f.rule_id == "plug"] == [
        ("plug", "seen https://shop.test/cart")
    ]
    assert "test-every-page" not in CHECK_KINDS  # the built-in set is never changed


def test_findings_already_on_the_report_are_kept() -> None:
    report = _shop()
    crawler = Finding(
        "crawl-interrupted", "page-error", "error", "run interrupted", url="https://shop.test/x"
    )
    report.findings = [crawler]
    apply(report, load_rules())
    assert crawler in report.findings


def test_a_crashing_check_costs_only_its_own_rule(tmp_path: Path) -> None:
    crashing = Kinds()

    @crashing.register("test-crash")
    def crash(rule: Rule, report: Report) -> Iterator[Finding]:
        """Always fails."""
        raise ValueError("boom")
        yield  # pragma: no cover

    rules = tmp_path / "crash.yaml"
    rules.write_text(
        "- {id: crashy, title: t, category: consent, severity: error, check: test-crash, help: h}\n"
    )
    report = _shop()
    apply(report, _rules(tmp_path, "rules: [crash.yaml]\n", crashing))
    assert report.config.rule_errors == [
        "rule crashy (check test-crash) failed: ValueError('boom')"
    ]
    assert any(f.rule_id == "ga4-purchase-params" for f in report.findings)
    with pytest.raises(ValueError):
        evaluate(_shop(), _rules(tmp_path, "rules: [crash.yaml]\n", crashing))


def test_two_kinds_of_pii_in_one_hit_have_distinct_fingerprints() -> None:
    report = _shop()
    report.pages[0].hits[0].params = {"email": "a@example.com", "phone": "+49 171 2345678"}
    apply(report, load_rules())
    pii = [f for f in report.findings if f.rule_id == "pii-in-hit"]
    assert len(pii) == 2 and len({f.fingerprint for f in pii}) == 2


def test_a_missing_rule_file_is_named(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, "rules: [nope.yaml]\n"))
    with pytest.raises(ConfigError) as caught:
        load_rules(config.rule_options())
    assert caught.value.one_line() == (
        f"{tmp_path / 'tagaudit.yaml'}: rules: rule file not found: {tmp_path / 'nope.yaml'}"
    )


def test_expected_param_formats(tmp_path: Path) -> None:
    config = load_config(
        _config(
            tmp_path,
            "expect:\n  - event: ga4:purchase\n    on: /checkout/**\n"
            "    params: {transaction_id: 're:^ORD-', value:}\n"
            "disable: [ga4-purchase-params]\n",
        )
    )
    report = _shop()
    apply(report, load_rules(config.rule_options()))
    [finding] = [f for f in report.findings if f.rule_id == "expect-1-params"]
    assert finding.message == "ga4 G-1 purchase: transaction_id 'T1' does not match ^ORD-"


def test_apply_with_a_ruleset_loaded_before_the_crawl() -> None:
    config = load_config(None)
    ruleset = load_rules(config.rule_options())
    report = _shop()
    apply(report, ruleset)
    assert [f.rule_id for f in report.findings] == ["ga4-purchase-params", "tag-inferred-missing"]


def _flooding(tmp_path: Path, count: int) -> RuleSet:
    flood = Kinds()

    @flood.register("test-flood")
    def many(rule: Rule, report: Report) -> Iterator[Finding]:
        """One finding per number, all on the first page (as a hostile page can cause)."""
        page = report.pages[0]
        for n in range(count):
            yield rule.finding(f"number {n}", page.url, page=page, distinct=str(n))

    (tmp_path / "flood.yaml").write_text(
        "- {id: flood, title: t, category: consent, severity: info, check: test-flood, help: h}\n"
    )
    return _rules(tmp_path, "rules: [flood.yaml]\n", flood)


def test_a_rule_keeps_at_most_max_findings_per_page_and_says_how_many_it_had(
    tmp_path: Path,
) -> None:
    """Issue 22, item 5: a page controls how many findings its data makes; the report keeps
    a bounded number per rule and page, and says what it left out."""
    report = _shop()
    apply(report, _flooding(tmp_path, engine.MAX_FINDINGS_PER_PAGE + 500))
    flood = [f for f in report.findings if f.rule_id == "flood"]
    assert len(flood) == engine.MAX_FINDINGS_PER_PAGE == 1000
    assert report.config.rule_errors == [
        f"rule flood: 1,500 findings on {report.pages[0].url}, the first 1,000 kept"
    ]


def test_a_rule_past_its_time_budget_stops_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "RULE_BUDGET_S", 0.0)
    report = _shop()
    apply(report, _flooding(tmp_path, 50))
    assert len([f for f in report.findings if f.rule_id == "flood"]) == 1
    assert "rule flood stopped after 0 s: its findings are incomplete" in (
        report.config.rule_errors
    )
