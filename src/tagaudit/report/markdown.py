"""Markdown for CI step summaries ($GITHUB_STEP_SUMMARY, GitLab MR notes): a headline with
the counts, the findings table (worst first, capped), and the tag matrix.

Imports only tagaudit.model and the other report modules.
"""

from __future__ import annotations

from tagaudit.model import Report
from tagaudit.report.common import (
    counts_line,
    finding_place,
    short_label,
    tag_matrix,
)
from tagaudit.report.consent import TITLE as CONSENT_TITLE
from tagaudit.report.consent import matrix_lines
from tagaudit.report.journeys import TITLE as JOURNEYS_TITLE
from tagaudit.report.journeys import journey_lines

MAX_ROWS = 100
ICONS = {"error": "❌ error", "warning": "⚠️ warning", "info": "ℹ️ info"}


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    text = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;").strip()


def render(report: Report) -> str:
    summary = report.summary or report.summarize()
    lines = [f"## tagaudit: {counts_line(report)}", ""]
    if report.interrupted:
        lines += ["> The run was interrupted: these are partial results.", ""]
    lines += [
        "| pages | failed pages | tag hits | links |",
        "| ---: | ---: | ---: | ---: |",
        f"| {summary.get('pages', 0)} | {summary.get('page_errors', 0)} "
        f"| {summary.get('hits', 0)} | {summary.get('links', 0)} |",
        "",
    ]
    lines += _findings(report)
    lines += _matrix(report)
    consent = matrix_lines(report)
    if consent:
        lines += [f"### {CONSENT_TITLE}", "", "```", *consent, "```", ""]
    journeys = journey_lines(report)
    if journeys:
        lines += [f"### {JOURNEYS_TITLE}", "", "```", *journeys, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _findings(report: Report) -> list[str]:
    if not report.findings:
        return ["No findings.", ""]
    lines = ["### Findings", "", "| severity | page | rule | finding | how to fix |"]
    lines.append("| --- | --- | --- | --- | --- |")
    for finding in report.findings[:MAX_ROWS]:
        severity = ICONS.get(finding.severity, finding.severity)
        if finding.suppressed:
            severity = f"~~{severity}~~ (suppressed)"
        row = [
            severity,
            finding_place(finding, report),
            f"`{finding.rule_id}`",
            finding.message,
            finding.help,
        ]
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    if len(report.findings) > MAX_ROWS:
        lines.append(
            f"\n… and {len(report.findings) - MAX_ROWS} more (see the HTML or JSON report)."
        )
    return [*lines, ""]


def _matrix(report: Report) -> list[str]:
    columns, rows = tag_matrix(report)
    if not columns:
        return []
    lines = ["### Tag matrix (hits sent per page)", ""]
    lines.append("| page | " + " | ".join(cell(c) for c in columns) + " |")
    lines.append("| --- |" + " :---: |" * len(columns))
    for page, cells in rows:
        values = [cells[c].text() if c in cells else "—" for c in columns]
        lines.append(f"| {cell(short_label(page, report))} | " + " | ".join(values) + " |")
    return [*lines, ""]
