"""Reporters: each module renders a finished Report into one format. They only read it.

    terminal.render(report, console, verbose, quiet)   rich summary; terminal.progress(total)
    json_report.render(report)                         the Report (schemas/report.schema.json)
    junit.render(report, fail_on)                      JUnit XML (schemas/junit.xsd)
    sarif.render(report)                               SARIF 2.1.0
    markdown.render(report)                            CI step summary
    html.render(report)                                one self-contained HTML file
    consent                                            the consent matrix, in text and HTML

Rule titles and descriptions come from `report.config.rules`, the consent matrix from
`report.config.consent_matrix`. Imports only tagaudit.model (and rich in terminal.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tagaudit.model import Report
from tagaudit.report import html, json_report, junit, markdown, sarif


def renderers(fail_on: str = "error") -> dict[str, Callable[[Report], str]]:
    """Format name (the ReportOptions attribute holding its path) → render function."""
    return {
        "json": json_report.render,
        "junit": lambda report: junit.render(report, fail_on=fail_on),
        "html": html.render,
        "sarif": sarif.render,
        "markdown": markdown.render,
    }


def write_all(report: Report, options: Any) -> list[Path]:
    """Write each format whose path is set on `options` (see cli.common.ReportOptions)."""
    written = []
    fail_on = getattr(options, "fail_on", "error") or "error"
    for name, render in renderers(fail_on).items():
        path = getattr(options, name, None)
        if path is not None:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(report), encoding="utf-8")
            written.append(path)
    return written


__all__ = ["renderers", "write_all"]
