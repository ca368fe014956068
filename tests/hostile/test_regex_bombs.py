"""A user's regex never hangs a run.

Before: a rule scope `re:(a+)+$` against a long URL hung the run with no report. Now the
usual catastrophic forms are refused when the file is read (file, line, field; exit 2), and
what that check cannot see runs with a time limit per match and ends as one line.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

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
    began = time.process_time()  # the regex module's limit is CPU time: 7 s of wall at load 30
    with pytest.raises(PatternTooSlow, match=r"\(a\|a\)\*\$"):
        url_matches("re:(a|a)*$", LONG_URL)
    assert time.process_time() - began < 5


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


def test_a_catastrophic_providers_path_regex_is_refused_when_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 22, item 5. Before: a `providers:` path regex was neither refused nor bounded."""
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "pages: [https://example.com/]\nproviders:\n  - id: mine\n    name: Mine\n"
        "    endpoints:\n      - hosts: ['*']\n        paths: ['^/(\\w+/?)+$']\n",
        encoding="utf-8",
    )
    assert main(["audit", "-c", str(config)]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert f"{config}:6" in err and "providers[0].endpoints[0].paths[0]" in err, err
    assert "nested quantifiers" in err


@pytest.mark.e2e
def test_a_slow_providers_path_regex_is_cut_once_switched_off_and_named(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 22, item 5: a `providers:` path regex the check lets through (`(a|a)*$`) meets a
    page's 3,000-character path. The audit ends with its report; the first pixel (a short
    path) was claimed by the regex and answered here, the long one cost one time limit, and
    from then on the regex is off: the same short path after it goes out unclaimed. Report
    and stderr name the regex by file, line and field."""
    config, report = _audit_with_provider(
        "    endpoints:\n      - hosts: ['*']\n        paths: ['^/(a|a)*$']\n",
        hostile_site.url("/slow-regex/"),
        chromium_path,
        tmp_path,
    )
    (page,) = report["pages"]
    pixels = [r for r in page["requests"] if "collect.slow.example" in r["url"]]
    assert [len(r["url"]) > 3000 for r in pixels] == [False, True, False]
    assert [r["answered_locally"] for r in pixels] == [True, False, False]
    assert [(h["provider"], h["account"]) for h in page["hits"]] == [("ga4", "G-HOSTILE1")]
    (note,) = [n for n in report["config"]["notes"] if "(a|a)*$" in n]
    assert f"{config}:7 providers[0].endpoints[0].paths[0]" in note, note
    assert "took more than 0.25 s" in note and "not used for the rest of the run" in note
    assert f"{config}:7" in capsys.readouterr().err


def test_a_slow_queues_regex_runs_in_python_time_limited_switched_off_and_named(
    hostile_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    """A user's `queues:` regex (storage keys of an SDK's held events) is matched in Python,
    not in the page: there `^(a|a)*$` on a 41-character key hung the page's thread with no
    limit and no word (23.5 s for one page), and a Python-only form such as `(?P<name>…)`
    did not even compile in JavaScript. Here it costs one time limit, is switched off and
    named; the provider's honest regex (Python syntax) still counts its queue."""
    config, report = _audit_with_provider(
        "    endpoints:\n      - hosts: [collect.mine.example]\n"
        "    queues: ['^(a|a)*$', '^(?P<sdk>mine)_queue$']\n"
        "crawl: {max_wait_ms: 300}\n",  # held events nothing will send: a short wait
        hostile_site.url("/slow-queue/"),
        chromium_path,
        tmp_path,
    )
    (page,) = report["pages"]
    assert [(h["provider"], h["event"]) for h in page["hits"]] == [("ga4", "page_view")]
    # The honest regex still counts its three events (nothing sends them: still held).
    assert [(h["provider"], h["events"]) for h in page["held_events"]] == [("mine", 3)]
    (note,) = [n for n in report["config"]["notes"] if "(a|a)*$" in n]
    assert f"{config}:2 providers[0].queues" in note, note
    assert "not used for the rest of the run" in note


def _audit_with_provider(
    rest: str, url: str, chromium_path: str, tmp_path: Path
) -> tuple[Path, dict[str, Any]]:
    """Audit `url` with a user provider `mine` whose endpoints and queues are `rest` (YAML
    lines): (the config's path, the JSON report). Within one time limit of 0.25 s of CPU,
    not one per request or read."""
    config = tmp_path / "tagaudit.yaml"
    head = "providers:\n  - id: mine\n    name: Mine\n    account: [aid]\n    event: [ev]\n"
    config.write_text(head + rest, encoding="utf-8")
    out = tmp_path / "report.json"
    cpu = time.process_time()
    args = ["audit", "-c", str(config), url, "--json", str(out)]
    assert main([*args, "--browser", chromium_path, "--quiet"]) == 0
    assert time.process_time() - cpu < 60
    return config, json.loads(out.read_text(encoding="utf-8"))
