"""A user's regex never hangs a run.

Before: a rule scope `re:(a+)+$` against a long URL hung the run with no report. Now the
usual catastrophic forms are refused when the file is read (file, line, field; exit 2), and
what that check cannot see runs with a time limit per match and ends as one line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import tagaudit
from tagaudit.cli import main
from tagaudit.patterns import PatternTooSlow, regex_problem, url_matches
from tagaudit.runner.sitesrv import SiteServer

pytestmark = pytest.mark.timing

LONG_URL = "https://shop.example/" + "a" * 5000 + "!"


@pytest.mark.parametrize(
    ("name", "text", "line", "field"),
    [
        (
            "tagaudit.yaml",
            "pages: [https://example.com/]\nexpect:\n  - tag: ga4:G-1\n    on: 're:(a+)+$'\n",
            4,
            "expect[0].on",
        ),
        (
            "tagaudit.yaml",
            "pages: [https://example.com/]\nignore:\n  - rule: pii\n    on: ['re:^/(\\w+\\s?)*$']\n"
            "    reason: known\n",
            4,
            "ignore[0].on",
        ),
        (
            "tagaudit.yaml",
            "pages: [https://example.com/]\ncrawl:\n  exclude: ['re:(x*)*y']\n",
            3,
            "crawl.exclude",
        ),
        (
            "rules.yaml",
            "rules:\n  - id: my-rule\n    title: t\n    category: missing-tag\n"
            "    severity: error\n    check: page-status\n    help: h\n"
            "    scope: {pages: ['re:^([a-z]+/?)*$']}\n",
            8,
            "pages",
        ),
    ],
    ids=["expect-scope", "ignore-scope", "crawl-exclude", "rule-scope"],
)
def test_a_catastrophic_regex_is_refused_when_read(
    name: str,
    text: str,
    line: int,
    field: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if name == "tagaudit.yaml":
        args = ["audit", "-c", str(path)]
    else:
        args = ["audit", "--rules", str(path), "https://example.com/"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert f"{path}:{line}" in err and field in err and "nested quantifiers" in err, err


@pytest.mark.parametrize(
    "pattern", [r"^/p/\d+$", r"(utm_[a-z]+=[^&]*&?)+", r"^(/[a-z]+)*$", r"^/(en|de)/shop/"]
)
def test_ordinary_regexes_pass_the_check(pattern: str) -> None:
    assert regex_problem(pattern) is None


def test_what_the_check_cannot_see_is_stopped_in_time() -> None:
    """`(a|a)*$` backtracks exponentially through alternation, not nesting: the time limit
    ends it, as one line naming the pattern."""
    assert regex_problem("(a|a)*$") is None
    began = time.monotonic()
    with pytest.raises(PatternTooSlow, match=r"\(a\|a\)\*\$"):
        url_matches("re:(a|a)*$", LONG_URL)
    assert time.monotonic() - began < 5


@pytest.mark.e2e
def test_a_slow_scope_costs_one_rule_not_the_report(
    hostile_site: SiteServer, chromium_path: str
) -> None:
    """An expectation scoped with such a regex: the audit still finishes and reports, the
    rule's failure is said in the report (and on stderr by the CLI)."""
    url = hostile_site.url("/healthy/a/?q=" + "a" * 3000 + "!")
    began = time.monotonic()
    report = tagaudit.audit(
        [url],
        config={"expect": [{"tag": "ga4:G-HOSTILE1", "on": "re:(a|a)*$"}]},
        browser=chromium_path,
    )
    assert time.monotonic() - began < 60
    assert [p.status for p in report.pages] == [200]
    assert any("took more than" in e and "(a|a)*$" in e for e in report.config.rule_errors)
