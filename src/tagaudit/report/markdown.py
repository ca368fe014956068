"""Markdown for CI step summaries ($GITHUB_STEP_SUMMARY, GitLab MR notes): a headline with
the counts and the verdict, what changed since the baseline (with `--baseline`: a section, and
a column new / unchanged in the findings), the findings table (worst first, capped), the tag
matrix with the reason behind each empty cell, and the consent matrix with a pass/fail mark
per cell.

A step summary is rendered by the CI, so page data must not become Markdown: every value
from a page goes through `cell`, which masks secrets and emails, turns line breaks (a lone CR
too) and other control characters into spaces, and escapes what would make a link, an image,
a code span, HTML or a table column (`[`, `]`, `` ` ``, `<`, `|`). No code fences: a value
cannot close one. Imports only tagaudit.model and the other report modules.
"""

from __future__ import annotations

import re

from tagaudit.model import Report
from tagaudit.report import baseline_view
from tagaudit.report.common import (
    counts_line,
    finding_groups,
    header_facts,
    short_label,
    verdict_short,
)
from tagaudit.report.consent import TITLE as CONSENT_TITLE
from tagaudit.report.consent import markdown_lines
from tagaudit.report.journeys import TITLE as JOURNEYS_TITLE
from tagaudit.report.journeys import journey_lines
from tagaudit.report.masking import for_people
from tagaudit.report.matrix import LEGEND, tag_matrix

MAX_ROWS = 100
ICONS = {"error": "❌ error", "warning": "⚠️ warning", "info": "ℹ️ info"}
VERDICT_ICONS = {"pass": "✅", "fail": "❌", "incomplete": "⚠️"}
# C0/C1 controls, DEL, and the Unicode line/paragraph separators: a renderer may break on them.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# What opens a link or image (`[`, `]`), a code span, or ends a table cell; `\` itself.
_SPECIAL = re.compile(r"([\\`\[\]|])")


def cell(text: object) -> str:
    """Page data as inert Markdown text (see module docstring), one line, masked."""
    text = _CONTROLS.sub(" ", for_people(text))
    text = _SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;").strip()


def render(report: Report, fail_on: str = "error") -> str:
    state, words = verdict_short(report, fail_on)
    lines = [f"## tagaudit: {counts_line(report)} — {VERDICT_ICONS[state]} {words}", ""]
    if report.interrupted:
        lines += ["> The run was interrupted: these are partial results.", ""]
    lines += [cell(", ".join(header_facts(report))), ""]
    lines += baseline_view.markdown_lines(report, cell, MAX_ROWS)
    lines += _findings(report)
    lines += _matrix(report)
    consent = markdown_lines(report, cell)
    if consent:
        lines += [f"### {CONSENT_TITLE}", "", *consent]
    lines += _journeys(report)
    return "\n".join(lines).rstrip() + "\n"


def _findings(report: Report) -> list[str]:
    if not report.findings:
        return ["No findings.", ""]
    compared = report.baseline is not None  # a column: new or unchanged since the baseline
    head = ["severity", *(["baseline"] if compared else []), "page", "rule", "finding"]
    lines = ["### Findings", "", "| " + " | ".join([*head, "how to fix"]) + " |"]
    lines.append("|" + " --- |" * (len(head) + 1))
    groups = finding_groups(report.findings)
    for group in groups[:MAX_ROWS]:
        finding = group.finding
        severity = ICONS.get(finding.severity, finding.severity)
        if finding.suppressed:
            severity = f"~~{severity}~~ (suppressed)"
        row = [severity]
        if compared:
            state = baseline_view.state_of(group.members)
            row.append({"new": "🆕 **new**", None: ""}.get(state, state or ""))
        row += [cell(group.place(report)), f"`{cell(finding.rule_id)}`"]
        row += [cell(finding.message), cell(finding.help)]
        lines.append("| " + " | ".join(row) + " |")
    if len(groups) > MAX_ROWS:
        lines.append(f"\n… and {len(groups) - MAX_ROWS} more (see the HTML or JSON report).")
    return [*lines, ""]


def _journeys(report: Report) -> list[str]:
    """Each journey as a nested list: the journey, its steps, their details (inert text)."""
    lines = journey_lines(report)
    if not lines:
        return []
    items = [f"### {JOURNEYS_TITLE}", ""]
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        depth = 0 if indent == 0 else 1 if indent <= 2 else 2
        items.append("  " * depth + "- " + cell(line))
    return [*items, ""]


def _matrix(report: Report) -> list[str]:
    columns, rows = tag_matrix(report)
    if not columns:
        return []
    lines = ["### Tag matrix (hits sent per page)", ""]
    lines.append("| page | " + " | ".join(cell(c) for c in columns) + " |")
    lines.append("| --- |" + " :---: |" * len(columns))
    for page, cells in rows:
        values = [cell(cells[c].text()) for c in columns]
        lines.append(f"| {cell(short_label(page, report))} | " + " | ".join(values) + " |")
    return [*lines, "", cell(LEGEND), ""]
