"""What keeps a 1,000-link check and a merge cheap: no Playwright imported when no browser
runs, and a JSON report written with the C encoder (one page, link or finding a line)."""

from __future__ import annotations

import json
import subprocess
import sys

from tagaudit.model import Finding, LinkResult, PageVisit, Report
from tagaudit.report import json_report


def test_a_link_check_over_http_and_a_merge_import_no_browser() -> None:
    probe = (
        "import sys, tagaudit.cli, tagaudit.runner.links, tagaudit.runner.run, "
        "tagaudit.runner.merge; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'playwright', 'greenlet'}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_json_report_has_one_item_a_line_and_the_same_content() -> None:
    report = Report(
        tool_version="0-test",
        pages=[PageVisit("https://shop.test/", status=200), PageVisit("https://shop.test/é")],
        links=[LinkResult("https://go.test/a?utm_source=x")],
        findings=[
            Finding("r", "pii", "error", "email in dl: a***@example.com", url="https://shop.test/")
        ],
    )
    report.summarize()
    text = json_report.render(report)
    assert json.loads(text) == json.loads(json.dumps(report.to_dict()))
    lines = text.splitlines()
    assert lines[0] == "{" and lines[1] == '  "schema": "1.0",'
    assert sum(1 for line in lines if line.startswith('    {"url": "https://shop.test/')) == 2
    assert sum(1 for line in lines if line.startswith('    {"rule_id": "r"')) == 1
    assert "é" in text  # UTF-8 as written, not \\u escapes
    assert json.loads(json_report.render(Report()))["pages"] == []
